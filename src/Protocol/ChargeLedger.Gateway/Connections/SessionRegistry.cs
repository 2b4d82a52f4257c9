using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace ChargeLedger.Gateway.Connections;

/// <summary>The live connection of each identity (one per identity).</summary>
public sealed class SessionRegistry
{
    private readonly ConcurrentDictionary<string, ChargePointSession> _sessions = new(StringComparer.Ordinal);

    public int Count => _sessions.Count;

    public bool TryGet(string chargePointId, [MaybeNullWhen(false)] out ChargePointSession session) => _sessions.TryGetValue(chargePointId, out session);

    /// <summary>Makes the session the identity's live one; returns the one it replaces.</summary>
    public ChargePointSession? Register(ChargePointSession session)
    {
        ChargePointSession? previous = null;
        _sessions.AddOrUpdate(session.ChargePointId, session, (_, existing) =>
        {
            previous = existing;
            return session;
        });
        return previous;
    }

    /// <summary>Removes the session only if it is still the identity's live one.</summary>
    public void Remove(ChargePointSession session) => _sessions.TryRemove(new KeyValuePair<string, ChargePointSession>(session.ChargePointId, session));

    public IEnumerable<ChargePointSession> All => _sessions.Values;
}
