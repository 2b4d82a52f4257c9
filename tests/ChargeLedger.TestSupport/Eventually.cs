namespace ChargeLedger.TestSupport;

/// <summary>Polls a condition with a deadline, so tests await outcomes instead of sleeping.</summary>
public static class Eventually
{
    public static async Task<T> ReturnsAsync<T>(
        Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        var delay = TimeSpan.FromMilliseconds(10);
        while (true)
        {
            var value = await probe().ConfigureAwait(false);
            if (done(value))
            {
                return value;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout} waiting for {what}; last value: {value}");
            }
            await Task.Delay(delay).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 200));
        }
    }

    public static Task TrueAsync(Func<Task<bool>> probe, TimeSpan timeout, string what) =>
        ReturnsAsync(probe, ok => ok, timeout, what);
}
