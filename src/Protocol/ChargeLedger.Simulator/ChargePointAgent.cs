using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChargeLedger.Protocol.Ocpp;
using ChargeLedger.Simulator.Links;
using ChargeLedger.Simulator.Truth;
using NodaTime;

namespace ChargeLedger.Simulator;

/// <summary>
/// One simulated charge point: boot, status notifications, heartbeats, then sessions (authorize, start, periodic
/// MeterValues with a rising energy register and power, stop). Its device clock runs in the past, five simulated
/// minutes per meter value, so replayed messages keep their original timestamps and nothing is in the future.
/// </summary>
internal sealed class ChargePointAgent
{
    private readonly string _id;
    private readonly SimulatorOptions _options;
    private readonly IChargePointLink _link;
    private readonly GroundTruth _truth;
    private readonly FrameRateLimiter _limiter;
    private readonly Random _random;
    private readonly bool _goesOffline;
    private readonly int _offlineSession;
    private Instant _deviceTime;
    private long _registerWh;
    private int _nextUniqueId;
    private bool _connected;

    public ChargePointAgent(int index, SimulatorOptions options, IChargePointLink link, GroundTruth truth, FrameRateLimiter limiter, Instant start)
    {
        _id = $"{options.IdPrefix}{index:D5}";
        _options = options;
        _link = link;
        _truth = truth;
        _limiter = limiter;
        _random = new Random(options.Seed * 1_000_003 + index);
        _goesOffline = _random.NextDouble() < options.OfflineShare;
        _offlineSession = _random.Next(Math.Min(options.Sessions ?? 3, 3));
        _deviceTime = start;
        _registerWh = _random.Next(0, 5_000_000);
    }

    public string Id => _id;

