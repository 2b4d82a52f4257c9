using System.Globalization;
using ChargeLedger.Domain.Billing;
using ChargeLedger.Domain.ChargePoints;
using ChargeLedger.Domain.Billing.Ocpi;
using ChargeLedger.Domain.Complaints;
using ChargeLedger.Domain.IdTags;
using ChargeLedger.Domain.Shared;
using ChargeLedger.Domain.Sites;
using ChargeLedger.Domain.Tariffs;
using ChargeLedger.Domain.Transactions;
using ChargeLedger.EventStore;
using ChargeLedger.Read.Ledger;
using NodaTime;

namespace ChargeLedger.Projections.Ledger;

/// <summary>
/// Applies the ledger's events one by one in commit order to a working set. A stopped session is (re-)priced whenever its
/// facts change, so the postings do not depend on how the log was cut into batches and a rebuild books the same sets.
/// </summary>
internal sealed class LedgerBook(LedgerWorkingSet state, CdrIssuer issuer)
{
    /// <summary>The transaction a complaint's refund is booked against: only complaints about a transaction carry refunds.</summary>
    public static int? RefundTransaction(ComplaintSubject subject) =>
        subject.Kind == ComplaintSubjectKind.Transaction && int.TryParse(subject.SubjectId, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id) ? id : null;

    public void Apply(RecordedEvent recorded, object domainEvent)
    {
        switch (domainEvent)
        {
            case ITariffEvent e:
                AddTariffEvent(recorded, domainEvent, e.TariffId);
                break;
            case TariffAssigned or GroupTariffAssigned or SiteTariffAssigned or IMembershipEvent:
                AddTariffEvent(recorded, domainEvent, TariffScopes.Key(domainEvent));
                Reprice(recorded, TariffScopes.ReachOf(domainEvent)!.Value);
                break;
            case IdTagRegistered e:
                SetAccount(e.IdTag, e.BillingAccount, recorded.Position);
                break;
            case IdTagLinkedToAccount e:
                SetAccount(e.IdTag, e.BillingAccount, recorded.Position);
                break;
            case TransactionStarted e when !state.Sessions.ContainsKey(e.TransactionId):
                var started = new LedgerSession(e.TransactionId, e.ChargePointId, e.ConnectorId, e.IdTag, e.MeterStart, e.DeviceTime, recorded.Position);
                if (state.EarlySamples.Remove(e.TransactionId, out var early))
                {
                    started.Samples.AddRange(early);
                }
                state.AddSession(started);
                state.MarkChanged(started);
                break;
            case MeterValuesRecorded e:
                AddSamples(recorded, e);
                break;
            case ConnectorStatusReported e:
                AddStatus(recorded, e);
                break;
            case TransactionStopped e when state.Sessions.TryGetValue(e.TransactionId, out var session) && !session.Stopped:
                session.StoppedAt = e.DeviceTime;
                session.MeterStop = e.MeterStop;
                session.StopPosition = recorded.Position;
                Price(session, recorded);
                break;
            case ComplaintOpened e when !state.Complaints.ContainsKey(e.ComplaintId):
                var subject = new ComplaintSubject(e.SubjectKind, e.SubjectId, recorded.Position);
                state.Complaints.Add(e.ComplaintId, subject);
                state.NewComplaints.Add((e.ComplaintId, subject));
                break;
            case ComplaintResolved e when e.RefundAmount is { } amount:
                Refund(recorded, e, amount);
                break;
        }
    }

    // Tariff versions and assignments are kept as stored events: every batch prices with the full tariff history.
    private void AddTariffEvent(RecordedEvent recorded, object domainEvent, string tariffId)
    {
        state.AddTariffEvent(domainEvent, recorded.Position);
        state.NewTariffEvents.Add((recorded.Position, tariffId, recorded.Type, System.Text.Encoding.UTF8.GetString(recorded.Data.Span)));
    }

    private void SetAccount(string idTag, string? account, long position)
    {
        var key = StreamIds.IdTagKey(idTag);
        state.Accounts[key] = account;
        state.ChangedAccounts[key] = (account, position);
    }

