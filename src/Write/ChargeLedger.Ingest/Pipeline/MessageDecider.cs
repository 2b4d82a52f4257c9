using ChargeLedger.Domain.ChargePoints;
using ChargeLedger.Domain.IdTags;
using ChargeLedger.Domain.Orphans;
using ChargeLedger.Domain.Shared;
using ChargeLedger.Domain.Transactions;
using ChargeLedger.Ingest.Ocpp;
using ChargeLedger.Protocol.Ocpp;

namespace ChargeLedger.Ingest.Pipeline;

/// <summary>
/// Routes a decoded message to the pure domain deciders: which streams it needs, which events it yields, and the reply
/// (computed from the states after those events, so a redelivery gets the same answer and no events).
/// </summary>
public sealed class MessageDecider(ChargePointPolicy chargePointPolicy, TransactionPolicy transactionPolicy)
{
    /// <summary>Streams whose state the decision reads.</summary>
    public static IEnumerable<string> StreamsOf(InboundMessage message)
    {
        yield return message.ChargePointId is { Length: > 0 } cid ? StreamIds.ChargePoint(cid) : StreamIds.UnroutableRejections;
        if (message is not InboundMessage.Call call)
        {
            yield break;
        }

        switch (call.Command)
        {
            case Authorize a:
                yield return StreamIds.IdTag(a.IdTag);
                break;
            case StartTransaction s:
                yield return StreamIds.IdTag(s.IdTag);
                break;
            case RecordMeterValues m:
                foreach (var stream in TransactionStreams(m.TransactionId, m.ChargePointId))
                {
                    yield return stream;
                }

                break;
            case StopTransaction s:
                foreach (var stream in TransactionStreams(s.TransactionId, s.ChargePointId))
                {
                    yield return stream;
                }

                if (s.IdTag is { } tag)
                {
                    yield return StreamIds.IdTag(tag);
                }

                break;
        }
    }

    /// <summary>True for a StartTransaction whose idempotency key the charge point state does not hold yet (it needs a fresh id).</summary>
    public static bool NeedsTransactionId(InboundMessage message, ChargePointState chargePoint) =>
        message is InboundMessage.Call { Command: StartTransaction s }
        && !chargePoint.Starts.ContainsKey(StartKey.Of(s.ConnectorId, s.IdTag, s.Timestamp, s.MeterStart));

    /// <summary>Decides one message, applying its events to <paramref name="states"/>; returns the events and the reply frame.</summary>
    internal (IReadOnlyList<object> Events, byte[]? Reply) Decide(Delivery delivery, WorkingSet states, Func<int> allocateTransactionId)
    {
        var message = delivery.Message;
        var cpStream = message.ChargePointId is { Length: > 0 } id ? StreamIds.ChargePoint(id) : StreamIds.UnroutableRejections;
        ChargePointState ChargePoint() => states.Get<ChargePointState>(cpStream);
        IReadOnlyList<object> Apply(IReadOnlyList<object> events)
        {
            foreach (var @event in events)
            {
                states.Apply(StreamStates.ForEvent(@event), @event);
            }

            return events;
        }

        switch (message)
        {
            case InboundMessage.Invalid invalid:
            {
                var events = Apply(ChargePointDecider.Decide(
                    new RejectMessage(invalid.ChargePointId, delivery.Topic, delivery.Evidence, invalid.Reason, invalid.ErrorCode?.ToWire(), invalid.UniqueId, delivery.ReceivedAt),
                    ChargePoint()));
                var reply = invalid is { Answer: true, UniqueId: { } uniqueId }
                    ? ReplyWriter.CallError(uniqueId, invalid.ErrorCode ?? OcppErrorCode.GenericError, invalid.Reason)
                    : null;
                return (events, reply);
            }

            case InboundMessage.Notice { Command: NoteConnected connected }:
                return (Apply(ChargePointDecider.Decide(connected, ChargePoint())), null);
            case InboundMessage.Notice { Command: NoteDisconnected disconnected }:
                return (Apply(ChargePointDecider.Decide(disconnected, ChargePoint())), null);
            case InboundMessage.Reply { Command: RecordRemoteCommandResult result }:
                return (Apply(RemoteCommandDecider.Decide(result, ChargePoint())), null);
            case InboundMessage.Reply { Command: RecordRemoteCommandError error }:
                return (Apply(RemoteCommandDecider.Decide(error, ChargePoint())), null);
            case InboundMessage.Call call:
                return DecideCall(call, states, ChargePoint, Apply, allocateTransactionId);
            default:
                throw new InvalidOperationException($"unexpected message {message.GetType().Name}");
        }
    }

