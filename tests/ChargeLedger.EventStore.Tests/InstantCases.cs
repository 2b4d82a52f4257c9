namespace ChargeLedger.EventStore.Tests;

/// <summary>Instants (Unix seconds, nanoseconds) at the edges of the ISO text the store writes and reads: fractions of every length, the years 1 and 9999, a leap day, and the years just outside (0).</summary>
public static class InstantCases
{
    public static TheoryData<long, int> All => new()
    {
        { 0L, 0 },
        { 1_763_720_130L, 123_456_789 },
        { 1_763_720_130L, 0 },
        { 1_763_720_130L, 100_000_000 },
        { 1_763_720_130L, 120 },
        { -1L, 0 },
        { -1L, 999_999_999 },
        { -62_135_596_800L, 7 },
        { -62_135_596_801L, 0 },
        { 253_402_300_799L, 999_999_999 },
        { 1_709_164_800L, 0 }, // 2024-02-29
    };
}
