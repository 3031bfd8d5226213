using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

using NextBestAction.Testing;

namespace NextBestAction.Benchmarks.Infrastructure;

/// <summary>
/// A <c>redis-server</c> process of its own (Debian package) on a free loopback port, without persistence, with a
/// connection for the benchmark's own commands. Disposing it kills the process; so does the process exiting, in
/// case a benchmark is torn down before its cleanup ran.
/// </summary>
internal sealed class RedisServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(15);

    private readonly Process process;

    private RedisServerProcess(Process process, string configuration)
    {
        this.process = process;
        Configuration = configuration;
        AppDomain.CurrentDomain.ProcessExit += KillOnProcessExit;
    }

    /// <summary>StackExchange.Redis configuration string of the server, for example <c>127.0.0.1:41234</c>.</summary>
    public string Configuration { get; }

    public IConnectionMultiplexer Connection { get; private set; } = null!;

    public string Version { get; private set; } = "";

    public static async Task<RedisServerProcess> StartAsync(CancellationToken cancellationToken)
    {
        var port = FreeLoopbackPort();
        Process process;
        try
        {
            process = RedisServerLauncher.Start(RedisServerLauncher.WithoutPersistence(port));
        }
        catch (InvalidOperationException ex)
        {
            throw new BenchmarkSetupException(ex.Message, ex);
        }

        var server = new RedisServerProcess(process, $"127.0.0.1:{port}");
        try
        {
            await server.ConnectWhenReadyAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= KillOnProcessExit;
        if (Connection is not null)
        {
            await Connection.DisposeAsync();
        }

        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }

    private async Task ConnectWhenReadyAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + ReadyTimeout;
        while (true)
        {
            if (process.HasExited)
            {
                throw new BenchmarkSetupException($"redis-server exited at start-up with code {process.ExitCode}.");
            }

            try
            {
                Connection = await ConnectionMultiplexer.ConnectAsync($"{Configuration},connectTimeout=500,allowAdmin=true");
                var info = await Connection.GetServer(Configuration).InfoAsync("server");
                Version = info.SelectMany(g => g).FirstOrDefault(kv => kv.Key == "redis_version").Value ?? "unknown";
                return;
            }
            catch (RedisConnectionException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, cancellationToken);
            }
        }
    }

    /// <summary>Bytes the server holds for data and overhead (<c>INFO memory</c> used_memory).</summary>
    public async Task<long> UsedMemoryBytesAsync()
    {
        var info = await Connection.GetServer(Configuration).InfoAsync("memory");
        var value = info.SelectMany(g => g).FirstOrDefault(kv => kv.Key == "used_memory").Value;
        return long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var bytes) ? bytes : 0;
    }

    private void KillOnProcessExit(object? sender, EventArgs e)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
