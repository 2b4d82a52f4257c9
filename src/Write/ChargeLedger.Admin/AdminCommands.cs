using ChargeLedger.EventStore;

namespace ChargeLedger.Admin;

internal static class AdminCommands
{
    public static async Task<int> MigrateAsync(string[] args, CancellationToken cancellationToken)
    {
        await using var dataSource = PostgresSettings.FromEnvironment().CreateDataSource();
        try
        {
            var applied = await new SchemaMigrator(dataSource).MigrateAsync(cancellationToken).ConfigureAwait(false);
            Console.WriteLine(applied.Count == 0
                ? $"schema up to date ({SchemaMigrator.Scripts.Count} migrations)"
                : "applied: " + string.Join(", ", applied));
            return 0;
        }
        catch (MigrationException e)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
    }

    public static async Task<int> VerifyAsync(string[] args, CancellationToken cancellationToken)
    {
        if (args.Length != 1)
        {
            Console.Error.WriteLine("usage: verify <streamId>");
            return 2;
        }
        await using var dataSource = PostgresSettings.FromEnvironment().CreateDataSource();
        await using var store = new PostgresEventStore(dataSource);
        var result = await store.VerifyStreamAsync(args[0], cancellationToken).ConfigureAwait(false);
        if (result.Valid)
        {
            Console.WriteLine($"stream '{result.StreamId}': {result.EventsChecked} events, hash chain intact");
            return 0;
        }
        Console.WriteLine($"stream '{result.StreamId}': BROKEN at version {result.FirstBrokenVersion}: {result.Reason}");
        return 1;
    }
}
