using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace ChargeLedger.Ingest.Pipeline;

/// <summary>
/// A name-based identity of one broker message (SHA-256 over topic and payload bytes: the topic names the charge point,
/// the payload holds the OCPP UniqueId). Event ids derive from it, so a redelivered message yields the same ids and
/// the store's per-stream idempotency recognises a replay.
/// </summary>
public readonly struct MessageIdentity
{
    private const int StackLimit = 1024;
    private readonly byte[] hash;

    private MessageIdentity(byte[] hash) => this.hash = hash;

    public Guid CorrelationId => ToGuid(hash);

    public static MessageIdentity Of(string topic, ReadOnlySpan<byte> payload)
    {
        // One-shot hash over topic ‖ 0 ‖ payload (the same bytes as before): no incremental hash object per message.
        var length = Encoding.UTF8.GetByteCount(topic) + 1 + payload.Length;
        var rented = length > StackLimit ? ArrayPool<byte>.Shared.Rent(length) : null;
        try
        {
            Span<byte> input = rented is null ? stackalloc byte[StackLimit] : rented;
            var written = Encoding.UTF8.GetBytes(topic, input);
            input[written] = 0;
            payload.CopyTo(input[(written + 1)..]);
            return new MessageIdentity(SHA256.HashData(input[..length]));
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>An identity for something that is not a broker message (e.g. "sent:" + command id).</summary>
    public static MessageIdentity OfName(string name) => new(SHA256.HashData(Encoding.UTF8.GetBytes(name)));

    /// <summary>The id of the <paramref name="index"/>-th event decided for this message.</summary>
    public Guid EventId(int index)
    {
        Span<byte> input = stackalloc byte[36];
        hash.CopyTo(input);
        BinaryPrimitives.WriteInt32BigEndian(input[32..], index);
        Span<byte> output = stackalloc byte[32];
        SHA256.HashData(input, output);
        return ToGuid(output);
    }

    private static Guid ToGuid(ReadOnlySpan<byte> bytes)
    {
        Span<byte> g = stackalloc byte[16];
        bytes[..16].CopyTo(g);
        g[6] = (byte)((g[6] & 0x0F) | 0x80); // version 8: name-based, custom hash (RFC 9562)
        g[8] = (byte)((g[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(g, bigEndian: true);
    }
}
