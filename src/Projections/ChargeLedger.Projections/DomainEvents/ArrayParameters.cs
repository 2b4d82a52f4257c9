using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace ChargeLedger.Projections.DomainEvents;

/// <summary>Column arrays for set-based writes (<c>unnest($1::text[], ...)</c>): one parameter per column of a batch.</summary>
internal static class ArrayParameters
{
    public static NpgsqlCommand Texts<T>(this NpgsqlCommand command, IEnumerable<T> rows, Func<T, string?> column) =>
        command.Add(rows.Select(column).ToArray(), NpgsqlDbType.Text);

    public static NpgsqlCommand Longs<T>(this NpgsqlCommand command, IEnumerable<T> rows, Func<T, long?> column) =>
        command.Add(rows.Select(column).ToArray(), NpgsqlDbType.Bigint);

    public static NpgsqlCommand Ints<T>(this NpgsqlCommand command, IEnumerable<T> rows, Func<T, int?> column) =>
        command.Add(rows.Select(column).ToArray(), NpgsqlDbType.Integer);

    public static NpgsqlCommand Bools<T>(this NpgsqlCommand command, IEnumerable<T> rows, Func<T, bool> column) =>
        command.Add(rows.Select(column).ToArray(), NpgsqlDbType.Boolean);

    public static NpgsqlCommand Decimals<T>(this NpgsqlCommand command, IEnumerable<T> rows, Func<T, decimal?> column) =>
        command.Add(rows.Select(column).ToArray(), NpgsqlDbType.Numeric);

    public static NpgsqlCommand Times<T>(this NpgsqlCommand command, IEnumerable<T> rows, Func<T, Instant?> column) =>
        command.Add(rows.Select(r => column(r)?.ToDateTimeUtc()).ToArray(), NpgsqlDbType.TimestampTz);

    private static NpgsqlCommand Add(this NpgsqlCommand command, object values, NpgsqlDbType elementType)
    {
        command.Parameters.Add(new NpgsqlParameter { Value = values, NpgsqlDbType = NpgsqlDbType.Array | elementType });
        return command;
    }
}
