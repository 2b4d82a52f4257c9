using ChargeLedger.Gateway.Hosting;

namespace ChargeLedger.Gateway.Security;

/// <summary><c>ChargeLedger.Gateway passwords set|remove|list</c>: manages the charge points' Basic-auth passwords.</summary>
public static class PasswordsCommand
{
    public static int Run(string[] args, GatewaySettings settings, TextWriter output, TextReader input)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(settings);
        var store = new CredentialStore(settings.CredentialsPath);
        switch (args)
        {
            case ["set", var id]:
                return Set(store, id, input.ReadLine(), output);
            case ["set", var id, var password]:
                return Set(store, id, password, output);
            case ["remove", var id]:
                output.WriteLine(store.Remove(id) ? $"removed the password of {id}" : $"{id} has no password");
                return 0;
            case ["list"]:
                foreach (var id in store.List())
                {
                    output.WriteLine(id);
                }
                return 0;
            default:
                output.WriteLine("usage: ChargeLedger.Gateway passwords set <chargePointId> [password (else read from stdin)] | remove <chargePointId> | list");
                output.WriteLine($"store: {store.FilePath} (CHARGELEDGER_GATEWAY_CREDENTIALS)");
                return 2;
        }
    }

    private static int Set(CredentialStore store, string id, string? password, TextWriter output)
    {
        if (ChargePointIdentity.Validate(id, int.MaxValue) is { } problem)
        {
            output.WriteLine($"'{id}' is not a valid charge point identity: {problem}");
            return 2;
        }
        if (string.IsNullOrEmpty(password))
        {
            output.WriteLine("the password must not be empty");
            return 2;
        }
        store.Set(id, password);
        output.WriteLine($"stored the password of {id} in {store.FilePath}");
        return 0;
    }
}
