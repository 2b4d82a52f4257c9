using System.Text;

namespace ChargeLedger.EventStore.Tests;

public sealed class HashChainTests() : StoreContext("es_chain")
{
    [Fact]
    public async Task GivenEventsWhoseJsonJsonbRewrites_WhenVerifying_ThenTheChainIsIntact()
    {
        await Store.AppendAsync(Unit("c-ok", ExpectedVersion.NoStream,
            Event("""{"z": 1.50, "a": [1e2, -0.0, 3E-2], "a": "dup wins", "s": "\u00e9\"\n/"}"""),
            Event("""  "just a string" """),
            Event("[]", metadata: new EventMetadata(Guid.NewGuid(), null, "mqtt", "ocpp/é/up", "cp\"1", "m\n1\t", NodaTime.Instant.FromUnixTimeTicks(1), null, "[2,\"x\",{}]\u2028<>&'\\"))), default);
        await Store.AppendAsync(Unit("c-ok", ExpectedVersion.Exact(2), Event("""{"n": null, "t": true, "f": false, "big": 123456789012345678901234567890}""")), default);

        var verification = await Store.VerifyStreamAsync("c-ok", default);

        Assert.Equal(new ChainVerification("c-ok", 4, true, null, null), verification);
    }

    [Fact]
    public async Task GivenALogWrittenWhileEventsWereJsonb_WhenMigratedToJson_ThenItVerifiesAndReadsBackTheSameEvents()
    {
        var metadata = new EventMetadata(Guid.NewGuid(), null, "mqtt", "ocpp/é/up", "cp\"1", "m\n1\t", NodaTime.Instant.FromUnixTimeTicks(1), null, "[2,\"x\",{}]\u2028<>&'\\");
        await Store.AppendAsync(Unit("c-migrated", ExpectedVersion.NoStream,
            Event("""{"z": 1.50, "a": [1e2, -0.0, 3E-2], "s": "\u00e9\"\n/"}"""), Event("[]", metadata: metadata)), default);
        // What a log written before schema 0500 holds: jsonb's rewrite of every event's text.
        await ExecuteAsync("ALTER TABLE events ALTER COLUMN data TYPE jsonb USING data::jsonb, ALTER COLUMN metadata TYPE jsonb USING metadata::jsonb");

        await ExecuteAsync(SchemaMigrator.Scripts.Single(s => s.Name == "0500_events_json.sql").Sql);

        Assert.Equal(new ChainVerification("c-migrated", 2, true, null, null), await Store.VerifyStreamAsync("c-migrated", default));
        var events = await Store.ReadStreamAsync("c-migrated", 0, 10, default);
        Assert.Equal("""{"a": [100, 0.0, 0.03], "s": "é\"\n/", "z": 1.50}""", Encoding.UTF8.GetString(events[0].Data.Span));
        Assert.Equal(metadata, events[1].Metadata);
    }

