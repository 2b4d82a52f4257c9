using ChargeLedger.Simulator.Links;
using ChargeLedger.Simulator.Truth;
using NodaTime;

namespace ChargeLedger.Simulator;

/// <summary>Runs a simulated fleet and returns (and optionally writes) the ground truth of what it sent.</summary>
public static class Fleet
{
    public static async Task<GroundTruth> RunAsync(SimulatorOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var truth = new GroundTruth { Seed = options.Seed, Transport = options.Transport.ToString().ToLowerInvariant(), ChargePoints = options.ChargePoints };
        var limiter = new FrameRateLimiter(options.Rate);
        // Device clocks start far enough in the past that every timestamp stays before now.
        var span = options.Sessions is { } sessions ? Duration.FromHours(3 * sessions + 1) : Duration.FromDays(30);
        var start = SystemClock.Instance.GetCurrentInstant() - span;
        var stopStartingAt = options.Duration is { } duration ? DateTimeOffset.UtcNow + duration : (DateTimeOffset?)null;
        await using var mqtt = options.Transport == SimulatorTransport.Mqtt ? new MqttFleetConnection(options) : null;
        if (mqtt is not null)
        {
            await mqtt.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        var runs = Enumerable.Range(1, options.ChargePoints).Select(async index =>
        {
            var id = $"{options.IdPrefix}{index:D5}";
            await using IChargePointLink link = mqtt is not null ? mqtt.Link(id) : new WebSocketLink(id, options);
            var agent = new ChargePointAgent(index, options, link, truth, limiter, start);
            try
            {
                await agent.RunAsync(stopStartingAt, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                truth.AddError($"{id}: stopped: {ex.GetType().Name}: {ex.Message}");
            }
        }).ToArray();
        await Task.WhenAll(runs).ConfigureAwait(false);
        truth.Sessions.Sort((a, b) => (string.CompareOrdinal(a.ChargePointId, b.ChargePointId), string.CompareOrdinal(a.StartedAt, b.StartedAt)) switch
        {
            (0, var byTime) => byTime,
            (var byId, _) => byId,
        });
        if (options.TruthFile is { } path)
        {
            await truth.WriteAsync(path, cancellationToken).ConfigureAwait(false);
        }
        return truth;
    }
}
