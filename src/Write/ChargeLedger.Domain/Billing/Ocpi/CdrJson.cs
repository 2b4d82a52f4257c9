using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChargeLedger.Domain.Billing.Ocpi;

/// <summary>
/// The OCPI JSON of a CDR, as the ledger stores it and reads it back: one source-generated serializer for both, with
/// no reflection on the path a ledger rebuild takes once per finished session.
/// </summary>
public static class CdrJson
{
    public static byte[] ToUtf8(Cdr cdr) => JsonSerializer.SerializeToUtf8Bytes(cdr, CdrJsonContext.Default.Cdr);

    public static string ToText(Cdr cdr) => JsonSerializer.Serialize(cdr, CdrJsonContext.Default.Cdr);

    public static Cdr? Parse(string json) => JsonSerializer.Deserialize(json, CdrJsonContext.Default.Cdr);
}

[JsonSerializable(typeof(Cdr))]
internal sealed partial class CdrJsonContext : JsonSerializerContext;
