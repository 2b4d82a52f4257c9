using System.Text;
using System.Text.Json;
using ChargeLedger.Domain.ChargePoints;
using ChargeLedger.Domain.Serialization;
using ChargeLedger.Domain.Shared;
using ChargeLedger.EventStore;
using ChargeLedger.Ingest.Hosting;
using ChargeLedger.Ingest.Pipeline;
using ChargeLedger.Protocol.Ocpp;
using ChargeLedger.TestSupport;
using Npgsql;
using Xunit.Abstractions;

namespace ChargeLedger.Fuzz.Tests;

/// <summary>Random and mutated EMQX-format frames on the ingest's upstream, Reply and notice topics.</summary>
public sealed class IngestFuzzTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Batches = 4;
    private const int InputsPerBatch = 60;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private MigratedStore database = null!;
    private IngestHost host = null!;
    private IngestSettings settings = null!;
    private MqttPeer gateway = null!;

    private OcppTopics Topics => new() { MountPoint = settings.MountPoint };

    public async Task InitializeAsync()
    {
        database = await MigratedStore.CreateAsync("fuzzingest");
        var id = Guid.NewGuid().ToString("N")[..12];
        settings = new IngestSettings
        {
            PostgresConnectionString = database.ConnectionString,
            MqttHost = TestServices.MqttHost,
            MqttPort = TestServices.MqttPort,
            MqttUsername = MqttCredentials.Username,
            MqttPassword = MqttCredentials.Password,
            ClientId = $"ingest-fuzz-{id}",
            SharedGroup = $"fz{id}",
            SessionExpirySeconds = 120,
            MountPoint = $"fz{id}/ocpp/",
            NoticePrefix = $"fz{id}/sys/",
        };
        host = await IngestHost.StartAsync(settings, Log, CancellationToken.None);
        gateway = await MqttPeer.StartAsync("fz-ingest-gw", Topics.Filter(OcppTopicKind.Downstream));
    }

    public async Task DisposeAsync()
    {
        await gateway.DisposeAsync();
        await host.DisposeAsync();
        await database.DisposeAsync();
    }

    [Fact]
    public async Task GivenRandomAndMutatedFramesOnEveryTopic_WhenIngested_ThenEachEndsAsEventsOrARejectionWithItsReasonAndAValidMessageStillWorks()
    {
        var random = FuzzSeed.For(nameof(IngestFuzzTests), output);
        var mutator = new FrameMutator(random);
        var inputs = new List<(string ChargePointId, string Topic, bool Upstream, FuzzInput Input)>();
        for (var batch = 0; batch < Batches; batch++)
        {
            for (var i = 0; i < InputsPerBatch; i++)
            {
                // One charge point per input, so each input's outcome is its own (no state carried between inputs).
                var cid = $"FZ{batch}-{i}";
                var uniqueId = $"u{batch}-{i}";
                var (topic, valid) = random.Next(20) switch
                {
                    < 12 => (Topics.Upstream(cid), OcppCorpus.ObjectCall(random, uniqueId)),
                    < 16 => (Topics.Reply(cid), OcppCorpus.ObjectReply(random, uniqueId)),
                    var n => ($"{settings.NoticePrefix}brokers/fuzz@local/gateway/ocpp/clients/{cid}/{(n % 2 == 0 ? "connected" : "disconnected")}", OcppCorpus.Notice(n % 2 == 0, cid)),
                };
                var input = random.Next(10) == 0 ? new FuzzInput("valid", Encoding.UTF8.GetBytes(valid)) : mutator.Next(valid);
                inputs.Add((cid, topic, topic == Topics.Upstream(cid), input));
                await gateway.PublishAsync(topic, input.Bytes);
            }

            await AssertAValidHeartbeatIsAnsweredAsync($"FZ{batch}-ok");
        }

        var byMessage = await Eventually.ReturnsAsync(
            ReadLogByMessageAsync,
            log => inputs.All(i => log.ContainsKey(Identity(i.Topic, i.Input))),
            Deadline,
            "every input to end as events");

        var accepted = 0;
        var rejected = 0;
        foreach (var (cid, topic, upstream, input) in inputs)
        {
            var events = byMessage[Identity(topic, input)];
            var rejections = events.OfType<MessageRejected>().ToList();
            if (rejections.Count > 0)
            {
                rejected++;
                var rejection = Assert.Single(rejections);
                Assert.False(string.IsNullOrWhiteSpace(rejection.Reason), $"a rejection without a reason for {input}");
                Assert.Equal(topic, rejection.Topic);
                if (upstream)
                {
                    // The evidence is the frame as received, or its head when even the rejection was too large to store
                    // (a Reply's rejection keeps only its payload; the raw frame is in the metadata).
                    var evidence = RawPayload.Decode(rejection.Payload, rejection.PayloadEncoding);
                    var cut = input.Bytes.Length > Delivery.EvidenceLimit && rejection.Reason.Contains("evidence cut", StringComparison.Ordinal);
                    Assert.True(evidence.AsSpan().SequenceEqual(cut ? input.Bytes.AsSpan(0, Delivery.EvidenceLimit) : input.Bytes), $"the evidence of {input}");
                }
                if (upstream && rejection is { UniqueId: { } uniqueId, ErrorCode: not null })
                {
                    await AssertAnsweredAsync(cid, uniqueId, 4, $"{input} (rejected: {rejection.Reason})");
                }
            }
            else
            {
                accepted++;
                if (upstream)
                {
                    using var frame = JsonDocument.Parse(input.Bytes);
                    await AssertAnsweredAsync(cid, frame.RootElement.GetProperty("UniqueId").GetString()!, 3, $"{input} (events: {string.Join(", ", events.Select(e => e.GetType().Name))})");
                }
            }
        }

        output.WriteLine($"{inputs.Count} inputs: {accepted} accepted, {rejected} rejected; by kind: " +
            string.Join(", ", inputs.GroupBy(i => i.Input.Kind).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}")));
        Assert.Equal(inputs.Count, accepted + rejected);
        Assert.True(rejected > inputs.Count / 2, "most mutated inputs must be rejected");
        Assert.True(accepted > 0, "valid inputs must be accepted");
    }

    private async Task AssertAValidHeartbeatIsAnsweredAsync(string cid)
    {
        await gateway.PublishAsync(Topics.Upstream(cid), Encoding.UTF8.GetBytes($$"""{"MessageTypeId":2,"UniqueId":"hb-{{cid}}","Action":"Heartbeat","Payload":{} }"""));
        await AssertAnsweredAsync(cid, $"hb-{cid}", 3, null);
    }

    private async Task AssertAnsweredAsync(string cid, string uniqueId, int messageTypeId, string? input)
    {
        var downstream = Topics.Downstream(cid);
        var answers = await Eventually.ReturnsAsync(
            () => Task.FromResult(gateway.Received.Where(r => r.Topic == downstream).Select(r => JsonDocument.Parse(r.Payload).RootElement.Clone()).ToList()),
            frames => frames.Count > 0,
            Deadline,
            $"an answer to {uniqueId} on {downstream} for {input}");
        var answer = Assert.Single(answers);
        Assert.Equal(uniqueId, answer.GetProperty("UniqueId").GetString());
        Assert.True(messageTypeId == answer.GetProperty("MessageTypeId").GetInt32(), $"expected a {messageTypeId} frame for {input}, got {answer}");
    }

    private async Task<Dictionary<Guid, List<object>>> ReadLogByMessageAsync()
    {
        var byMessage = new Dictionary<Guid, List<object>>();
        var after = Checkpoint.Start;
        while (true)
        {
            var page = await database.Store.ReadAllAsync(after, 1000, CancellationToken.None);
            if (page.Events.Count == 0)
            {
                return byMessage;
            }
            foreach (var recorded in page.Events.Where(e => e.Metadata.CorrelationId is not null))
            {
                var correlation = recorded.Metadata.CorrelationId!.Value;
                if (!byMessage.TryGetValue(correlation, out var events))
                {
                    byMessage[correlation] = events = [];
                }
                events.Add(EventSerializer.Deserialize(recorded.Type, recorded.Data.Span) ?? recorded.Type);
            }
            after = page.Next;
        }
    }

    private static Guid Identity(string topic, FuzzInput input) => MessageIdentity.Of(topic, input.Bytes).CorrelationId;

    private void Log(string line)
    {
        try
        {
            output.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
            // the test has finished; late log lines of the host are dropped
        }
    }
}
