using System.Collections.Immutable;
using ChargeLedger.Domain.Shared;

namespace ChargeLedger.Domain.ChargePoints;

/// <summary>
/// A bounded window of recently recorded charge-point calls, keyed by action and OCPP UniqueId, for calls that carry
/// no content key (Heartbeat, Authorize, …): a redelivered call is recognised here and answered without new events.
/// Cleared on every boot because some charge points restart their UniqueId counter when they reboot.
/// </summary>
public sealed record RecentMessages(ImmutableDictionary<string, IdTagInfo?> Replies, ImmutableQueue<string> Order, int Count)
{
    public const int Capacity = 128;

    public static readonly RecentMessages Empty = new(ImmutableDictionary<string, IdTagInfo?>.Empty, ImmutableQueue<string>.Empty, 0);

    public static string Key(string action, string uniqueId) => action + ":" + uniqueId;

    public bool Contains(string action, string uniqueId) => Replies.ContainsKey(Key(action, uniqueId));

    public IdTagInfo? IdTagInfoOf(string action, string uniqueId) => Replies.GetValueOrDefault(Key(action, uniqueId));

    public RecentMessages Add(string action, string uniqueId, IdTagInfo? reply = null)
    {
        var key = Key(action, uniqueId);
        if (Replies.ContainsKey(key))
        {
            return this;
        }

        var replies = Replies.Add(key, reply);
        var order = Order.Enqueue(key);
        var count = Count + 1;
        if (count > Capacity)
        {
            order = order.Dequeue(out var oldest);
            replies = replies.Remove(oldest);
            count--;
        }

        return new RecentMessages(replies, order, count);
    }
}