    private void AddSamples(RecordedEvent recorded, MeterValuesRecorded e)
    {
        var added = 0;
        var session = state.Sessions.GetValueOrDefault(e.TransactionId);
        foreach (var sample in e.Samples)
        {
            if (!sample.IsImportRegister || sample.Phase is not null) continue;
            var kept = new SessionSample(sample.Timestamp, sample.EnergyWh!.Value, sample.Context, recorded.Position);
            state.NewSamples.Add((e.TransactionId, kept));
            added++;
            if (session is not null)
            {
                session.Samples.Add(kept);
            }
            else
            {
                state.EarlySamples.TryAdd(e.TransactionId, []);
                state.EarlySamples[e.TransactionId].Add(kept);
            }
        }
        if (added > 0 && session is { Stopped: true })
        {
            Price(session, recorded);
        }
    }

    private void AddStatus(RecordedEvent recorded, ConnectorStatusReported e)
    {
        var status = new StatusReport(e.DeviceTime ?? e.ReceivedAt, e.Status, recorded.Position);
        state.StatusesOf(e.ChargePointId, e.ConnectorId)[recorded.Position] = status;
        state.NewStatuses.Add((e.ChargePointId, e.ConnectorId, status));
        foreach (var session in state.SessionsOn(e.ChargePointId, e.ConnectorId).Where(s => s.Stopped && s.StartedAt <= status.At && status.At <= s.StoppedAt!.Value)
                     .OrderBy(s => s.TransactionId).ToList())
        {
            Price(session, recorded);
        }
    }

    // An assignment or move with a validity start before sessions already stopped changes the tariff valid at their
    // start: they are re-priced as after late data (correcting postings, a credit CDR and a new one). Sessions it does not
    // change book nothing, so a group's or site's reach may include non-members (a rebuild holds every session). Start
    // order keeps the booking order the same live and in a rebuild.
    private void Reprice(RecordedEvent trigger, TariffReach reach)
    {
        IEnumerable<LedgerSession> candidates = reach.ChargePointId is { } chargePointId ? state.SessionsAt(chargePointId) : state.Sessions.Values;
        var reached = candidates.Where(s => s.Stopped && s.StartedAt >= reach.From).OrderBy(s => s.StartPosition).ToList();
        foreach (var session in reached)
        {
            Price(session, trigger);
        }
    }

    private void Price(LedgerSession session, RecordedEvent trigger)
    {
        state.MarkChanged(session);
        var (start, stop, meterStop) = (session.StartedAt, session.StoppedAt!.Value, session.MeterStop!.Value);
        var inWindow = session.Samples.Where(s => s.At >= start && s.At <= stop).ToList();
        session.Discrepancy = MeterCrossCheck.Check(session.MeterStart, meterStop, session.Samples);
        var (assignedTariffId, assignmentSources) = state.Scopes.Resolve(session.ChargePointId, start);
        var (tariff, reason) = TariffRule.Select(state.Tariffs, assignedTariffId, start);
        reason ??= stop < start ? $"stop {stop} before start {start}"
            : meterStop < session.MeterStart ? $"meterStop {meterStop} Wh below meterStart {session.MeterStart} Wh"
            : null;
        if (tariff is null || reason is not null)
        {
            MarkUnpriced(session, reason!);
            return;
        }

        var statuses = state.StatusesOf(session.ChargePointId, session.ConnectorId).Values.Where(s => s.At >= start && s.At <= stop).OrderBy(s => s.At).ThenBy(s => s.Position).ToList();
        var profile = new List<MeterPoint> { new(start, session.MeterStart) };
        profile.AddRange(inWindow.Where(s => s.Context is not ("Transaction.Begin" or "Transaction.End")).Select(s => new MeterPoint(s.At, s.RegisterWh)));
        profile.Add(new MeterPoint(stop, meterStop));
        var facts = new SessionFacts(start, stop, meterStop - session.MeterStart, profile,
            ParkingDetection.FromConnectorStatuses(start, stop, statuses.Select(s => (s.At, s.Status))));
        if (session.LastPricing is { } last && last.Prices(tariff, facts))
        {
            // Pricing is a pure function of tariff and facts, and the effective charge already is this price: the
            // calculator would return the same result and the postings would add nothing (e.g. the status report that
            // usually follows a stop, inside the window but changing no parking period).
            return;
        }
        PricedSession priced;
        try
        {
            priced = TariffCalculator.Price(tariff, facts);
        }
        catch (ArgumentException invalid)
        {
            // Facts the calculator refuses must not stop billing for everyone else: the session shows why it is unpriced.
            MarkUnpriced(session, $"pricing refused the session's facts: {invalid.Message}");
            return;
        }

        session.BillingAccount ??= state.Accounts.GetValueOrDefault(StreamIds.IdTagKey(session.IdTag)) ?? LedgerTables.UnassignedAccount;
        var sources = new SortedSet<long> { session.StartPosition, session.StopPosition!.Value, trigger.Position, state.TariffVersionPositions[(tariff.TariffId, tariff.ValidFrom)] };
        sources.UnionWith(assignmentSources);
        sources.UnionWith(inWindow.Select(s => s.Position));
        sources.UnionWith(statuses.Select(s => s.Position));
        var added = Postings.ForPricing(session.SessionId, session.BillingAccount, priced, session.Posted, sources.ToList(), trigger.RecordedAt);
        session.Status = SessionCostStatuses.Priced;
        session.UnpricedReason = null;
        session.LastPricing = new PricingInputs(tariff, facts);
        if (added.Count == 0)
        {
            return;
        }
        Book(session, added, trigger);
        session.Priced = new PricedSummary(priced.TariffId, priced.TariffValidFrom, priced.Currency, priced.EnergyWh, priced.Net, priced.VatRatePercent, priced.Vat, priced.Total, trigger.Position);
        if (session.CurrentCdr is { } issued)
        {
            Issue(session, CdrBuilder.Credit(issued, NextCdrId(session), trigger.RecordedAt), trigger);
        }
        var cdr = CdrBuilder.Build(issuer.Context(NextCdrId(session), session, session.BillingAccount), priced, tariff, trigger.RecordedAt);
        Issue(session, cdr, trigger);
        session.CurrentCdr = cdr;
    }

