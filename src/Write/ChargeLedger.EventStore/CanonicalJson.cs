using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ChargeLedger.EventStore;

/// <summary>
/// The form of a JSON value that survives a round trip through jsonb: PostgreSQL reorders object keys, keeps
/// the last of duplicate keys, re-escapes strings and rewrites numbers (1e2 → 100). The hash chain is computed
/// over this form, so verification can re-derive it from the stored jsonb text exactly: keys sorted ordinally
/// with the last duplicate winning, strings re-encoded by one fixed encoder, numbers reduced to
/// digits-and-exponent by value. It also validates: input jsonb would reject is rejected here first.
/// </summary>
internal static class CanonicalJson
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 256 };

    private static readonly SearchValues<byte> MustEscape = SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Select(b => (byte)b), (byte)'"', (byte)'\\']);

    /// <summary>The canonical UTF-8 bytes; throws <see cref="InvalidEventException"/> when the text is not JSON jsonb accepts.</summary>
    public static byte[] Canonicalize(ReadOnlyMemory<byte> json, string what)
    {
        try
        {
            if (!System.Text.Unicode.Utf8.IsValid(json.Span))
            {
                throw new InvalidOperationException("the text is not valid UTF-8");
            }
            var reader = new Utf8JsonReader(json.Span, ReaderOptions);
            var output = new ArrayBufferWriter<byte>(json.Length + 16);
            if (!reader.Read())
            {
                throw new InvalidOperationException("the text is empty");
            }
            WriteValue(ref reader, json, output);
            if (reader.Read())
            {
                throw new InvalidOperationException("there is content after the JSON value");
            }
            return output.WrittenSpan.ToArray();
        }
        catch (JsonException e)
        {
            throw new InvalidEventException($"{what} is not valid JSON: {e.Message}");
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidEventException($"{what} is not valid JSON: {e.Message}");
        }
    }

    private static void WriteValue(ref Utf8JsonReader reader, ReadOnlyMemory<byte> json, ArrayBufferWriter<byte> output)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                WriteObject(ref reader, json, output);
                break;
            case JsonTokenType.StartArray:
                output.Write("["u8);
                var first = true;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (!first)
                    {
                        output.Write(","u8);
                    }
                    first = false;
                    WriteValue(ref reader, json, output);
                }
                output.Write("]"u8);
                break;
            case JsonTokenType.String:
                WriteString(ref reader, output);
                break;
            case JsonTokenType.Number:
                WriteNumber(reader.ValueSpan, output);
                break;
            case JsonTokenType.True:
                output.Write("true"u8);
                break;
            case JsonTokenType.False:
                output.Write("false"u8);
                break;
            default:
                output.Write("null"u8);
                break;
        }
    }

    /// <summary>Members sorted by their unescaped key bytes; of duplicate keys the last one wins, as in jsonb.</summary>
    private static void WriteObject(ref Utf8JsonReader reader, ReadOnlyMemory<byte> json, ArrayBufferWriter<byte> output)
    {
        var scratch = new ArrayBufferWriter<byte>(256);
        var members = new List<(ReadOnlyMemory<byte> Key, int Order, int Start, int Length)>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            // An unescaped key is its input bytes (the token starts at its opening quote): no copy needed.
            ReadOnlyMemory<byte> key = reader.ValueIsEscaped
                ? Unescaped(ref reader)
                : json.Slice(checked((int)reader.TokenStartIndex) + 1, reader.ValueSpan.Length);
            reader.Read();
            var start = scratch.WrittenCount;
            WriteString(key.Span, output: scratch);
            scratch.Write(":"u8);
            WriteValue(ref reader, json, scratch);
            members.Add((key, members.Count, start, scratch.WrittenCount - start));
        }
        members.Sort(static (a, b) =>
        {
            var byKey = a.Key.Span.SequenceCompareTo(b.Key.Span);
            return byKey != 0 ? byKey : a.Order.CompareTo(b.Order);
        });
        output.Write("{"u8);
        var first = true;
        for (var i = 0; i < members.Count; i++)
        {
            if (i + 1 < members.Count && members[i + 1].Key.Span.SequenceEqual(members[i].Key.Span))
            {
                continue;
            }
            if (!first)
            {
                output.Write(","u8);
            }
            first = false;
            output.Write(scratch.WrittenSpan.Slice(members[i].Start, members[i].Length));
        }
        output.Write("}"u8);
    }

    private static void WriteString(ref Utf8JsonReader reader, ArrayBufferWriter<byte> output)
    {
        if (!reader.ValueIsEscaped)
        {
            // Without escapes the raw bytes are already canonical: JSON forbids raw control characters, quotes and backslashes.
            output.Write("\""u8);
            output.Write(reader.ValueSpan);
            output.Write("\""u8);
            return;
        }
        WriteString(Unescaped(ref reader), output);
    }

    /// <summary>Escapes only what JSON requires: quote, backslash and control characters (as \u00XX).</summary>
    internal static void WriteString(ReadOnlySpan<byte> text, ArrayBufferWriter<byte> output)
    {
        output.Write("\""u8);
        for (var at = text.IndexOfAny(MustEscape); at >= 0; at = text.IndexOfAny(MustEscape))
        {
            output.Write(text[..at]);
            var b = text[at];
            if (b == (byte)'"' || b == (byte)'\\')
            {
                output.Write([(byte)'\\', b]);
            }
            else
            {
                output.Write([(byte)'\\', (byte)'u', (byte)'0', (byte)'0', Hex(b >> 4), Hex(b & 0xF)]);
            }
            text = text[(at + 1)..];
        }
        output.Write(text);
        output.Write("\""u8);
    }

    private static byte Hex(int nibble) => (byte)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);

    private static byte[] Unescaped(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return reader.ValueSpan.ToArray();
        }
        var buffer = new byte[reader.ValueSpan.Length];
        var written = reader.CopyString(buffer);
        var text = buffer.AsSpan(0, written);
        // jsonb cannot store U+0000; rejecting it here keeps one bad event from failing a whole group commit.
        if (text.Contains((byte)0))
        {
            throw new InvalidOperationException("text contains U+0000, which PostgreSQL jsonb cannot store");
        }
        return text.ToArray();
    }

    private static void WriteNumber(ReadOnlySpan<byte> raw, ArrayBufferWriter<byte> output)
    {
        // Integers not ending in zero are already canonical; everything else goes through the general rule.
        if (raw.IndexOfAny(".eE"u8) < 0 && raw[^1] != (byte)'0')
        {
            output.Write(raw);
            return;
        }
        output.Write(Encoding.UTF8.GetBytes(NormalizeNumber(Encoding.UTF8.GetString(raw))));
    }

    /// <summary>A JSON number as significant digits and a power of ten: "1.50", "15e-1" and "0.15E1" all become "15e-1".</summary>
    internal static string NormalizeNumber(string number)
    {
        var negative = number.StartsWith('-');
        var body = negative ? number[1..] : number;
        var exponentAt = body.IndexOfAny(['e', 'E']);
        long exponent = 0;
        if (exponentAt >= 0 && !long.TryParse(body[(exponentAt + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent))
        {
            throw new InvalidOperationException($"number {number[..Math.Min(number.Length, 40)]} is out of range for PostgreSQL numeric");
        }
        var mantissa = exponentAt < 0 ? body : body[..exponentAt];
        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        var digits = dot < 0 ? mantissa : string.Concat(mantissa.AsSpan(0, dot), mantissa.AsSpan(dot + 1));
        if (dot >= 0)
        {
            exponent -= mantissa.Length - dot - 1;
        }
        digits = digits.TrimStart('0');
        var trimmed = digits.TrimEnd('0');
        exponent += digits.Length - trimmed.Length;
        if (trimmed.Length == 0)
        {
            return "0";
        }
        // PostgreSQL numeric holds at most 131072 digits before the point and 16383 after it.
        if (exponent + trimmed.Length > 131_072 || exponent < -16_383)
        {
            throw new InvalidOperationException($"number {number[..Math.Min(number.Length, 40)]} is out of range for PostgreSQL numeric");
        }
        var text = new StringBuilder(trimmed.Length + 8);
        if (negative)
        {
            text.Append('-');
        }
        text.Append(trimmed);
        if (exponent != 0)
        {
            text.Append('e').Append(exponent.ToString(CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }
}
