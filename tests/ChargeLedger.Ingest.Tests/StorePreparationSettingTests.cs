using ChargeLedger.Ingest.Hosting;
using Xunit;

namespace ChargeLedger.Ingest.Tests;

/// <summary>The ingest keeps the store's preparation on its own thread unless told otherwise (the pipeline already fills the cores).</summary>
public sealed class StorePreparationSettingTests
{
    [Fact]
    public void GivenNoSetting_WhenRead_ThenTheStorePreparesSequentially() =>
        Assert.False(IngestSettings.From(_ => null).ParallelStorePreparation);

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    public void GivenTheSetting_WhenRead_ThenItIsTaken(string value, bool expected) =>
        Assert.Equal(expected, IngestSettings.From(name => name == "CHARGELEDGER_INGEST_PARALLEL_STORE_PREPARATION" ? value : null).ParallelStorePreparation);
}
