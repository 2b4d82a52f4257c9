using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ChargeLedger.Fuzz.Tests;

/// <summary>One generated input: the bytes and how they were made (shown when an assertion about them fails).</summary>
public sealed record FuzzInput(string Kind, byte[] Bytes)
{
    public override string ToString()
    {
        var text = Encoding.UTF8.GetString(Bytes);
        return $"{Kind} ({Bytes.Length} bytes): {(text.Length > 300 ? text[..300] + "…" : text)}";
    }
}

/// <summary>
/// Random and mutated inputs from a seeded generator: byte-level damage (truncation, flips, invalid UTF-8, random
/// bytes) and structural damage to a valid JSON frame (missing fields, wrong types, huge strings, deep nesting,
/// wrong message type ids, odd Unicode, extreme numbers, duplicate keys).
/// </summary>
public sealed class FrameMutator(Random random)
{
    private static readonly string[] OddStrings = ["", " ", "\u0000", "a\u0000b", "\ud83d\ude00", "\u202e\u0041", "null", "[]", "{}", "\\", "\"", "%00", "../../etc/passwd", "'; DROP TABLE events; --"];

    public FuzzInput Next(string valid)
    {
        return random.Next(14) switch
        {
            0 => new("random-bytes", RandomBytes(random.Next(0, 300))),
            1 => new("random-text", Encoding.UTF8.GetBytes(RandomText(random.Next(0, 200)))),
            2 => Truncated(valid),
            3 => Flipped(valid),
            4 => InvalidUtf8(valid),
            5 => Structural("drop-field", valid, DropField),
            6 => Structural("wrong-type", valid, (root, _) => ReplaceRandom(root, RandomValue(2))),
            7 => Structural("huge-string", valid, (root, _) => ReplaceRandom(root, new string('x', random.Next(10_000, 100_000)))),
            8 => Structural("deep-nesting", valid, (root, _) => ReplaceRandom(root, Nested(random.Next(70, 400)))),
            9 => Structural("message-type", valid, WrongMessageType),
            10 => Structural("odd-string", valid, (root, _) => ReplaceRandom(root, OddStrings[random.Next(OddStrings.Length)])),
            11 => ExtremeNumber(valid),
            12 => DuplicateKey(valid),
            _ => Structural("extra-field", valid, ExtraField),
        };
    }

