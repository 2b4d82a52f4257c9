using ChargeLedger.Domain.Billing;
using ChargeLedger.Domain.Billing.Ocpi;
using ChargeLedger.Domain.Complaints;
using ChargeLedger.Domain.Tariffs;
using NodaTime;

namespace ChargeLedger.Projections.Ledger;

internal sealed record ComplaintSubject(ComplaintSubjectKind Kind, string SubjectId, long Position);

internal sealed record RefundRejectionRow(string ComplaintId, string ResolutionId, string? SessionId, decimal Amount, string? Currency, string Reason, long Position, Instant RecordedAt);

internal sealed record BookedSet(PostingSet Set, long Position, Instant RecordedAt);

internal sealed record IssuedCdr(Cdr Cdr, string SessionId, long Position, Instant RecordedAt);

/// <summary>
/// The part of the ledger's state one batch touches, loaded before the batch and written back after it, plus the
/// rows the batch adds. Everything is keyed so the batch can be applied event by event in commit order. A rebuild
/// filling empty tables keeps one working set for the whole log (<see cref="RebuildWorkingSet"/>): it then holds
/// everything the tables hold, and <see cref="Written"/> clears the added rows after each batch.
/// </summary>
internal sealed class LedgerWorkingSet
{
    private readonly Dictionary<(string ChargePointId, int ConnectorId), List<LedgerSession>> sessionsByConnector = [];
    private readonly Dictionary<string, List<LedgerSession>> sessionsByChargePoint = new(StringComparer.Ordinal);

    public Dictionary<int, LedgerSession> Sessions { get; } = [];

    /// <summary>Register samples of transactions whose start is not known (yet): they join the session when it starts.</summary>
    public Dictionary<int, List<SessionSample>> EarlySamples { get; } = [];

    public Dictionary<(string ChargePointId, int ConnectorId), Dictionary<long, StatusReport>> Statuses { get; } = [];

    public Dictionary<string, TariffState> Tariffs { get; } = new(StringComparer.Ordinal);

    /// <summary>Tariff assignments per charge point, group and site, and memberships (sources of the postings of the sessions they price).</summary>
    public TariffScopes Scopes { get; } = new();

    /// <summary>Position of the TariffPublished event of each version (a source of the postings it prices).</summary>
    public Dictionary<(string TariffId, Instant ValidFrom), long> TariffVersionPositions { get; } = [];

    /// <summary>Billing account per idTag key (upper case); null when registered without one.</summary>
    public Dictionary<string, string?> Accounts { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, ComplaintSubject> Complaints { get; } = new(StringComparer.Ordinal);

    // Rows added by the batch.
    public List<(long Position, string TariffId, string Type, string Data)> NewTariffEvents { get; } = [];

    public Dictionary<string, (string? Account, long Position)> ChangedAccounts { get; } = new(StringComparer.Ordinal);

    public List<(string ComplaintId, ComplaintSubject Subject)> NewComplaints { get; } = [];

    public List<(int TransactionId, SessionSample Sample)> NewSamples { get; } = [];

    public List<(string ChargePointId, int ConnectorId, StatusReport Status)> NewStatuses { get; } = [];

    public List<BookedSet> NewPostingSets { get; } = [];

    public List<IssuedCdr> NewCdrs { get; } = [];

    public List<RefundRejectionRow> NewRejections { get; } = [];

    /// <summary>The sessions the batch changed, in the order they first changed (a rebuild's set holds every session of the log).</summary>
    public List<LedgerSession> ChangedSessions { get; } = [];

    public void MarkChanged(LedgerSession session)
    {
        if (!session.Changed)
        {
            session.Changed = true;
            ChangedSessions.Add(session);
        }
    }

    public void AddSession(LedgerSession session)
    {
        Sessions.Add(session.TransactionId, session);
        var key = (session.ChargePointId, session.ConnectorId);
        if (!sessionsByConnector.TryGetValue(key, out var sessions))
        {
            sessions = [];
            sessionsByConnector.Add(key, sessions);
        }
        sessions.Add(session);
        if (!sessionsByChargePoint.TryGetValue(session.ChargePointId, out var atChargePoint))
        {
            atChargePoint = [];
            sessionsByChargePoint.Add(session.ChargePointId, atChargePoint);
        }
        atChargePoint.Add(session);
    }

    /// <summary>The known sessions of a charge point, in the order they became known.</summary>
    public IReadOnlyList<LedgerSession> SessionsAt(string chargePointId) =>
        sessionsByChargePoint.GetValueOrDefault(chargePointId) ?? (IReadOnlyList<LedgerSession>)[];

    /// <summary>The known sessions of a connector, in the order they became known.</summary>
    public IReadOnlyList<LedgerSession> SessionsOn(string chargePointId, int connectorId) =>
        sessionsByConnector.GetValueOrDefault((chargePointId, connectorId)) ?? (IReadOnlyList<LedgerSession>)[];

    /// <summary>After the batch's rows are written: nothing is new or changed any more.</summary>
    public void Written()
    {
        NewTariffEvents.Clear();
        ChangedAccounts.Clear();
        NewComplaints.Clear();
        NewSamples.Clear();
        NewStatuses.Clear();
        NewPostingSets.Clear();
        NewCdrs.Clear();
        NewRejections.Clear();
        foreach (var session in ChangedSessions)
        {
            session.Changed = false;
        }
        ChangedSessions.Clear();
    }

    public Dictionary<long, StatusReport> StatusesOf(string chargePointId, int connectorId)
    {
        if (!Statuses.TryGetValue((chargePointId, connectorId), out var statuses))
        {
            statuses = [];
            Statuses.Add((chargePointId, connectorId), statuses);
        }
        return statuses;
    }

    public void AddTariffEvent(object tariffEvent, long position)
    {
        if (Scopes.Add(tariffEvent, position))
        {
            return;
        }
        var id = ((ITariffEvent)tariffEvent).TariffId;
        Tariffs[id] = TariffState.Evolve(Tariffs.GetValueOrDefault(id) ?? TariffState.Initial, tariffEvent);
        if (tariffEvent is TariffPublished published)
        {
            TariffVersionPositions[(id, published.Tariff.ValidFrom)] = position;
        }
    }
}
