using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using ChargeLedger.Domain.ChargePoints;
using ChargeLedger.Domain.Shared;
using ChargeLedger.Domain.Transactions;
using ChargeLedger.EventStore;
using NodaTime;
using NodaTime.Text;

namespace ChargeLedger.Api.Tests;

/// <summary>Tariff and idTag published through the API, a session appended, everything projected, then billing read through the API.</summary>
public sealed class BillingTests(ApiFixture api) : IClassFixture<ApiFixture>, IAsyncLifetime
{
    private static readonly IdTagInfo Accepted = new(AuthorizationStatus.Accepted, null, null);
    // Shared by every test of the class: the setup runs once per fixture, with these values.
    private static readonly Instant start = SystemClock.Instance.GetCurrentInstant() - Duration.FromHours(2);
    private static readonly string account = "ACME" + Guid.NewGuid().ToString("N")[..6];
    private int transactionId;

    private string Customer => "customer:" + account;

    public async Task InitializeAsync()
    {
        if (await api.EnsureOnceAsync("billing-setup", SetUpAsync) is { } id)
        {
            transactionId = id;
        }
    }

    private async Task<int> SetUpAsync()
    {
        using var billing = api.Client("billing");
        using var support = api.Client("support");
        using var tariff = await billing.PostAsJsonAsync("/tariffs", new
        {
            tariffId = "default",
            validFrom = InstantPattern.ExtendedIso.Format(start - Duration.FromDays(1)),
            currency = "EUR",
            pricePerKwh = "0.40",
            vatRatePercent = "19",
            timeZoneId = "Europe/Berlin",
        });
        Assert.Equal(HttpStatusCode.Created, tariff.StatusCode);
        using var tag = await support.PostAsJsonAsync("/id-tags", new { idTag = "BILL1", billingAccount = account });
        Assert.Equal(HttpStatusCode.Created, tag.StatusCode);

        var id = Random.Shared.Next(1, 1_000_000);
        var cid = "cp-bill";
        var t1 = start + Duration.FromMinutes(30);
        await api.AppendMessageAsync(Meta(cid, start),
            new TransactionIdAssigned(cid, "s", 1, id, "BILL1", 10_000, start, Accepted, start),
            new TransactionStarted(id, cid, "s", 1, "BILL1", 10_000, null, start, Accepted, start));
        await api.AppendMessageAsync(Meta(cid, t1),
            new TransactionStopped(id, cid, "x", 10_000, 20_000, 10_000, t1, "BILL1", "Local", Accepted, t1),
            new ConnectorReleased(cid, 1, id, 20_000, t1, t1));
        await api.ProjectAllAsync();
        return id;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task GivenAPricedSession_WhenTheTransactionIsRead_ThenItsCostIsDecimalStringsWithCurrency()
    {
        using var client = api.Client("billing");

        using var response = await client.GetAsync($"/transactions/{transactionId}");

        var cost = (await response.JsonAsync()).GetProperty("cost");
        Assert.Equal("priced", cost.GetProperty("status").GetString());
        Assert.Equal("EUR", cost.GetProperty("amount").GetProperty("currency").GetString());
        Assert.Equal("4.76", cost.GetProperty("amount").GetProperty("amount").GetString()); // 10 kWh × 0.40 + 19 % VAT
        Assert.Equal("0.76", cost.GetProperty("vat").GetProperty("amount").GetString());
    }

    [Fact]
    public async Task GivenPostings_WhenTheBalanceAndEntriesAreReadPageByPage_ThenEveryEntryComesOnceAndTheBalanceIsTheirSum()
    {
        using var client = api.Client("auditor");

        using var balanceResponse = await client.GetAsync($"/ledger/accounts/{Customer}/balance");
        var balance = (await balanceResponse.JsonAsync()).GetProperty("balances").EnumerateArray().Single();
        var amounts = new List<decimal>();
        var keys = new HashSet<string>();
        string? cursor = null;
        do
        {
            using var page = await client.GetAsync($"/ledger/accounts/{Customer}/entries?limit=1" + (cursor is null ? "" : "&cursor=" + cursor));
            var body = await page.JsonAsync();
            foreach (var entry in body.GetProperty("items").EnumerateArray())
            {
                Assert.True(keys.Add(entry.GetProperty("postingSetId").GetString() + "#" + entry.GetProperty("entryNo").GetInt32()));
                amounts.Add(decimal.Parse(entry.GetProperty("amount").GetProperty("amount").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
            }
            cursor = body.GetProperty("next").GetString();
        }
        while (cursor is not null);

        Assert.Equal("EUR", balance.GetProperty("currency").GetString());
        Assert.NotEmpty(amounts);
        Assert.Equal(amounts.Sum(), decimal.Parse(balance.GetProperty("amount").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task GivenAnIssuedCdr_WhenListedAsJsonAndAsCsv_ThenBothHoldTheSession()
    {
        using var client = api.Client("billing");

        using var json = await client.GetAsync("/billing/cdrs");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/billing/cdrs");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        using var csv = await client.SendAsync(request);

        var cdr = (await json.JsonAsync()).GetProperty("items").EnumerateArray().Single();
        Assert.Equal(transactionId.ToString(System.Globalization.CultureInfo.InvariantCulture), cdr.GetProperty("session_id").GetString());
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("cdr_id,session_id,", lines[0]);
        Assert.Equal(transactionId.ToString(System.Globalization.CultureInfo.InvariantCulture), lines[1].Split(',')[1]);
    }

    [Fact]
    public async Task GivenAComplaintAboutTheSession_WhenNotedAndResolvedWithARefund_ThenItIsReadBackResolvedWithItsNote()
    {
        using var support = api.Client("support");
        var location = await OpenComplaintAsync(support, "charged twice");
        using var note = await support.PostAsJsonAsync(location + "/notes", new { text = "checked the meter values" });
        using var negative = await support.PostAsJsonAsync(location + "/resolution", new { outcome = "Upheld", summary = "refund", refund = new { amount = "-1.00", currency = "EUR" } });
        using var resolved = await support.PostAsJsonAsync(location + "/resolution", new { outcome = "Upheld", summary = "refund", refund = new { amount = "1.00", currency = "EUR" } });
        await api.ProjectAllAsync();

        using var read = await support.GetAsync(location);

        Assert.Equal(HttpStatusCode.Created, note.StatusCode);
        await negative.AssertProblemAsync(400, "refund.amount");
        Assert.Equal(HttpStatusCode.Created, resolved.StatusCode);
        var complaint = await read.JsonAsync();
        Assert.Equal("Resolved", complaint.GetProperty("status").GetString());
        Assert.Equal("checked the meter values", complaint.GetProperty("notes").EnumerateArray().Single().GetProperty("text").GetString());
    }

    [Fact]
    public async Task GivenAComplaintAboutAPricedSession_WhenARefundAboveWhatWasBilledIsAsked_ThenItIsRefusedNamingRefundAmountAndTheBilledTotalIsGranted()
    {
        using var support = api.Client("support");
        var location = await OpenComplaintAsync(support, "never charged at all");

        using var above = await support.PostAsJsonAsync(location + "/resolution", new { outcome = "Upheld", summary = "refund", refund = new { amount = "4.77", currency = "EUR" } });
        using var billed = await support.PostAsJsonAsync(location + "/resolution", new { outcome = "Upheld", summary = "refund", refund = new { amount = "4.76", currency = "EUR" } });

        var problem = await above.AssertProblemAsync(422, "refundAmount");
        Assert.Contains("4.76", problem.GetProperty("detail").GetString(), StringComparison.Ordinal); // the billed total, 10 kWh × 0.40 + 19 % VAT
        Assert.Equal(HttpStatusCode.Created, billed.StatusCode);
    }

    [Theory]
    [InlineData("/ledger/accounts/customer:x/balance?asOf=last-week", 400, "asOf")]
    [InlineData("/ledger/accounts/customer:nobody/balance", 404, "account")]
    [InlineData("/ledger/accounts/customer:x/entries?cursor=bm9wZQ", 400, "cursor")]
    [InlineData("/billing/cdrs?from=2026-13-01", 400, "from")]
    [InlineData("/complaints/nobody", 404, "id")]
    public async Task GivenBadBillingInput_WhenRead_ThenTheProblemNamesTheField(string path, int status, string field)
    {
        using var client = api.Client("admin");

        using var response = await client.GetAsync(path);

        await response.AssertProblemAsync(status, field);
    }

    [Theory]
    [InlineData("""{"tariffId":"t-bad","validFrom":"2026-01-01T00:00:00Z","currency":"euro","pricePerKwh":"0.3","vatRatePercent":"19","timeZoneId":"Europe/Berlin"}""", 422, "currency")]
    [InlineData("""{"tariffId":"t-bad","validFrom":"2026-01-01T00:00:00Z","currency":"EUR","pricePerKwh":"-0.3","vatRatePercent":"19","timeZoneId":"Europe/Berlin"}""", 422, "pricePerKwh")]
    [InlineData("""{"tariffId":"t-bad","validFrom":"yesterday","currency":"EUR","pricePerKwh":"0.3","vatRatePercent":"19","timeZoneId":"Europe/Berlin"}""", 400, "validFrom")]
    [InlineData("""{"tariffId":"t-bad","validFrom":"2026-01-01T00:00:00Z","currency":"EUR","pricePerKwh":"0.3","vatRatePercent":"19","timeZoneId":"Mars/Olympus"}""", 422, "timeZoneId")]
    public async Task GivenAnInvalidTariff_WhenPublished_ThenTheProblemNamesTheField(string body, int status, string field)
    {
        using var client = api.Client("billing");

        using var response = await client.PostAsync("/tariffs", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        await response.AssertProblemAsync(status, field);
    }

    private static EventMetadata Meta(string cid, Instant at) =>
        new(Source: "mqtt", Topic: "ocpp/cp/" + cid, ChargePointId: cid, OcppMessageId: Guid.NewGuid().ToString(), DeviceTime: at, ReceivedAt: at, Raw: "[2,\"x\",\"StartTransaction\",{}]");

    /// <summary>Opens a complaint about this class's session and returns its location.</summary>
    private async Task<string> OpenComplaintAsync(HttpClient support, string description)
    {
        using var opened = await support.PostAsJsonAsync("/complaints", new
        {
            subjectKind = "Transaction",
            subjectId = transactionId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            windowStart = InstantPattern.ExtendedIso.Format(start),
            windowEnd = InstantPattern.ExtendedIso.Format(start + Duration.FromHours(1)),
            description,
        });
        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        return opened.Headers.Location!.OriginalString;
    }
}
