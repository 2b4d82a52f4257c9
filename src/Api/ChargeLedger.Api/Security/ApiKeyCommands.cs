using System.Globalization;
using ChargeLedger.EventStore;

namespace ChargeLedger.Api.Security;

/// <summary>
/// The host's key management CLI: <c>keys create --role R [--role R2] --name N</c>, <c>keys revoke ID</c>,
/// <c>keys list</c>. The secret is printed once on creation; only its hash is stored.
/// </summary>
public static class ApiKeyCommands
{
    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        await using var dataSource = PostgresSettings.FromEnvironment().CreateDataSource();
        await new SchemaMigrator(dataSource).MigrateAsync(cancellationToken).ConfigureAwait(false);
        var keys = new ApiKeyStore(dataSource);
        switch (args)
        {
            case ["create", .. var options]:
                var roles = Values(options, "--role");
                var names = Values(options, "--name");
                if (roles.Count == 0 || names.Count != 1 || roles.Any(r => !ApiRoles.IsKnown(r)))
                {
                    return Usage();
                }
                var created = await keys.CreateAsync(names[0], roles, cancellationToken).ConfigureAwait(false);
                Console.WriteLine($"id:     {created.Key.KeyId}");
                Console.WriteLine($"name:   {created.Key.Name}");
                Console.WriteLine($"roles:  {string.Join(",", created.Key.Roles)}");
                Console.WriteLine($"key:    {created.Secret}");
                Console.WriteLine("(the key is shown only now; send it in the X-Api-Key header)");
                return 0;
            case ["revoke", var id] when Guid.TryParse(id, out var keyId):
                if (await keys.RevokeAsync(keyId, cancellationToken).ConfigureAwait(false))
                {
                    Console.WriteLine($"revoked {keyId}");
                    return 0;
                }
                Console.Error.WriteLine($"no active key {keyId}");
                return 1;
            case ["list"]:
                foreach (var key in await keys.ListAsync(cancellationToken).ConfigureAwait(false))
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{key.KeyId}  {key.Name,-20} {string.Join(",", key.Roles),-24} created {key.CreatedAt}{(key.RevokedAt is { } at ? $"  REVOKED {at}" : "")}"));
                }
                return 0;
            default:
                return Usage();
        }
    }

    private static List<string> Values(string[] options, string name) =>
        [.. options.Select((value, i) => (value, i)).Where(o => o.value == name && o.i + 1 < options.Length).Select(o => options[o.i + 1])];

    private static int Usage()
    {
        Console.Error.WriteLine("usage: ChargeLedger.Api keys create --role <" + string.Join("|", ApiRoles.All) + "> [--role ...] --name <name>");
        Console.Error.WriteLine("       ChargeLedger.Api keys revoke <id>");
        Console.Error.WriteLine("       ChargeLedger.Api keys list");
        return 2;
    }
}
