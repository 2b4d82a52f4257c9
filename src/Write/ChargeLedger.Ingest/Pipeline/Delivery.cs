using ChargeLedger.Ingest.Ocpp;
using ChargeLedger.Protocol.Mqtt;
using NodaTime;

namespace ChargeLedger.Ingest.Pipeline;

/// <summary>One broker message on its way through the pipeline: decoded, then decided, committed, answered, acknowledged.</summary>
public sealed class Delivery(string topic, ReadOnlyMemory<byte> payload, Instant receivedAt, InboundMessage message, MqttMessage? source = null)
{
    public string Topic { get; } = topic;

    public ReadOnlyMemory<byte> Payload { get; } = payload;

    public Instant ReceivedAt { get; } = receivedAt;

    private InboundMessage message = message;
    private string[]? streams;

    /// <summary>Replaced by an <see cref="InboundMessage.Invalid"/> when the store refuses what it decided.</summary>
    public InboundMessage Message
    {
        get => message;
        internal set
        {
            message = value;
            streams = null;
        }
    }

    /// <summary>The streams the decision reads (<see cref="MessageDecider.StreamsOf"/>), named once per message: every stage asks.</summary>
    internal IReadOnlyList<string> Streams => streams ??= MessageDecider.StreamsOf(message).ToArray();

    public MqttMessage? Source { get; } = source;

    public MessageIdentity Identity { get; } = MessageIdentity.Of(topic, payload.Span);

    /// <summary>Routing key: messages of one charge point are decided in order and committed as one unit.</summary>
    public string GroupKey => Message.ChargePointId ?? string.Empty;

    /// <summary>The frame to publish on the charge point's downstream topic once committed (null: nothing to answer).</summary>
    public byte[]? Reply { get; internal set; }

    /// <summary>How much of a payload is kept as evidence once its full rejection could not be stored.</summary>
    public const int EvidenceLimit = 16 * 1024;

    /// <summary>Set when even this message's rejection was refused by the store: its evidence is then cut to <see cref="EvidenceLimit"/>.</summary>
    public bool EvidenceCut { get; internal set; }

    /// <summary>The payload as recorded in a rejection and in event metadata.</summary>
    public ReadOnlyMemory<byte> Evidence => EvidenceCut && Payload.Length > EvidenceLimit ? Payload[..EvidenceLimit] : Payload;

    /// <summary>Events committed for this message in this delivery (0 for a redelivery already recorded).</summary>
    public int EventsCommitted { get; internal set; }

    public static Delivery Decode(FrameDecoder decoder, string topic, ReadOnlyMemory<byte> payload, Instant receivedAt, MqttMessage? source = null) =>
        new(topic, payload, receivedAt, DecodeOrReject(decoder, topic, payload, receivedAt), source);

    // A decoder fault on one message must not stop the ingest loop (the message would come back after every restart):
    // it is kept as a rejection naming the fault.
    private static InboundMessage DecodeOrReject(FrameDecoder decoder, string topic, ReadOnlyMemory<byte> payload, Instant receivedAt)
    {
        try
        {
            return decoder.Decode(topic, payload, receivedAt);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new InboundMessage.Invalid(null, null, $"the message could not be decoded ({e.GetType().Name}: {e.Message})", null, false);
        }
    }
}
