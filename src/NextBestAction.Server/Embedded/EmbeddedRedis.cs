using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Garnet;

namespace NextBestAction.Server.Embedded;

/// <summary>
/// Microsoft Garnet hosted in-process on a free loopback port: speaks RESP, so the application and
/// redis-cli use it like Redis. Memory only; nothing is written to disk.
/// </summary>
public sealed class EmbeddedRedis : IDisposable
{
    private readonly GarnetServer server;

    private EmbeddedRedis(GarnetServer server, int port)
    {
        this.server = server;
        Port = port;
    }

    public int Port { get; }

    public string Endpoint => $"127.0.0.1:{Port}";

    public static EmbeddedRedis Start()
    {
        var port = FreeLoopbackPort();
        string[] args =
        [
            "--bind", "127.0.0.1",
            "--port", port.ToString(CultureInfo.InvariantCulture),
            "--lua", "true",
            "--memory", "1g",
            "--index", "64m",
        ];
        var server = new GarnetServer(args);
        try
        {
            server.Start();
            return new EmbeddedRedis(server, port);
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose() => server.Dispose();
}
