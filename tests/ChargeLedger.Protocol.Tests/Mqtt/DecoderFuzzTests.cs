using System.Buffers;
using ChargeLedger.Protocol.Mqtt;
using ChargeLedger.Protocol.Mqtt.Packets;

namespace ChargeLedger.Protocol.Tests.Mqtt;

public sealed class DecoderFuzzTests
{
    private const uint MaximumPacketSize = 4096;

    private static readonly byte[][] ValidPackets =
    [
        [0x20, 0x03, 0x01, 0x00, 0x00],
        [0x20, 0x0B, 0x00, 0x00, 0x08, 0x21, 0x00, 0x0A, 0x27, 0x00, 0x00, 0x10, 0x00],
        [0x32, 0x0C, 0x00, 0x03, 0x61, 0x2F, 0x62, 0x00, 0x07, 0x02, 0x01, 0x01, 0x68, 0x69],
        [0x30, 0x07, 0x00, 0x01, 0x74, 0x00, 0x7B, 0x7D, 0x0A],
        [0x40, 0x02, 0x00, 0x07],
        [0x40, 0x04, 0x00, 0x07, 0x10, 0x00],
        [0x90, 0x05, 0x00, 0x01, 0x00, 0x01, 0x80],
        [0xB0, 0x04, 0x00, 0x02, 0x00, 0x00],
        [0xD0, 0x00],
        [0xE0, 0x01, 0x8B],
    ];

    [Fact]
    public void GivenThousandsOfRandomAndMutatedPackets_WhenDecoded_ThenEachIsAPacketANeedForMoreDataOrAReasonCodedError()
    {
        var random = new Random(20261121);
        for (var round = 0; round < 20_000; round++)
        {
            var bytes = round % 3 == 0 ? RandomBytes(random) : Mutate(random, ValidPackets[random.Next(ValidPackets.Length)]);
            var split = random.Next(bytes.Length + 1);
            var status = MqttPacketDecoder.TryDecode(Segmented(bytes, split), MaximumPacketSize, out _, out var consumed, out var error);
            switch (status)
            {
                case MqttDecodeStatus.Complete:
                    Assert.InRange(consumed, 2, bytes.Length);
                    break;
                case MqttDecodeStatus.Invalid:
                    Assert.True((byte)error.ReasonCode >= 0x80, $"round {round}: {error}");
                    Assert.False(string.IsNullOrWhiteSpace(error.Message));
                    break;
            }
        }
    }

    [Fact]
    public void GivenEveryValidPacket_WhenSplitAcrossSegmentsAtEveryPoint_ThenItDecodesTheSame()
    {
        foreach (var packet in ValidPackets)
        {
            for (var split = 0; split <= packet.Length; split++)
            {
                var status = MqttPacketDecoder.TryDecode(Segmented(packet, split), MaximumPacketSize, out _, out var consumed, out var error);
                Assert.True(status == MqttDecodeStatus.Complete, $"{Convert.ToHexString(packet)} split at {split}: {status} {error}");
                Assert.Equal(packet.Length, consumed);
            }
            for (var cut = 0; cut < packet.Length; cut++)
            {
                Assert.Equal(MqttDecodeStatus.NeedMoreData, MqttPacketDecoder.TryDecode(new ReadOnlySequence<byte>(packet, 0, cut), MaximumPacketSize, out _, out _, out _));
            }
        }
    }

    [Fact]
    public void GivenAHeaderAnnouncingMoreThanTheMaximumPacketSize_WhenDecoded_ThenItIsRejectedBeforeTheBodyArrives()
    {
        var status = MqttPacketDecoder.TryDecode(new ReadOnlySequence<byte>([0x30, 0x80, 0x80, 0x01]), MaximumPacketSize, out _, out _, out var error);

        Assert.Equal(MqttDecodeStatus.Invalid, status);
        Assert.Equal(MqttReasonCode.PacketTooLarge, error.ReasonCode);
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(1, 64)];
        random.NextBytes(bytes);
        if (bytes.Length > 1 && random.Next(2) == 0)
        {
            bytes[1] = (byte)Math.Min(bytes.Length - 2, 127);
        }
        return bytes;
    }

    private static byte[] Mutate(Random random, byte[] packet)
    {
        var bytes = packet.ToList();
        for (var edits = random.Next(1, 4); edits > 0 && bytes.Count > 0; edits--)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(4))
            {
                case 0: bytes[at] = (byte)random.Next(256); break;
                case 1: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                case 2: bytes.RemoveAt(at); break;
                default: bytes.Insert(at, (byte)random.Next(256)); break;
            }
        }
        return [.. bytes];
    }

    private static ReadOnlySequence<byte> Segmented(byte[] bytes, int split)
    {
        if (split <= 0 || split >= bytes.Length)
        {
            return new ReadOnlySequence<byte>(bytes);
        }
        var first = new Segment(bytes.AsMemory(0, split), 0);
        var last = first.Append(bytes.AsMemory(split));
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
