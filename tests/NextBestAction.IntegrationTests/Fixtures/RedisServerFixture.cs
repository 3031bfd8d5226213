using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using NextBestAction.Testing;
using StackExchange.Redis;

[assembly: AssemblyFixture(typeof(NextBestAction.IntegrationTests.Fixtures.RedisServerFixture))]

namespace NextBestAction.IntegrationTests.Fixtures;

/// <summary>
/// A real <c>redis-server</c> process on a free loopback port, shared by the whole test run, without
/// persistence. tests/run.sh installs the Debian package when it is missing.
/// </summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    private Process? process;

    public string Configuration { get; private set; } = "";

    public IConnectionMultiplexer Connection { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var port = RedisServerLauncher.FreePort();
        process = StartProcess(port);
        Configuration = $"127.0.0.1:{port}";
        Connection = await RedisServerLauncher.ConnectWhenReadyAsync(Configuration);
        var version = (await Connection.GetServer(Configuration).InfoAsync("server"))
            .SelectMany(g => g).First(kv => kv.Key == "redis_version").Value;
        Console.WriteLine($"Integration tests use redis-server {version} at {Configuration}");
    }

    /// <summary>Starts a redis-server process without persistence on <paramref name="port"/>.</summary>
    internal static Process StartProcess(int port) => RedisServerLauncher.Start(RedisServerLauncher.WithoutPersistence(port));

    public async ValueTask DisposeAsync()
    {
        if (Connection is not null)
        {
            await Connection.DisposeAsync();
        }

        await RedisServerLauncher.StopAsync(process);
    }
}
