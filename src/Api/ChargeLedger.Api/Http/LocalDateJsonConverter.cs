using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime;
using NodaTime.Text;

namespace ChargeLedger.Api.Http;

/// <summary>Writes a <see cref="LocalDate"/> as an ISO 8601 date ("2026-11-21").</summary>
public sealed class LocalDateJsonConverter : JsonConverter<LocalDate>
{
    public override LocalDate Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var result = LocalDatePattern.Iso.Parse(reader.GetString() ?? string.Empty);
        return result.Success ? result.Value : throw new JsonException("Not an ISO 8601 date.");
    }

    public override void Write(Utf8JsonWriter writer, LocalDate value, JsonSerializerOptions options) =>
        writer.WriteStringValue(LocalDatePattern.Iso.Format(value));
}