    public async Task RunAsync(DateTimeOffset? stopStartingAt, CancellationToken cancellationToken)
    {
        await ConnectAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await CallAsync("BootNotification", new JsonObject
            {
                ["chargePointVendor"] = "ChargeLedger",
                ["chargePointModel"] = "Simulator",
                ["chargePointSerialNumber"] = _id,
                ["firmwareVersion"] = "1.0." + _options.Seed.ToString(CultureInfo.InvariantCulture),
            }, null, cancellationToken).ConfigureAwait(false);
            await StatusAsync(0, "Available", "NoError", null, cancellationToken).ConfigureAwait(false);
            await StatusAsync(1, "Available", "NoError", null, cancellationToken).ConfigureAwait(false);
            for (var session = 0; session < (_options.Sessions ?? int.MaxValue); session++)
            {
                if (stopStartingAt is { } deadline && DateTimeOffset.UtcNow >= deadline)
                {
                    break;
                }
                await RunSessionAsync(session, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _truth.CountMessages(_id, _nextUniqueId);
            await DisconnectAsync().ConfigureAwait(false);
        }
    }

    private async Task RunSessionAsync(int number, CancellationToken cancellationToken)
    {
        Advance(Duration.FromMinutes(_random.Next(10, 90)));
        await CallAsync("Heartbeat", new JsonObject(), null, cancellationToken).ConfigureAwait(false);
        var idTag = $"TAG{_random.Next(0, 200):D4}";
        await CallAsync("Authorize", new JsonObject { ["idTag"] = idTag }, null, cancellationToken).ConfigureAwait(false);
        await StatusAsync(1, "Preparing", "NoError", null, cancellationToken).ConfigureAwait(false);
        Advance(Duration.FromSeconds(30));
        var truth = new SessionTruth { ChargePointId = _id, ConnectorId = 1, IdTag = idTag, MeterStartWh = _registerWh, StartedAt = OcppDateTime.Format(_deviceTime) };
        lock (_truth)
        {
            _truth.Sessions.Add(truth);
        }
        var started = await CallAsync("StartTransaction", new JsonObject
        {
            ["connectorId"] = 1,
            ["idTag"] = idTag,
            ["meterStart"] = _registerWh,
            ["timestamp"] = OcppDateTime.Format(_deviceTime),
        }, truth, cancellationToken).ConfigureAwait(false);
        if (started is not OcppCallResult { Payload: var startPayload } || !startPayload.TryGetProperty("transactionId", out var idElement))
        {
            _truth.AddError($"{_id}: StartTransaction got {started?.MessageType.ToString() ?? "no answer"}");
            return;
        }
        var transactionId = idElement.GetInt32();
        truth.TransactionId = transactionId;
        await StatusAsync(1, "Charging", "NoError", null, cancellationToken).ConfigureAwait(false);

        var duplicate = _random.NextDouble() < _options.DuplicateShare;
        var offline = _goesOffline && number == _offlineSession;
        var queued = new List<OcppCall>();
        var powerW = _random.Next(3_700, 22_000);
        var samples = _random.Next(3, 9);
        for (var sample = 0; sample < samples; sample++)
        {
            var step = Duration.FromMinutes(5);
            Advance(step);
            var power = Math.Max(1_000, powerW + _random.Next(-500, 500));
            _registerWh += power * 5 / 60;
            var meterValues = Call("MeterValues", new JsonObject
            {
                ["connectorId"] = 1,
                ["transactionId"] = transactionId,
                ["meterValue"] = new JsonArray(new JsonObject
                {
                    ["timestamp"] = OcppDateTime.Format(_deviceTime),
                    ["sampledValue"] = new JsonArray(
                        new JsonObject { ["value"] = _registerWh.ToString(CultureInfo.InvariantCulture), ["context"] = "Sample.Periodic", ["measurand"] = "Energy.Active.Import.Register", ["unit"] = "Wh" },
                        new JsonObject { ["value"] = power.ToString(CultureInfo.InvariantCulture), ["context"] = "Sample.Periodic", ["measurand"] = "Power.Active.Import", ["unit"] = "W" }),
                }),
            });
            truth.MeterValuesSent++;
            if (offline && sample > 0)
            {
                queued.Add(meterValues);
                continue;
            }
            await SendAsync(meterValues, truth, cancellationToken).ConfigureAwait(false);
            if (offline)
            {
                // Connection lost: the rest of the session is queued on the device and replayed after reconnecting.
                await DisconnectAsync().ConfigureAwait(false);
            }
        }
        Advance(Duration.FromMinutes(1));
        truth.MeterStopWh = _registerWh;
        truth.StoppedAt = OcppDateTime.Format(_deviceTime);
        var stop = Call("StopTransaction", new JsonObject
        {
            ["transactionId"] = transactionId,
            ["idTag"] = idTag,
            ["meterStop"] = _registerWh,
            ["timestamp"] = OcppDateTime.Format(_deviceTime),
            ["reason"] = _random.Next(4) == 0 ? "EVDisconnected" : "Local",
        });
        if (offline)
        {
            queued.Add(stop);
            await ConnectAsync(cancellationToken).ConfigureAwait(false);
            truth.ReplayedAfterOffline = true;
            foreach (var message in queued)
            {
                await SendAsync(message, truth, cancellationToken).ConfigureAwait(false);
            }
        }
        else
        {
            await SendAsync(stop, truth, cancellationToken).ConfigureAwait(false);
        }
        if (duplicate)
        {
            // Re-sent exactly (same UniqueId), as a charge point does when it missed the answer.
            await SendAsync(stop, truth, cancellationToken).ConfigureAwait(false);
            truth.Duplicates++;
        }
        truth.Completed = true;
        await StatusAsync(1, "Finishing", "NoError", null, cancellationToken).ConfigureAwait(false);
        Advance(Duration.FromMinutes(2));
        await StatusAsync(1, "Available", "NoError", null, cancellationToken).ConfigureAwait(false);
        if (_random.NextDouble() < _options.FaultShare)
        {
            Interlocked.Increment(ref _truth.FaultCounter);
            await StatusAsync(1, "Faulted", "GroundFailure", "simulated ground fault", cancellationToken).ConfigureAwait(false);
            Advance(Duration.FromMinutes(15));
            await StatusAsync(1, "Available", "NoError", null, cancellationToken).ConfigureAwait(false);
        }
    }

    private Task<OcppFrame?> StatusAsync(int connectorId, string status, string errorCode, string? info, CancellationToken cancellationToken)
    {
        var payload = new JsonObject { ["connectorId"] = connectorId, ["errorCode"] = errorCode, ["status"] = status, ["timestamp"] = OcppDateTime.Format(_deviceTime) };
        if (info is not null)
        {
            payload["info"] = info;
        }
        return CallAsync("StatusNotification", payload, null, cancellationToken);
    }

    private Task<OcppFrame?> CallAsync(string action, JsonObject payload, SessionTruth? session, CancellationToken cancellationToken) =>
        SendAsync(Call(action, payload), session, cancellationToken);

    private OcppCall Call(string action, JsonObject payload) =>
        new($"{_id}-{++_nextUniqueId}", action, JsonSerializer.SerializeToElement(payload));

    /// <summary>
    /// Sends one CALL. Boot and transaction-related messages (OCPP 1.6 §4.7) are resent with the same UniqueId, after
    /// reconnecting, until answered; other CALLs left unanswered by a lost connection are dropped, as real charge points
    /// do, and recorded as unconfirmed. Either way the next CALL goes out on a live connection.
    /// </summary>
    private async Task<OcppFrame?> SendAsync(OcppCall call, SessionTruth? session, CancellationToken cancellationToken)
    {
        await _limiter.WaitAsync(cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _truth.MessageCounter);
        if (session is not null)
        {
            session.MessagesSent++;
        }
        var mustArrive = call.Action is "BootNotification" or "StartTransaction" or "MeterValues" or "StopTransaction";
        var giveUpAt = DateTimeOffset.UtcNow + _options.RetryFor;
        while (true)
        {
            await ConnectAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var answer = await _link.CallAsync(call, cancellationToken).ConfigureAwait(false);
                if (answer is OcppCallError error)
                {
                    _truth.AddError($"{_id}: {call.Action} {call.UniqueId} answered {error.ErrorCodeText}: {error.ErrorDescription}");
                }
                return answer;
            }
            catch (Exception ex) when (IsLinkFailure(ex))
            {
                // Whatever was lost (socket, gateway, broker session), a fresh connection is the charge point's way back.
                await DisconnectAsync().ConfigureAwait(false);
                if (!mustArrive)
                {
                    _truth.AddUnconfirmed(new UnconfirmedMessage(_id, call.UniqueId, call.Action));
                    return null;
                }
                if (DateTimeOffset.UtcNow >= giveUpAt)
                {
                    _truth.AddError($"{_id}: {call.Action} {call.UniqueId} failed for {_options.RetryFor}: {ex.Message}");
                    return null;
                }
                Interlocked.Increment(ref _truth.ResendCounter);
            }
        }
    }

