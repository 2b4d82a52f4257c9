using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using ChargeLedger.Gateway.Hosting;
using ChargeLedger.Protocol.Ocpp;
using ChargeLedger.TestSupport;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace ChargeLedger.Fuzz.Tests;

/// <summary>Random and mutated OCPP-J frames and handshakes against an in-process gateway.</summary>
public sealed class GatewayFuzzTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Batches = 4;
    private const int FramesPerBatch = 40;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private string directory = null!;
    private GatewaySettings settings = null!;
    private GatewayServer server = null!;
    private MqttPeer broker = null!;

    private GatewayMetrics Metrics => server.Metrics;

    public async Task InitializeAsync()
    {
        var tag = "gwfz" + Guid.NewGuid().ToString("N")[..10];
        directory = Path.Combine(Path.GetTempPath(), tag);
        Directory.CreateDirectory(directory);
        settings = new GatewaySettings
        {
            Urls = ["http://127.0.0.1:0"],
            DevCertificatePath = Path.Combine(directory, "dev-cert.pfx"),
            MqttHost = TestServices.MqttHost,
            MqttPort = TestServices.MqttPort,
            MqttUsername = MqttCredentials.Username,
            MqttPassword = MqttCredentials.Password,
            MqttClientId = tag,
            Node = "fuzz@localhost",
            NoticePrefix = tag + "/sys/",
            Topics = OcppTopics.Default with { MountPoint = tag + "/" },
            CredentialsPath = Path.Combine(directory, "credentials.json"),
            AuthMode = GatewayAuthMode.Optional,
            MaxFrameBytes = 16 * 1024,
        };
        broker = await MqttPeer.StartAsync("fz-gw-cs", settings.Topics.Filter(OcppTopicKind.Upstream));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        server = await GatewayServer.StartAsync(settings, timeout.Token, logging => logging.SetMinimumLevel(LogLevel.Error));
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        await broker.DisposeAsync();
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task GivenRandomAndMutatedFrames_WhenSent_ThenEachIsPublishedAnsweredWithACallErrorOrClosedWithACountedReason()
    {
        var random = FuzzSeed.For(nameof(GatewayFuzzTests) + ".frames", output);
        var mutator = new FrameMutator(random);
        var (published, callErrors, closes) = (0, 0, 0);
        var closeReasons = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var batch = 0; batch < Batches; batch++)
        {
            var socket = await FuzzSocket.ConnectAsync(server.ChargePointUri($"FZ-{batch}"));
            try
            {
                for (var i = 0; i < FramesPerBatch; i++)
                {
                    var input = random.Next(15) == 0
                        ? new FuzzInput("binary", mutator.RandomBytes(random.Next(1, 64)))
                        : mutator.Next(OcppCorpus.ArrayCall(random, i > 0 && random.Next(8) == 0 ? $"u{batch}-{i - 1}" : $"u{batch}-{i}")); // some reuse the previous UniqueId
                    var (upstream, errors, seen) = (Metrics.FramesUpstream, Metrics.CallErrorsSent, socket.Received.Count);

                    await socket.SendAsync(input.Bytes, input.Kind == "binary" ? WebSocketMessageType.Binary : WebSocketMessageType.Text);

                    await Eventually.TrueAsync(
                        () => Task.FromResult(Metrics.FramesUpstream > upstream || socket.Received.Count > seen || socket.Closed),
                        Deadline,
                        $"an outcome for {input}");
                    if (Metrics.FramesUpstream > upstream)
                    {
                        published++;
                    }
                    else if (socket.Received.Count > seen)
                    {
                        callErrors++;
                        var reply = JsonDocument.Parse(socket.Received[seen]).RootElement;
                        Assert.True(reply[0].GetInt32() == 4 && reply[2].GetString() is { Length: > 0 }, $"a CALLERROR for {input}, got {reply}");
                        Assert.True(Metrics.CallErrorsSent > errors, "the CALLERROR is counted");
                    }
                    else
                    {
                        closes++;
                        // The WebSocket layer refuses invalid UTF-8 (1007) itself, with no reason text, and drops the connection
                        // at once, so its close frame may be lost to the reset; the gateway counts it as invalid_frame.
                        var reason = socket.CloseReason is { Length: > 0 } text ? text
                            : socket.CloseStatus is WebSocketCloseStatus.InvalidPayloadData || socket.CloseStatus is null && !IsUtf8(input.Bytes) ? "invalid_frame"
                            : null;
                        Assert.True(reason is not null, $"a close with a reason for {input}: {socket.CloseStatus} '{socket.CloseReason}'");
                        closeReasons[reason] = closeReasons.GetValueOrDefault(reason) + 1;
                        await socket.DisposeAsync();
                        socket = await FuzzSocket.ConnectAsync(server.ChargePointUri($"FZ-{batch}"));
                    }
                }
            }
            finally
            {
                await socket.DisposeAsync();
            }

            await AssertAValidFrameIsPublishedAsync($"FZ-ok-{batch}");
        }

        output.WriteLine($"{Batches * FramesPerBatch} frames: {published} published, {callErrors} CALLERRORs, {closes} closes ({string.Join(", ", closeReasons.Select(r => $"{r.Key} {r.Value}"))})");
        Assert.Equal(Batches * FramesPerBatch, published + callErrors + closes);
        Assert.True(callErrors > 0 && closes > 0 && published > 0, "the seed exercises every outcome");
        foreach (var (reason, count) in closeReasons)
        {
            await Eventually.TrueAsync(() => Task.FromResult(Metrics.Disconnects(reason) >= count), Deadline, $"{count} disconnects counted as {reason}");
        }
    }

    [Fact]
    public async Task GivenBadPathsSubprotocolsAndUpgrades_WhenAChargePointConnects_ThenEachIsRefusedWithA4xxReasonThatIsCounted()
    {
        var random = FuzzSeed.For(nameof(GatewayFuzzTests) + ".handshakes", output);
        var reasons = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < 60; i++)
        {
            var junk = RandomIdentity(random);
            var (path, subProtocol, upgrade) = random.Next(6) switch
            {
                0 => ("/ocpp/", "ocpp1.6", true),
                1 => ($"/ocpp/{junk}%2F{junk}", "ocpp1.6", true),
                2 => ($"/ocpp/{junk}{"%2B%23%00"[(random.Next(3) * 3)..][..3]}", "ocpp1.6", true),
                3 => ($"/ocpp/{junk}{new string('x', settings.MaxIdentityLength)}", "ocpp1.6", true),
                4 => ($"/ocpp/FZ-H{i}", random.Next(3) == 0 ? null : RandomProtocol(random), true),
                _ => ($"/ocpp/FZ-H{i}", "ocpp1.6", false),
            };

            var (status, body) = await HandshakeAsync(path, subProtocol, upgrade);

            Assert.True(status is >= 400 and < 500, $"{path} ({subProtocol}, upgrade {upgrade}): {status} {body}");
            if (path.Contains("%00", StringComparison.Ordinal))
            {
                continue; // Kestrel itself refuses a NUL in the path (400, before the gateway sees the request)
            }
            Assert.False(string.IsNullOrWhiteSpace(body), $"{path}: a refusal names its reason");
            reasons[body] = reasons.GetValueOrDefault(body) + 1;
        }

        output.WriteLine("refusals: " + string.Join(", ", reasons.Select(r => $"{r.Key} {r.Value}")));
        foreach (var (reason, count) in reasons)
        {
            Assert.Equal(count, Metrics.Refusals(reason));
        }
        await AssertAValidFrameIsPublishedAsync("FZ-H-ok");
    }

    private static bool IsUtf8(byte[] bytes)
    {
        try
        {
            _ = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private static string RandomIdentity(Random random)
    {
        const string alphabet = "abcXYZ019-_.~ é中!$&'()*,;=:@";
        return Uri.EscapeDataString(new string([.. Enumerable.Range(0, random.Next(1, 12)).Select(_ => alphabet[random.Next(alphabet.Length)])]));
    }

    private static string RandomProtocol(Random random)
    {
        string[] near = ["ocpp1.5", "ocpp2.0.1", "OCPP1.6", "ocpp1.6j", "ocpp", "mqtt", "ocpp1.6.0", "x"];
        return random.Next(2) == 0 ? near[random.Next(near.Length)] : "p" + random.Next(1_000_000);
    }

    private async Task<(int Status, string Body)> HandshakeAsync(string path, string? subProtocol, bool upgrade)
    {
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.Addresses[0], path));
        if (upgrade)
        {
            request.Headers.Connection.Add("Upgrade");
            request.Headers.Upgrade.Add(new ProductHeaderValue("websocket"));
            request.Headers.Add("Sec-WebSocket-Version", "13");
            request.Headers.Add("Sec-WebSocket-Key", Convert.ToBase64String(Guid.NewGuid().ToByteArray()));
        }
        if (subProtocol is not null)
        {
            request.Headers.TryAddWithoutValidation("Sec-WebSocket-Protocol", subProtocol);
        }
        using var response = await client.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task AssertAValidFrameIsPublishedAsync(string chargePointId)
    {
        await using var socket = await FuzzSocket.ConnectAsync(server.ChargePointUri(chargePointId));
        await socket.SendAsync(Encoding.UTF8.GetBytes($$"""[2,"ok-{{chargePointId}}","Heartbeat",{}]"""), WebSocketMessageType.Text);
        var topic = settings.Topics.Upstream(chargePointId);
        await Eventually.TrueAsync(
            () => Task.FromResult(broker.Received.Any(r => r.Topic == topic && Encoding.UTF8.GetString(r.Payload).Contains($"ok-{chargePointId}", StringComparison.Ordinal))),
            Deadline,
            $"a valid frame from {chargePointId} published after the bad ones");
    }
}