    public byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private string RandomText(int length)
    {
        const string alphabet = "[]{}\",:0123456789abcdefXYZ \\/-+.eEtrunlf\u00e9\u4e2d";
        var text = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            text.Append(alphabet[random.Next(alphabet.Length)]);
        }
        return text.ToString();
    }

    private FuzzInput Truncated(string valid) => new("truncated", Encoding.UTF8.GetBytes(valid[..random.Next(0, valid.Length)]));

    private FuzzInput Flipped(string valid)
    {
        var bytes = Encoding.UTF8.GetBytes(valid);
        for (var i = random.Next(1, 5); i > 0; i--)
        {
            bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
        }
        return new("byte-flip", bytes);
    }

    private FuzzInput InvalidUtf8(string valid)
    {
        var bytes = Encoding.UTF8.GetBytes(valid).ToList();
        byte[][] bad = [[0xC3, 0x28], [0xFF], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xC0, 0xAF]];
        var at = bytes.LastIndexOf((byte)'"') is > 0 and var quote && random.Next(2) == 0 ? quote : random.Next(bytes.Count + 1);
        bytes.InsertRange(at, bad[random.Next(bad.Length)]);
        return new("invalid-utf8", [.. bytes]);
    }

    private FuzzInput ExtremeNumber(string valid)
    {
        string[] numbers = ["1e309", "-0", "9223372036854775808", "-9223372036854775809", "1.5", "0.0000000001", "2147483648", "-1", "1E2", "00"];
        var number = numbers[random.Next(numbers.Length)];
        // Swap the first number in the frame (the message type id) or a later one for the extreme literal.
        var digits = Enumerable.Range(0, valid.Length).Where(i => char.IsAsciiDigit(valid[i]) && (i == 0 || !char.IsAsciiLetterOrDigit(valid[i - 1]) && valid[i - 1] != '"' && valid[i - 1] != '-')).ToList();
        if (digits.Count == 0)
        {
            return new("extreme-number", Encoding.UTF8.GetBytes(valid));
        }
        var start = digits[random.Next(digits.Count)];
        var end = start;
        while (end < valid.Length && char.IsAsciiDigit(valid[end]))
        {
            end++;
        }
        return new("extreme-number", Encoding.UTF8.GetBytes(valid[..start] + number + valid[end..]));
    }

    private FuzzInput DuplicateKey(string valid)
    {
        var brace = valid.IndexOf('{', StringComparison.Ordinal);
        if (brace < 0)
        {
            return new("duplicate-key", Encoding.UTF8.GetBytes(valid));
        }
        var key = valid.IndexOf('"', brace) is var open and >= 0 && valid.IndexOf('"', open + 1) is var close and > 0 ? valid[open..(close + 1)] : "\"x\"";
        return new("duplicate-key", Encoding.UTF8.GetBytes(valid[..(brace + 1)] + key + ":12," + valid[(brace + 1)..]));
    }

    private FuzzInput Structural(string kind, string valid, Action<JsonNode, Random> mutate)
    {
        var root = JsonNode.Parse(valid)!;
        mutate(root, random);
        return new(kind, Encoding.UTF8.GetBytes(root.ToJsonString(new JsonSerializerOptions { MaxDepth = 2048 })));
    }

    /// <summary>Every (container, slot) in the tree, so any value can be removed or replaced.</summary>
    private static List<(JsonNode Parent, string? Key, int Index)> Slots(JsonNode node)
    {
        var slots = new List<(JsonNode, string?, int)>();
        void Walk(JsonNode? current)
        {
            switch (current)
            {
                case JsonObject o:
                    foreach (var (key, value) in o.ToList())
                    {
                        slots.Add((o, key, -1));
                        Walk(value);
                    }
                    break;
                case JsonArray a:
                    for (var i = 0; i < a.Count; i++)
                    {
                        slots.Add((a, null, i));
                        Walk(a[i]);
                    }
                    break;
            }
        }
        Walk(node);
        return slots;
    }

    private void DropField(JsonNode root, Random r)
    {
        var slots = Slots(root);
        if (slots.Count == 0)
        {
            return;
        }
        var (parent, key, index) = slots[r.Next(slots.Count)];
        if (parent is JsonObject o)
        {
            o.Remove(key!);
        }
        else
        {
            ((JsonArray)parent).RemoveAt(index);
        }
    }

    private void ReplaceRandom(JsonNode root, JsonNode? value)
    {
        var slots = Slots(root);
        if (slots.Count == 0)
        {
            return;
        }
        var (parent, key, index) = slots[random.Next(slots.Count)];
        if (parent is JsonObject o)
        {
            o[key!] = value;
        }
        else
        {
            parent.AsArray()[index] = value;
        }
    }

    private void WrongMessageType(JsonNode root, Random r)
    {
        JsonNode?[] ids = [0, 1, 5, 6, -1, "2", 2.5, null, 99_999_999_999L, true];
        var id = ids[r.Next(ids.Length)];
        switch (root)
        {
            case JsonArray { Count: > 0 } a:
                a[0] = id;
                break;
            case JsonObject o:
                o["MessageTypeId"] = id;
                break;
        }
    }

    private void ExtraField(JsonNode root, Random r)
    {
        var objects = Slots(root).Select(s => s.Parent).OfType<JsonObject>().Append(root as JsonObject).OfType<JsonObject>().ToList();
        if (objects.Count > 0)
        {
            objects[r.Next(objects.Count)]["unexpected" + r.Next(100)] = RandomValue(1);
        }
        else if (root is JsonArray a)
        {
            a.Add(RandomValue(1));
        }
    }

    private JsonNode? RandomValue(int depth) => random.Next(depth > 0 ? 9 : 7) switch
    {
        0 => null,
        1 => random.Next(int.MinValue, int.MaxValue),
        2 => long.MaxValue,
        3 => RandomText(random.Next(0, 20)),
        4 => random.Next(2) == 0,
        5 => 1.5,
        6 => OddStrings[random.Next(OddStrings.Length)],
        7 => new JsonArray(RandomValue(depth - 1), RandomValue(depth - 1)),
        _ => new JsonObject { ["k"] = RandomValue(depth - 1) },
    };

    private static JsonNode Nested(int depth)
    {
        JsonNode node = new JsonArray();
        for (var i = 1; i < depth; i++)
        {
            node = new JsonArray(node);
        }
        return node;
    }
}
