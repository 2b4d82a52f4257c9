namespace ChargeLedger.EventStore;

/// <summary>
/// A growable byte buffer that, unlike <see cref="System.Buffers.ArrayBufferWriter{T}"/>, can be cut back and
/// rewritten in place: the canonical JSON writer reorders an object's members where it wrote them. Kept per
/// thread by its users, so the append path does not allocate a buffer per event.
/// </summary>
internal sealed class ByteBuffer(int capacity)
{
    private byte[] bytes = new byte[capacity];

    public int Length { get; private set; }

    public ReadOnlySpan<byte> WrittenSpan => bytes.AsSpan(0, Length);

    public void Clear() => Length = 0;

    public void Truncate(int length) => Length = length;

    public void Write(ReadOnlySpan<byte> span)
    {
        span.CopyTo(GetSpan(span.Length));
        Length += span.Length;
    }

    public void Write(byte value)
    {
        GetSpan(1)[0] = value;
        Length++;
    }

    /// <summary>Room for at least <paramref name="size"/> bytes after the written ones; <see cref="Advance"/> what was used.</summary>
    public Span<byte> GetSpan(int size)
    {
        if (bytes.Length - Length < size)
        {
            Array.Resize(ref bytes, Math.Max(bytes.Length * 2, Length + size));
        }
        return bytes.AsSpan(Length);
    }

    public void Advance(int count) => Length += count;

    public Span<byte> Slice(int start, int length) => bytes.AsSpan(start, length);

    public byte[] ToArray() => WrittenSpan.ToArray();
}
