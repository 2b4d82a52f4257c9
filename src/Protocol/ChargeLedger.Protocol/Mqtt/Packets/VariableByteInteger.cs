namespace ChargeLedger.Protocol.Mqtt.Packets;

/// <summary>The MQTT variable byte integer (1.5.5): 7 bits per byte, at most 4 bytes, max 268,435,455.</summary>
internal static class VariableByteInteger
{
    public const int MaxValue = 268_435_455;

    public enum Status
    {
        Ok,
        Truncated,
        TooLong,
        NotMinimal,
    }

    public static Status TryRead(ReadOnlySpan<byte> source, out int value, out int length)
    {
        value = 0;
        for (length = 0; length < 4; length++)
        {
            if (length >= source.Length)
            {
                return Status.Truncated;
            }
            var b = source[length];
            value |= (b & 0x7F) << (7 * length);
            if ((b & 0x80) == 0)
            {
                length++;
                return length > 1 && b == 0 ? Status.NotMinimal : Status.Ok;
            }
        }
        return Status.TooLong;
    }

    public static int SizeOf(int value) => value switch
    {
        < 128 => 1,
        < 16_384 => 2,
        < 2_097_152 => 3,
        _ => 4,
    };

    public static int Write(Span<byte> destination, int value)
    {
        var i = 0;
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            destination[i++] = value > 0 ? (byte)(b | 0x80) : b;
        }
        while (value > 0);
        return i;
    }
}
