using NodaTime;

namespace ChargeLedger.ReadModels.Tests;

/// <summary>Readable offsets for scripted scenarios.</summary>
internal static class InstantArithmetic
{
    public static Instant PlusSeconds(this Instant instant, long seconds) => instant + Duration.FromSeconds(seconds);

    public static Instant PlusMinutes(this Instant instant, long minutes) => instant + Duration.FromMinutes(minutes);

    public static Instant PlusHours(this Instant instant, long hours) => instant + Duration.FromHours(hours);
}