    private (IReadOnlyList<object>, byte[]?) DecideCall(
        InboundMessage.Call call,
        WorkingSet states,
        Func<ChargePointState> chargePoint,
        Func<IReadOnlyList<object>, IReadOnlyList<object>> apply,
        Func<int> allocateTransactionId)
    {
        IReadOnlyList<object> events;
        object? reply;
        switch (call.Command)
        {
            case BootNotification c:
                events = apply(ChargePointDecider.Decide(c, chargePoint(), chargePointPolicy));
                reply = ChargePointDecider.Reply(c, chargePoint(), chargePointPolicy);
                break;
            case Heartbeat c:
                events = apply(ChargePointDecider.Decide(c, chargePoint()));
                reply = ChargePointDecider.Reply(c);
                break;
            case StatusNotification c:
                events = apply(ChargePointDecider.Decide(c, chargePoint()));
                reply = null;
                break;
            case Authorize c:
            {
                var idTag = states.Get<IdTagState>(StreamIds.IdTag(c.IdTag));
                events = apply(ChargePointDecider.Decide(c, chargePoint(), idTag));
                reply = ChargePointDecider.Reply(c, chargePoint(), idTag);
                break;
            }

            case StartTransaction c:
            {
                var command = NeedsTransactionId(call, chargePoint()) ? c with { AllocatedTransactionId = allocateTransactionId() } : c;
                events = apply(TransactionDecider.Decide(command, chargePoint(), states.Get<IdTagState>(StreamIds.IdTag(c.IdTag)), transactionPolicy));
                reply = TransactionDecider.Reply(command, chargePoint());
                break;
            }

            case RecordMeterValues c:
                events = apply(TransactionDecider.Decide(c, Transaction(states, c.TransactionId), states.Get<OrphanState>(StreamIds.Orphans(c.ChargePointId)), transactionPolicy));
                reply = null;
                break;
            case StopTransaction c:
            {
                var idTag = c.IdTag is { } tag ? states.Get<IdTagState>(StreamIds.IdTag(tag)) : IdTagState.Unknown;
                events = apply(TransactionDecider.Decide(c, Transaction(states, c.TransactionId), states.Get<OrphanState>(StreamIds.Orphans(c.ChargePointId)), idTag, transactionPolicy));
                reply = TransactionDecider.Reply(c, Transaction(states, c.TransactionId));
                break;
            }

            case RecordConnectorMeterValues c:
                events = apply(ChargePointDecider.Decide(c, chargePoint()));
                reply = null;
                break;
            case DataTransfer c:
                events = apply(ChargePointDecider.Decide(c, chargePoint(), chargePointPolicy));
                reply = ChargePointDecider.Reply(c, chargePointPolicy);
                break;
            case FirmwareStatusNotification c:
                events = apply(ChargePointDecider.Decide(c, chargePoint()));
                reply = null;
                break;
            case DiagnosticsStatusNotification c:
                events = apply(ChargePointDecider.Decide(c, chargePoint()));
                reply = null;
                break;
            default:
                throw new InvalidOperationException($"unexpected command {call.Command.GetType().Name}");
        }

        return (events, ReplyWriter.CallResult(call.UniqueId, reply));
    }

    // Non-positive ids (-1: "never got an id") name no stream; the transaction is unknown.
    private static TransactionState Transaction(WorkingSet states, int transactionId) =>
        transactionId > 0 ? states.Get<TransactionState>(StreamIds.Transaction(transactionId)) : TransactionState.Empty;

    private static IEnumerable<string> TransactionStreams(int transactionId, string chargePointId)
    {
        if (transactionId > 0)
        {
            yield return StreamIds.Transaction(transactionId);
        }

        yield return StreamIds.Orphans(chargePointId);
    }
}
