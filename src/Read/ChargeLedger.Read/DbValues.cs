using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace ChargeLedger.Read;

/// <summary>Typed parameters (null as SQL NULL) and nullable column reads shared by the read-model queries.</summary>
internal static class DbValues
{
    public static NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };

    public static NpgsqlParameter Int(int? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer };

    public static NpgsqlParameter Bool(bool? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Boolean };

    public static NpgsqlParameter Time(Instant? value) =>
        new() { Value = (object?)value?.ToDateTimeUtc() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz };

    public static string? TextOrNull(this NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static int? Int32OrNull(this NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt32(ordinal);

    public static long? Int64OrNull(this NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);

    public static decimal? DecimalOrNull(this NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetDecimal(ordinal);

    public static Instant Instant(this NpgsqlDataReader reader, int ordinal) => NodaTime.Instant.FromDateTimeUtc(reader.GetDateTime(ordinal));

    public static Instant? InstantOrNull(this NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.Instant(ordinal);
}
