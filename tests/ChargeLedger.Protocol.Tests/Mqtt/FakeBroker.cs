using System.Net;
using System.Net.Sockets;

namespace ChargeLedger.Protocol.Tests.Mqtt;

/// <summary>A scripted broker on a loopback port, for behaviour a real broker cannot be made to show (hostile bytes).</summary>
internal sealed class FakeBroker : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private TcpClient? _client;
    private NetworkStream? _stream;

    public FakeBroker() => _listener.Start();

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Accepts the client, reads its CONNECT and answers with the given CONNACK bytes.</summary>
    public async Task AcceptAsync(byte[] connAck, CancellationToken cancellationToken)
    {
        _client = await _listener.AcceptTcpClientAsync(cancellationToken);
        _stream = _client.GetStream();
        var (type, _) = await ReadPacketAsync(cancellationToken);
        Assert.Equal(1, type >> 4);
        await SendAsync(connAck, cancellationToken);
    }

    public async Task SendAsync(byte[] bytes, CancellationToken cancellationToken) =>
        await _stream!.WriteAsync(bytes, cancellationToken);

    /// <summary>Reads one packet: first byte and body; throws at end of stream.</summary>
    public async Task<(byte First, byte[] Body)> ReadPacketAsync(CancellationToken cancellationToken)
    {
        var first = await ReadByteAsync(cancellationToken);
        int length = 0, shift = 0;
        byte b;
        do
        {
            b = await ReadByteAsync(cancellationToken);
            length |= (b & 0x7F) << shift;
            shift += 7;
        }
        while ((b & 0x80) != 0);
        var body = new byte[length];
        await _stream!.ReadExactlyAsync(body, cancellationToken);
        return (first, body);
    }

    private async Task<byte> ReadByteAsync(CancellationToken cancellationToken)
    {
        var one = new byte[1];
        await _stream!.ReadExactlyAsync(one, cancellationToken);
        return one[0];
    }

    public ValueTask DisposeAsync()
    {
        _client?.Dispose();
        _listener.Stop();
        _listener.Dispose();
        return ValueTask.CompletedTask;
    }
}
