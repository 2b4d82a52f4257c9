using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace ChargeLedger.Protocol.Mqtt.Packets;

/// <summary>
/// Reads MQTT data types from a packet body. Every method reports failure instead of throwing, so hostile
/// input costs no exception; the first failure's message is kept in <see cref="Error"/>.
/// </summary>
internal ref struct PacketReader(ReadOnlySpan<byte> body)
{
    private readonly ReadOnlySpan<byte> _body = body;
    private int _position;

    public string? Error { get; private set; }

    public readonly int Remaining => _body.Length - _position;

    public bool Fail(string message)
    {
        Error ??= message;
        return false;
    }

    public bool TryByte(string field, out byte value)
    {
        if (Remaining < 1)
        {
            value = 0;
            return Fail($"truncated {field}: needs 1 byte, {Remaining} left");
        }
        value = _body[_position++];
        return true;
    }

    public bool TryUInt16(string field, out ushort value)
    {
        if (Remaining < 2)
        {
            value = 0;
            return Fail($"truncated {field}: needs 2 bytes, {Remaining} left");
        }
        value = BinaryPrimitives.ReadUInt16BigEndian(_body[_position..]);
        _position += 2;
        return true;
    }

    public bool TryUInt32(string field, out uint value)
    {
        if (Remaining < 4)
        {
            value = 0;
            return Fail($"truncated {field}: needs 4 bytes, {Remaining} left");
        }
        value = BinaryPrimitives.ReadUInt32BigEndian(_body[_position..]);
        _position += 4;
        return true;
    }

    public bool TryVariableByteInteger(string field, out int value)
    {
        var status = VariableByteInteger.TryRead(_body[_position..], out value, out var length);
        if (status == VariableByteInteger.Status.Ok)
        {
            _position += length;
            return true;
        }
        return Fail(status switch
        {
            VariableByteInteger.Status.TooLong => $"{field} is a variable byte integer longer than 4 bytes",
            VariableByteInteger.Status.NotMinimal => $"{field} is not encoded in the minimum number of bytes",
            _ => $"truncated {field}",
        });
    }

    public bool TryBinary(string field, out ReadOnlySpan<byte> value)
    {
        value = default;
        if (!TryUInt16(field + " length", out var length))
        {
            return false;
        }
        if (Remaining < length)
        {
            return Fail($"truncated {field}: declares {length} bytes, {Remaining} left");
        }
        value = _body.Slice(_position, length);
        _position += length;
        return true;
    }

    /// <summary>A UTF-8 string (1.5.4): well-formed UTF-8 and no U+0000, else the packet is malformed.</summary>
    public bool TryUtf8(string field, out ReadOnlySpan<byte> value)
    {
        if (!TryBinary(field, out value))
        {
            return false;
        }
        if (!Utf8.IsValid(value))
        {
            return Fail($"{field} is not well-formed UTF-8");
        }
        if (value.Contains((byte)0))
        {
            return Fail($"{field} contains U+0000");
        }
        return true;
    }

    public bool TryString(string field, out string value)
    {
        if (!TryUtf8(field, out var bytes))
        {
            value = string.Empty;
            return false;
        }
        value = Encoding.UTF8.GetString(bytes);
        return true;
    }

    public ReadOnlySpan<byte> TakeRest()
    {
        var rest = _body[_position..];
        _position = _body.Length;
        return rest;
    }

    /// <summary>Limits this reader to the next <paramref name="length"/> bytes, returning a reader for them.</summary>
    public bool TrySlice(string field, int length, out PacketReader slice)
    {
        if (length < 0 || Remaining < length)
        {
            slice = default;
            return Fail($"{field} length {length} exceeds the {Remaining} bytes left in the packet");
        }
        slice = new PacketReader(_body.Slice(_position, length));
        _position += length;
        return true;
    }
}
