using System.Text.Json;

namespace ChargeLedger.Domain.Serialization;

/// <summary>Event ↔ (stable type name, UTF-8 JSON), as stored in the event store.</summary>
public static class EventSerializer
{
    /// <exception cref="ArgumentException">The object is not a registered event type (a programming error).</exception>
    public static (string Type, byte[] Utf8Json) Serialize(object @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        var type = @event.GetType();
        var info = EventTypes.InfoFor(type) ?? throw new ArgumentException($"{type.FullName} is not a registered event type.", nameof(@event));
        return (EventTypes.NameOf(type)!, JsonSerializer.SerializeToUtf8Bytes(@event, info));
    }

    /// <summary>Null for an unknown type name or unreadable JSON (readers skip what they do not understand).</summary>
    public static object? Deserialize(string type, ReadOnlySpan<byte> utf8Json)
    {
        if (EventTypes.InfoFor(type) is not { } info)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(utf8Json, info);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            return null;
        }
    }
}
