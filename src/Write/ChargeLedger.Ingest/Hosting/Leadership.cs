using Npgsql;

namespace ChargeLedger.Ingest.Hosting;

/// <summary>
/// Runs work on one instance at a time: whoever holds a PostgreSQL session advisory lock. Losing the connection
/// (and with it the lock) cancels the work; another instance then takes over.
/// </summary>
public static class Leadership
{
    private static readonly TimeSpan Probe = TimeSpan.FromSeconds(5);

    public static async Task RunWhileLeaderAsync(NpgsqlDataSource dataSource, string name, Func<CancellationToken, Task> work, Action<string> log, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await using var acquire = new NpgsqlCommand("SELECT pg_try_advisory_lock(hashtext($1))", connection) { Parameters = { new() { Value = name } } };
                if (await acquire.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true)
                {
                    log($"{name}: this instance leads");
                    using var lost = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    var running = work(lost.Token);
                    await using var probe = new NpgsqlCommand("SELECT 1", connection);
                    while (!running.IsCompleted)
                    {
                        await Task.WhenAny(running, Task.Delay(Probe, cancellationToken)).ConfigureAwait(false);
                        if (!running.IsCompleted)
                        {
                            try
                            {
                                await probe.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                            }
                            catch (NpgsqlException)
                            {
                                await lost.CancelAsync().ConfigureAwait(false);
                            }
                        }
                    }

                    await running.ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException && !cancellationToken.IsCancellationRequested)
            {
                log($"{name}: {e.Message}");
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                log($"{name}: leadership lost");
            }

            await Task.Delay(Probe, cancellationToken).ConfigureAwait(false);
        }
    }
}
