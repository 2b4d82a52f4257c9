using Npgsql;

namespace ChargeLedger.EventStore;

/// <summary>
/// Wakes readers when an append commits: one dedicated connection LISTENs and pulses on every notification.
/// A lost connection is re-opened; waiters are woken on every (re)connect, since notifications sent while
/// nobody listened are gone. Waking is a hint only: readers always re-read the log.
/// </summary>
internal sealed class AppendSignal(NpgsqlDataSource dataSource, string channel) : IAsyncDisposable
{
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource stop = new();
    private readonly Lock gate = new();
    private TaskCompletionSource next = NewSignal();
    private long received;
    private Task? loop;

    /// <summary>Signals so far; counted before the waiters are woken, so a wait begun after reading a count ends on every signal counted later.</summary>
    public long Received => Interlocked.Read(ref received);

    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var signal = Volatile.Read(ref next).Task;
        EnsureStarted();
        try
        {
            await signal.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A timeout is an answer too: the caller re-reads and waits again.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync().ConfigureAwait(false);
        if (loop is not null)
        {
            await loop.ConfigureAwait(false);
        }
        stop.Dispose();
        Pulse();
    }

    private void EnsureStarted()
    {
        lock (gate)
        {
            loop ??= Task.Run(() => ListenAsync(stop.Token));
        }
    }

    private void Pulse()
    {
        Interlocked.Increment(ref received);
        Interlocked.Exchange(ref next, NewSignal()).TrySetResult();
    }

    private async Task ListenAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                connection.Notification += (_, _) => Pulse();
                await using (var listen = new NpgsqlCommand($"LISTEN {channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
                Pulse();
                while (true)
                {
                    if (!await connection.WaitAsync(ProbeInterval, cancellationToken).ConfigureAwait(false))
                    {
                        // Nothing for a while: make sure the connection is still alive rather than silently dead.
                        await using var probe = new NpgsqlCommand("SELECT 1", connection);
                        await probe.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
            {
                Pulse();
                try
                {
                    await Task.Delay(ReconnectDelay, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