    [Fact]
    public async Task GivenARowAlteredByHand_WhenVerifying_ThenTheFirstBrokenLinkIsThatVersion()
    {
        await Store.AppendAsync(Unit("c-tamper", ExpectedVersion.NoStream, Event(), Event(), Event(), Event(), Event()), default);
        await ExecuteAsync("""UPDATE events SET data = '{"value": 1000}' WHERE stream_id = 'c-tamper' AND stream_version = 2""");

        var verification = await Store.VerifyStreamAsync("c-tamper", default);

        Assert.False(verification.Valid);
        Assert.Equal(2, verification.FirstBrokenVersion);
        Assert.Contains("hash", verification.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenMetadataAlteredByHand_WhenVerifying_ThenThatVersionIsReported()
    {
        await Store.AppendAsync(Unit("c-meta", ExpectedVersion.NoStream, Event(), Event()), default);
        await ExecuteAsync("""UPDATE events SET metadata = (metadata::jsonb || '{"source": "forged"}')::json WHERE stream_id = 'c-meta' AND stream_version = 1""");

        Assert.Equal(1, (await Store.VerifyStreamAsync("c-meta", default)).FirstBrokenVersion);
    }

    [Fact]
    public async Task GivenTheLastEventDeletedByHand_WhenVerifying_ThenTheMissingVersionIsReported()
    {
        await Store.AppendAsync(Unit("c-cut", ExpectedVersion.NoStream, Event(), Event(), Event()), default);
        await ExecuteAsync("DELETE FROM events WHERE stream_id = 'c-cut' AND stream_version = 2");

        var verification = await Store.VerifyStreamAsync("c-cut", default);

        Assert.Equal((false, 2L), (verification.Valid, verification.FirstBrokenVersion));
    }

    [Fact]
    public async Task GivenAMiddleEventDeletedByHand_WhenVerifying_ThenTheGapIsReported()
    {
        await Store.AppendAsync(Unit("c-gap", ExpectedVersion.NoStream, Event(), Event(), Event()), default);
        await ExecuteAsync("DELETE FROM events WHERE stream_id = 'c-gap' AND stream_version = 1");

        Assert.Equal(1, (await Store.VerifyStreamAsync("c-gap", default)).FirstBrokenVersion);
    }

    [Fact]
    public void GivenMetadataWithCharactersThatNeedEscaping_WhenSerialized_ThenItIsAlreadyInCanonicalForm()
    {
        var at = NodaTime.Instant.FromUtc(2026, 1, 2, 3, 4, 5);
        var metadata = MetadataJson.Serialize(new EventMetadata(
            Guid.NewGuid(), Guid.NewGuid(), "mqtt", "ocpp/é/up", "cp\"1", "m\n1\t", at, at, "[2,\"x\",{}]\u2028<>&'\\"));

        Assert.Equal(metadata, CanonicalJson.Canonicalize(metadata, "metadata"));
    }

    [Fact]
    public void GivenEquivalentJsonSpellings_WhenCanonicalized_ThenTheBytesAgree()
    {
        var escaped = CanonicalJson.Canonicalize("{\"b\":10,\"a\":\"\\u00e9\\/\\n\",\"b\":1.0E1}"u8.ToArray(), "data");
        var plain = CanonicalJson.Canonicalize("{ \"a\" : \"é/\\u000a\", \"b\" : 10 }"u8.ToArray(), "data");

        Assert.Equal(System.Text.Encoding.UTF8.GetString(plain), System.Text.Encoding.UTF8.GetString(escaped));
    }

    [Theory]
    [InlineData("""{"k\"":"a\"b\\c\u0001d\n\u00e9 \/"}""", """{"k\"":"a\"b\\c\u0001d\u000aé /"}""")]
    [InlineData("""{"b":1,"\u0061":2,"a":3,"ab":{"y":[],"x":null}}""", """{"a":3,"ab":{"x":null,"y":[]},"b":1}""")]
    [InlineData("""["\u001f\"", "plain"]""", """["\u001f\"","plain"]""")]
    public void GivenEscapesAndUnsortedKeys_WhenCanonicalized_ThenTheBytesAreExactlyTheCanonicalForm(string json, string expected) =>
        Assert.Equal(expected, System.Text.Encoding.UTF8.GetString(CanonicalJson.Canonicalize(System.Text.Encoding.UTF8.GetBytes(json), "data")));

    [Theory]
    [InlineData("1.50", "15e-1")]
    [InlineData("15e-1", "15e-1")]
    [InlineData("0.15E1", "15e-1")]
    [InlineData("100", "1e2")]
    [InlineData("-0.0", "0")]
    [InlineData("-12.340e+3", "-1234e1")]
    [InlineData("0", "0")]
    public void GivenEquivalentNumberSpellings_WhenNormalized_ThenTheyAgree(string number, string expected) =>
        Assert.Equal(expected, CanonicalJson.NormalizeNumber(number));
}
