using System.Diagnostics;

namespace ChargeLedger.Simulator;

/// <summary>Spaces frames across the fleet to at most <c>rate</c> per second (0 = unlimited).</summary>
internal sealed class FrameRateLimiter(double rate)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _slots;

    public Task WaitAsync(CancellationToken cancellationToken)
    {
        if (rate <= 0)
        {
            return Task.CompletedTask;
        }
        var due = TimeSpan.FromSeconds(Interlocked.Increment(ref _slots) / rate);
        var wait = due - _clock.Elapsed;
        return wait > TimeSpan.Zero ? Task.Delay(wait, cancellationToken) : Task.CompletedTask;
    }
}
