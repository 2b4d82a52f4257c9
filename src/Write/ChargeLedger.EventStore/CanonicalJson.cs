using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ChargeLedger.EventStore;

/// <summary>
/// The form of a JSON value that survives a round trip through jsonb: PostgreSQL reorders object keys, keeps
/// the last of duplicate keys, re-escapes strings and rewrites numbers (1e2 → 100). The hash chain is computed
/// over this form, so verification can re-derive it exactly from the stored text, whether written as json (schema
/// 0500 on) or rendered from the jsonb that held it before: keys sorted ordinally
/// with the last duplicate winning, strings re-encoded by one fixed encoder, numbers reduced to
/// digits-and-exponent by value. It also validates: input jsonb would reject is rejected here first.
/// </summary>
internal static class CanonicalJson
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 256 };

    private static readonly SearchValues<byte> MustEscape = SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Select(b => (byte)b), (byte)'"', (byte)'\\']);

    // Every append canonicalizes each event: one writer per thread keeps its buffers warm instead of allocating them.
    [ThreadStatic]
    private static Writer? perThread;

    /// <summary>The canonical UTF-8 bytes; throws <see cref="InvalidEventException"/> when the text is not JSON jsonb accepts.</summary>
    public static byte[] Canonicalize(ReadOnlyMemory<byte> json, string what)
    {
        var writer = perThread ??= new Writer();
        writer.Clear();
        try
        {
            if (!System.Text.Unicode.Utf8.IsValid(json.Span))
            {
                throw new InvalidOperationException("the text is not valid UTF-8");
            }
            var reader = new Utf8JsonReader(json.Span, ReaderOptions);
            if (!reader.Read())
            {
                throw new InvalidOperationException("the text is empty");
            }
            writer.WriteValue(ref reader);
            if (reader.Read())
            {
                throw new InvalidOperationException("there is content after the JSON value");
            }
            return writer.Output.ToArray();
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

    /// <summary>Escapes only what JSON requires: quote, backslash and control characters (as \u00XX).</summary>
    internal static void WriteString(ReadOnlySpan<byte> text, ByteBuffer output)
    {
        output.Write((byte)'"');
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
        output.Write((byte)'"');
    }

    private static byte Hex(int nibble) => (byte)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);

    private static void WriteNumber(ReadOnlySpan<byte> raw, ByteBuffer output)
    {
        // Integers (the common case) reduce without parsing: trailing zeros become the exponent. The length bound
        // keeps numeric's digit limit to the general rule.
        if (raw.IndexOfAny(".eE"u8) < 0 && raw.Length <= 100_000)
        {
            var digits = raw[0] == (byte)'-' ? raw[1..] : raw;
            var significant = digits.TrimEnd((byte)'0');
            if (significant.Length == 0)
            {
                output.Write((byte)'0');
                return;
            }
            var zeros = digits.Length - significant.Length;
            output.Write(raw[..^zeros]);
            if (zeros > 0)
            {
                output.Write((byte)'e');
                zeros.TryFormat(output.GetSpan(11), out var written, default, CultureInfo.InvariantCulture);
                output.Advance(written);
            }
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

    /// <summary>
    /// Writes members in input order and records where each one went; an object whose keys were not already
    /// strictly ascending is then rewritten in place, sorted, with the last of duplicate keys kept.
    /// </summary>
    private sealed class Writer
    {
        private readonly ByteBuffer keys = new(256);
        private readonly ByteBuffer scratch = new(1024);
        private readonly Comparison<Member> byKeyThenOrder;
        private Member[] members = new Member[64];
        private int memberCount;

        public Writer() =>
            byKeyThenOrder = (a, b) =>
            {
                var byKey = Key(a).SequenceCompareTo(Key(b));
                return byKey != 0 ? byKey : a.Order.CompareTo(b.Order);
            };

        public ByteBuffer Output { get; } = new(1024);

        public void Clear()
        {
            Output.Clear();
            keys.Clear();
            memberCount = 0;
        }

        public void WriteValue(ref Utf8JsonReader reader)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    WriteObject(ref reader);
                    break;
                case JsonTokenType.StartArray:
                    Output.Write((byte)'[');
                    var first = true;
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        if (!first)
                        {
                            Output.Write((byte)',');
                        }
                        first = false;
                        WriteValue(ref reader);
                    }
                    Output.Write((byte)']');
                    break;
                case JsonTokenType.String:
                    if (reader.ValueIsEscaped)
                    {
                        scratch.Clear();
                        Unescape(ref reader, scratch);
                        WriteString(scratch.WrittenSpan, Output);
                    }
                    else
                    {
                        // Without escapes the raw bytes are already canonical: JSON forbids raw control characters, quotes and backslashes.
                        Output.Write((byte)'"');
                        Output.Write(reader.ValueSpan);
                        Output.Write((byte)'"');
                    }
                    break;
                case JsonTokenType.Number:
                    WriteNumber(reader.ValueSpan, Output);
                    break;
                case JsonTokenType.True:
                    Output.Write("true"u8);
                    break;
                case JsonTokenType.False:
                    Output.Write("false"u8);
                    break;
                default:
                    Output.Write("null"u8);
                    break;
            }
        }

        private void WriteObject(ref Utf8JsonReader reader)
        {
            var objectStart = Output.Length;
            var memberBase = memberCount;
            var keyBase = keys.Length;
            var ascending = true;
            Output.Write((byte)'{');
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var keyStart = keys.Length;
                if (reader.ValueIsEscaped)
                {
                    Unescape(ref reader, keys);
                }
                else
                {
                    keys.Write(reader.ValueSpan);
                }
                var member = new Member(keyStart, keys.Length - keyStart, 0, 0, memberCount - memberBase);
                if (memberCount > memberBase)
                {
                    ascending &= Key(members[memberCount - 1]).SequenceCompareTo(Key(member)) < 0;
                    Output.Write((byte)',');
                }
                var start = Output.Length;
                WriteString(Key(member), Output);
                Output.Write((byte)':');
                reader.Read();
                WriteValue(ref reader);
                Push(member with { Start = start, Length = Output.Length - start });
            }
            if (ascending)
            {
                Output.Write((byte)'}');
            }
            else
            {
                Reorder(objectStart, members.AsSpan(memberBase, memberCount - memberBase));
            }
            memberCount = memberBase;
            keys.Truncate(keyBase);
        }

        private void Reorder(int objectStart, Span<Member> list)
        {
            list.Sort(byKeyThenOrder);
            var bodyStart = objectStart + 1;
            scratch.Clear();
            scratch.Write(Output.Slice(bodyStart, Output.Length - bodyStart));
            Output.Truncate(bodyStart);
            var first = true;
            for (var i = 0; i < list.Length; i++)
            {
                // Of duplicate keys the last one wins, as in jsonb.
                if (i + 1 < list.Length && Key(list[i + 1]).SequenceEqual(Key(list[i])))
                {
                    continue;
                }
                if (!first)
                {
                    Output.Write((byte)',');
                }
                first = false;
                Output.Write(scratch.Slice(list[i].Start - bodyStart, list[i].Length));
            }
            Output.Write((byte)'}');
        }

        private ReadOnlySpan<byte> Key(Member member) => keys.Slice(member.KeyStart, member.KeyLength);

        private void Push(Member member)
        {
            if (memberCount == members.Length)
            {
                Array.Resize(ref members, members.Length * 2);
            }
            members[memberCount++] = member;
        }

        private static void Unescape(ref Utf8JsonReader reader, ByteBuffer target)
        {
            var span = target.GetSpan(reader.ValueSpan.Length);
            var written = reader.CopyString(span);
            // jsonb cannot store U+0000; rejecting it here keeps one bad event from failing a whole group commit.
            if (span[..written].Contains((byte)0))
            {
                throw new InvalidOperationException("text contains U+0000, which PostgreSQL jsonb cannot store");
            }
            target.Advance(written);
        }
    }

    /// <summary>Where a member's key (in the key buffer) and its written text (in the output) are, and its input order.</summary>
    private readonly record struct Member(int KeyStart, int KeyLength, int Start, int Length, int Order);
}
