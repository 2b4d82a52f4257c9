using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace ChargeLedger.EventStore;

/// <summary>
/// The per-stream hash chain: hash(n) = SHA-256(hash(n-1) || canonical bytes of event n), with 32 zero bytes
/// before the first event. Canonical bytes: stream id, version (int64 big-endian), event id (16 bytes,
/// big-endian), type, canonical data, canonical metadata; strings and JSON each prefixed by their int32
/// big-endian length. JSON is in <see cref="CanonicalJson"/> form, so it can be re-derived from the stored text (and from jsonb, which logs before schema 0500 held).
/// </summary>
internal static class EventHash
{
    public const int Size = 32;

    public static byte[] Genesis { get; } = new byte[Size];

    public static byte[] Compute(
        ReadOnlySpan<byte> previous, string streamId, long version, Guid eventId, string type,
        ReadOnlySpan<byte> canonicalData, ReadOnlySpan<byte> canonicalMetadata)
    {
        var length = previous.Length + 8 + 16 + 16 + Encoding.UTF8.GetMaxByteCount(streamId.Length) + Encoding.UTF8.GetMaxByteCount(type.Length)
            + canonicalData.Length + canonicalMetadata.Length;
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var buffer = rented.AsSpan();
            previous.CopyTo(buffer);
            var at = previous.Length;
            at += WriteText(buffer[at..], streamId);
            BinaryPrimitives.WriteInt64BigEndian(buffer[at..], version);
            at += 8;
            eventId.TryWriteBytes(buffer[at..], bigEndian: true, out _);
            at += 16;
            at += WriteText(buffer[at..], type);
            at += WriteBlock(buffer[at..], canonicalData);
            at += WriteBlock(buffer[at..], canonicalMetadata);
            return SHA256.HashData(buffer[..at]);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static int WriteText(Span<byte> buffer, string text)
    {
        var written = Encoding.UTF8.GetBytes(text, buffer[4..]);
        BinaryPrimitives.WriteInt32BigEndian(buffer, written);
        return 4 + written;
    }

    private static int WriteBlock(Span<byte> buffer, ReadOnlySpan<byte> block)
    {
        BinaryPrimitives.WriteInt32BigEndian(buffer, block.Length);
        block.CopyTo(buffer[4..]);
        return 4 + block.Length;
    }
}