    // A session already charged keeps its charge: new facts can correct a charge, never remove it.
    private static void MarkUnpriced(LedgerSession session, string reason)
    {
        if (session.Priced is null)
        {
            session.Status = SessionCostStatuses.Unpriced;
            session.UnpricedReason = reason;
        }
    }

    private void Refund(RecordedEvent recorded, ComplaintResolved e, decimal amount)
    {
        var reference = LedgerTables.RefundReference(e.ComplaintId, e.ResolutionId);
        var transactionId = state.Complaints.TryGetValue(e.ComplaintId, out var subject) ? RefundTransaction(subject) : null;
        var session = transactionId is { } id ? state.Sessions.GetValueOrDefault(id) : null;
        string? rejection = null;
        if (transactionId is null)
            rejection = "refunds are booked against a transaction: the complaint is not about one";
        else if (session?.Priced is null || session.BillingAccount is null)
            rejection = $"session {transactionId} has no charge to refund ({session?.UnpricedReason ?? "not priced"})";
        else
        {
            try
            {
                var added = Postings.Refund(session.SessionId, session.BillingAccount, reference, amount, e.RefundCurrency ?? session.Priced.Currency,
                    session.Priced.VatRatePercent, session.Posted, [subject!.Position, recorded.Position], recorded.RecordedAt);
                Book(session, added, recorded);
            }
            catch (CommandRejectedException rejected)
            {
                rejection = rejected.Message;
            }
        }
        if (rejection is not null)
        {
            state.NewRejections.Add(new RefundRejectionRow(e.ComplaintId, e.ResolutionId, session?.SessionId, amount, e.RefundCurrency, rejection, recorded.Position, recorded.RecordedAt));
        }
    }

    private void Book(LedgerSession session, IReadOnlyList<PostingSet> added, RecordedEvent trigger)
    {
        state.MarkChanged(session);
        foreach (var set in added)
        {
            session.Posted.Add(set);
            state.NewPostingSets.Add(new BookedSet(set, trigger.Position, trigger.RecordedAt));
        }
    }

    private void Issue(LedgerSession session, Cdr cdr, RecordedEvent trigger)
    {
        session.CdrCount++;
        state.NewCdrs.Add(new IssuedCdr(cdr, session.SessionId, trigger.Position, trigger.RecordedAt));
    }

    // Deterministic, so a rebuild issues the same ids: "{session}-1", "{session}-2", … (credits included).
    private static string NextCdrId(LedgerSession session) => $"{session.SessionId}-{session.CdrCount + 1}";
}
