using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace ChargeLedger.Read.Ledger;

internal static class LedgerParameters
{
    public static NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };

    public static NpgsqlParameter Long(long? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint };

    public static NpgsqlParameter Int(int? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer };

    public static NpgsqlParameter Time(Instant? value) => new() { Value = (object?)value?.ToDateTimeUtc() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz };

    public static Instant ReadInstant(NpgsqlDataReader reader, int ordinal) => Instant.FromDateTimeUtc(reader.GetDateTime(ordinal));

    public static Instant? ReadOptionalInstant(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : ReadInstant(reader, ordinal);

    public static string? ReadOptionalString(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static decimal? ReadOptionalDecimal(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetDecimal(ordinal);

    public static long? ReadOptionalLong(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);

    // Shared WHERE fragment: rows visible as of a position ($a) and/or a log instant ($b).
    public static string AsOfFilter(int positionParameter, int instantParameter) =>
        $"(${positionParameter}::bigint IS NULL OR position <= ${positionParameter}) AND (${instantParameter}::timestamptz IS NULL OR recorded_at <= ${instantParameter})";

    public static string AfterCursor(int positionParameter, int lineParameter) =>
        $"(${positionParameter}::bigint IS NULL OR (position, line_no) > (${positionParameter}, ${lineParameter}))";
}
