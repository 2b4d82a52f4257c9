using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace ChargeLedger.Projections.DomainEvents;

/// <summary>
/// Appends a batch's rows to an insert-only table with binary COPY inside the batch's transaction (so they commit with
/// the checkpoint): the server parses no SQL and builds no arrays, which makes it the cheapest way to fill a rebuild.
/// </summary>
internal static class CopyRows
{
    public static async Task WriteAsync<T>(
        ProjectionContext context, string table, string columns, IReadOnlyList<T> rows,
        Func<NpgsqlBinaryImporter, T, CancellationToken, Task> writeRow, CancellationToken cancellationToken)
    {
        await using var importer = await context.Connection.BeginBinaryImportAsync(
            $"COPY {context.Table(table)} ({columns}) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
        foreach (var row in rows)
        {
            await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
            await writeRow(importer, row, cancellationToken).ConfigureAwait(false);
        }
        await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    public static Task ColumnAsync(this NpgsqlBinaryImporter importer, string? value, CancellationToken cancellationToken) =>
        value is null ? importer.WriteNullAsync(cancellationToken) : importer.WriteAsync(value, NpgsqlDbType.Text, cancellationToken);

    public static Task JsonColumnAsync(this NpgsqlBinaryImporter importer, string? json, CancellationToken cancellationToken) =>
        json is null ? importer.WriteNullAsync(cancellationToken) : importer.WriteAsync(json, NpgsqlDbType.Json, cancellationToken);

    public static Task ColumnAsync(this NpgsqlBinaryImporter importer, long? value, CancellationToken cancellationToken) =>
        value is { } v ? importer.WriteAsync(v, NpgsqlDbType.Bigint, cancellationToken) : importer.WriteNullAsync(cancellationToken);

    public static Task ColumnAsync(this NpgsqlBinaryImporter importer, int? value, CancellationToken cancellationToken) =>
        value is { } v ? importer.WriteAsync(v, NpgsqlDbType.Integer, cancellationToken) : importer.WriteNullAsync(cancellationToken);

    public static Task ColumnAsync(this NpgsqlBinaryImporter importer, decimal? value, CancellationToken cancellationToken) =>
        value is { } v ? importer.WriteAsync(v, NpgsqlDbType.Numeric, cancellationToken) : importer.WriteNullAsync(cancellationToken);

    public static Task ColumnAsync(this NpgsqlBinaryImporter importer, Instant? value, CancellationToken cancellationToken) =>
        value is { } v ? importer.WriteAsync(v.ToDateTimeUtc(), NpgsqlDbType.TimestampTz, cancellationToken) : importer.WriteNullAsync(cancellationToken);
}
