using System.Globalization;
using System.Text;
using ChargeLedger.Protocol.Ocpp;
using NodaTime;

namespace ChargeLedger.Benchmarks;

/// <summary>
/// Pre-built messages (topic, EMQX JSON) with UniqueIds "m{index}" so acknowledgements map back to publish times.
/// Warm-up traffic (<see cref="JitWarmUp"/>) is numbered from <see cref="WarmUpIndexBase"/>, so it never maps back.
/// </summary>
internal sealed class Traffic
{
    private static readonly byte[] Marker = Encoding.UTF8.GetBytes("\"UniqueId\":\"m");

    public const int WarmUpIndexBase = 1_000_000_000;

    private readonly int firstIndex;

    private Traffic(IReadOnlyList<(string Topic, byte[] Payload)> messages, int firstIndex = 0)
    {
        Topics = messages.Select(m => m.Topic).ToArray();
        Payloads = messages.Select(m => m.Payload).ToArray();
        PublishedAt = new long[messages.Count];
        this.firstIndex = firstIndex;
    }

    public string[] Topics { get; }

    public byte[][] Payloads { get; }

    public long[] PublishedAt { get; }

    public int Count => Topics.Length;

    public static Traffic Setup(OcppTopics topics, int chargePoints)
    {
        var now = SystemClock.Instance.GetCurrentInstant();
        var list = new List<(string, byte[])>();
        for (var cp = 0; cp < chargePoints; cp++)
        {
            list.Add(Call(topics, cp, $"boot-{cp}", "BootNotification", """{"chargePointVendor":"Acme","chargePointModel":"Fast22"}"""));
            list.Add(Call(topics, cp, $"start-{cp}", "StartTransaction", $$"""{"connectorId":1,"idTag":"TAG{{cp}}","meterStart":{{cp * 1000}},"timestamp":"{{OcppDateTime.Format(now)}}"}"""));
        }

        return new Traffic(list);
    }

    /// <summary>
    /// <paramref name="count"/> messages from charge points <paramref name="firstChargePoint"/> onwards (mostly MeterValues),
    /// ending with a StopTransaction of up to one in twenty of them; UniqueIds numbered from <paramref name="firstIndex"/>.
    /// </summary>
    public static Traffic Timed(OcppTopics topics, int chargePoints, int count, Func<int, int> transactionOf, int firstChargePoint = 0, int firstIndex = 0)
    {
        var random = new Random(42);
        var start = SystemClock.Instance.GetCurrentInstant();
        var register = new long[chargePoints];
        var list = new List<(string, byte[])>(count);
        var stops = Math.Min(chargePoints, count / 20);
        for (var i = 0; i < count - stops; i++)
        {
            var n = random.Next(chargePoints);
            var cp = firstChargePoint + n;
            var time = OcppDateTime.Format(start + Duration.FromMilliseconds(i));
            var roll = random.Next(100);
            list.Add(roll switch
            {
                < 90 => Call(topics, cp, $"m{firstIndex + i}", "MeterValues", MeterValues(transactionOf(cp), time, cp * 1000 + (register[n] += random.Next(1, 50)))),
                < 95 => Call(topics, cp, $"m{firstIndex + i}", "Heartbeat", "{}"),
                < 99 => Call(topics, cp, $"m{firstIndex + i}", "StatusNotification", $$"""{"connectorId":1,"errorCode":"NoError","status":"Charging","timestamp":"{{time}}"}"""),
                _ => Call(topics, cp, $"m{firstIndex + i}", "Authorize", $$"""{"idTag":"TAG{{cp}}"}"""),
            });
        }

        for (var n = 0; n < stops; n++)
        {
            var cp = firstChargePoint + n;
            var time = OcppDateTime.Format(start + Duration.FromMilliseconds(count + n));
            list.Add(Call(topics, cp, $"m{firstIndex + list.Count}", "StopTransaction", $$"""{"transactionId":{{transactionOf(cp)}},"meterStop":{{cp * 1000 + register[n] + 1}},"timestamp":"{{time}}","reason":"EVDisconnected"}"""));
        }

        return new Traffic(list, firstIndex);
    }

    /// <summary>Whether <paramref name="uniqueId"/> is a warm-up message's.</summary>
    public static bool IsWarmUp(string uniqueId) =>
        uniqueId.Length > 1 && uniqueId[0] == 'm' && int.TryParse(uniqueId.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index >= WarmUpIndexBase;

    /// <summary>The index of the message with <paramref name="uniqueId"/> in this traffic, null for any other message.</summary>
    public int? IndexOf(string uniqueId) =>
        uniqueId.Length > 1 && uniqueId[0] == 'm' && int.TryParse(uniqueId.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? Local(index) : null;

    public int? IndexOf(ReadOnlySpan<byte> payload)
    {
        var at = payload.IndexOf(Marker);
        if (at < 0)
        {
            return null;
        }

        var digits = payload[(at + Marker.Length)..];
        var end = digits.IndexOf((byte)'"');
        return int.TryParse(digits[..end], NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? Local(index) : null;
    }

    private int? Local(int index) => index >= firstIndex && index - firstIndex < Count ? index - firstIndex : null;

    private static string MeterValues(int transactionId, string time, long wh) =>
        $$"""{"connectorId":1,"transactionId":{{transactionId}},"meterValue":[{"timestamp":"{{time}}","sampledValue":[{"value":"{{wh}}","context":"Sample.Periodic","measurand":"Energy.Active.Import.Register","location":"Outlet","unit":"Wh"},{"value":"7360.5","measurand":"Power.Active.Import","unit":"W"}]}]}""";

    private static (string, byte[]) Call(OcppTopics topics, int cp, string uniqueId, string action, string payload) =>
        (topics.Upstream($"BENCH{cp:D5}"), Encoding.UTF8.GetBytes($$"""{"MessageTypeId":2,"UniqueId":"{{uniqueId}}","Action":"{{action}}","Payload":{{payload}}}"""));
}
