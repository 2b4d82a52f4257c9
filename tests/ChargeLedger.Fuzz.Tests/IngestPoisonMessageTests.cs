using System.Text;
using System.Text.Json;
using ChargeLedger.Domain.ChargePoints;
using ChargeLedger.Domain.Serialization;
using ChargeLedger.Domain.Shared;
using ChargeLedger.EventStore;
using ChargeLedger.Ingest.Hosting;
using ChargeLedger.Ingest.Ocpp;
using ChargeLedger.Ingest.Pipeline;
using ChargeLedger.Protocol.Ocpp;
using ChargeLedger.TestSupport;
using Npgsql;
using Xunit.Abstractions;

namespace ChargeLedger.Fuzz.Tests;

/// <summary>
/// Inputs the fuzz suite found that the store refuses even as a rejection: each must still end as one stored
/// rejection and a CALLERROR, within a few attempts (never a retry loop that stalls the ingest).
/// </summary>
public sealed class IngestPoisonMessageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private MigratedStore database = null!;

    public async Task InitializeAsync()
    {
        database = await MigratedStore.CreateAsync("fuzzpoison");
    }

    public async Task DisposeAsync()
    {
        await database.DisposeAsync();
    }

    [Fact]
    public async Task GivenAFrameLargerThanAnEventMayBe_WhenIngested_ThenItIsRejectedWithCutEvidenceAndAnswered()
    {
        var frame = $$"""{"MessageTypeId":2,"UniqueId":"big","Action":"DataTransfer","Payload":{"vendorId":"Acme","data":"{{new string('x', 400_000)}}"} }""";

        var (rejection, reply) = await IngestOneAsync("CP-BIG", frame);

        Assert.Contains("262144", rejection.Reason, StringComparison.Ordinal);
        Assert.Equal(Encoding.UTF8.GetBytes(frame)[..Delivery.EvidenceLimit], RawPayload.Decode(rejection.Payload, rejection.PayloadEncoding));
        Assert.Equal(("big", "InternalError"), (reply.GetProperty("UniqueId").GetString(), reply.GetProperty("ErrorCode").GetString()));
    }

    [Fact]
    public async Task GivenAnInvalidValueHoldingUPlus0000_WhenIngested_ThenTheRejectionKeepsTheValidatorsReasonAndIsAnswered()
    {
        const string frame = """{"MessageTypeId":2,"UniqueId":"nul","Action":"StopTransaction","Payload":{"transactionId":7,"meterStop":2500,"timestamp":"2026-11-20T10:00:00Z","reason":"a\u0000b"} }""";

        var (rejection, reply) = await IngestOneAsync("CP-NUL", frame);

        Assert.Contains("is not one of", rejection.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain('\0', rejection.Reason);
        Assert.Equal(frame, rejection.Payload);
        Assert.Equal(("nul", "PropertyConstraintViolation"), (reply.GetProperty("UniqueId").GetString(), reply.GetProperty("ErrorCode").GetString()));
    }

    private async Task<(MessageRejected Rejection, JsonElement Reply)> IngestOneAsync(string chargePointId, string frame)
    {
        var settings = new IngestSettings();
        var pipeline = new IngestPipeline(database.Store, new TransactionIdAllocator(database.DataSource), new MessageDecider(settings.ChargePointPolicy, settings.TransactionPolicy), 100, output.WriteLine);
        var delivery = Delivery.Decode(new FrameDecoder(OcppTopics.Default, "$SYS/"), OcppTopics.Default.Upstream(chargePointId), Encoding.UTF8.GetBytes(frame), NodaTime.SystemClock.Instance.GetCurrentInstant());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        await pipeline.ProcessAsync([delivery], timeout.Token);

        var recorded = Assert.Single(await database.Store.ReadStreamAsync(StreamIds.ChargePoint(chargePointId), 0, 10, CancellationToken.None));
        var rejection = Assert.IsType<MessageRejected>(EventSerializer.Deserialize(recorded.Type, recorded.Data.Span));
        Assert.NotNull(delivery.Reply);
        return (rejection, JsonDocument.Parse(delivery.Reply).RootElement.Clone());
    }
}