    /// <summary>Connects unless connected, retrying with jittered exponential backoff (0.25 s doubling up to 8 s) for <see cref="SimulatorOptions.RetryFor"/>.</summary>
    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        var giveUpAt = DateTimeOffset.UtcNow + _options.RetryFor;
        for (var attempt = 0; !_connected; attempt++)
        {
            try
            {
                await _link.ConnectAsync(cancellationToken).ConfigureAwait(false);
                _connected = true;
            }
            catch (Exception ex) when (IsLinkFailure(ex) && DateTimeOffset.UtcNow < giveUpAt)
            {
                await DisconnectAsync().ConfigureAwait(false);
                var ceiling = Math.Min(8_000, 250 * Math.Pow(2, Math.Min(attempt, 10)));
                // Jitter from a shared generator: the seeded one decides what the fleet sends, not when it reconnects.
                await Task.Delay(TimeSpan.FromMilliseconds(ceiling / 2 + Random.Shared.NextDouble() * ceiling / 2), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task DisconnectAsync()
    {
        _connected = false;
        try
        {
            await _link.DisconnectAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsLinkFailure(ex))
        {
            // Already gone.
        }
    }

    private static bool IsLinkFailure(Exception ex) =>
        ex is TimeoutException or System.Net.WebSockets.WebSocketException or InvalidOperationException or IOException
            or ObjectDisposedException or HttpRequestException;

    private void Advance(Duration step) => _deviceTime += step;
}
