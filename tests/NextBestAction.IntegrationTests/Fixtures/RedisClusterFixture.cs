using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

using NextBestAction.Testing;

namespace NextBestAction.IntegrationTests.Fixtures;

/// <summary>
/// A real three-master Redis Cluster: three <c>redis-server</c> processes in cluster mode on free loopback ports,
/// joined with <c>redis-cli --cluster create</c>, without persistence. Killed, and its files deleted, on dispose.
/// </summary>
public sealed class RedisClusterFixture : IAsyncLifetime
{
    private const int Masters = 3;

    /// <summary>Redis Cluster's bus port is the client port plus this; both must be free.</summary>
    private const int BusPortOffset = 10_000;

    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(30);

    private readonly List<Process> processes = [];
    private DirectoryInfo? directory;

    public IReadOnlyList<int> Ports { get; private set; } = [];

    /// <summary>StackExchange.Redis configuration naming every master.</summary>
    public string Configuration => string.Join(',', Ports.Select(p => $"127.0.0.1:{p}"));

    /// <summary>A cluster-aware connection with admin commands allowed.</summary>
    public IConnectionMultiplexer Connection { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        directory = Directory.CreateTempSubdirectory("nba-redis-cluster-");
        Ports = FreePortPairs(Masters);
        foreach (var port in Ports)
        {
            processes.Add(StartNode(port, directory.FullName));
        }

        foreach (var port in Ports)
        {
            (await RedisServerLauncher.ConnectWhenReadyAsync($"127.0.0.1:{port}")).Dispose();
        }

        await CreateClusterAsync();
        Connection = await ConnectionMultiplexer.ConnectAsync($"{Configuration},connectTimeout=2000,allowAdmin=true");
        var deadline = DateTime.UtcNow + MaxWait;
        while (!await AllNodesReportOkAsync())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"Redis Cluster on ports {string.Join(", ", Ports)} did not reach cluster_state:ok within {MaxWait.TotalSeconds} s.");
            }

            await Task.Delay(100);
        }

        // The connection may have mapped slots before every node agreed; refresh so it routes by the final map.
        await Connection.ConfigureAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (Connection is not null)
        {
            await Connection.DisposeAsync();
        }

        foreach (var process in processes)
        {
            if (!process.HasExited)
            {
                process.Kill();
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }

        directory?.Delete(recursive: true);
    }

    /// <summary>Masters (by endpoint) and the number of keys matching <paramref name="pattern"/> each holds.</summary>
    public async Task<Dictionary<string, int>> CountKeysPerMasterAsync(string pattern)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var endpoint in Connection.GetEndPoints())
        {
            var server = Connection.GetServer(endpoint);
            if (server.IsReplica)
            {
                continue;
            }

            var keys = 0;
            await foreach (var _ in server.KeysAsync(pattern: pattern, pageSize: 1_000))
            {
                keys++;
            }

            counts[endpoint.ToString()!] = keys;
        }

        return counts;
    }

    private static Process StartNode(int port, string directory)
    {
        var portText = port.ToString(CultureInfo.InvariantCulture);
        return RedisServerLauncher.Start(
        [
            "--port", portText, "--bind", "127.0.0.1", "--dir", directory,
            "--cluster-enabled", "yes", "--cluster-config-file", Path.Combine(directory, $"nodes-{portText}.conf"),
            "--save", "", "--appendonly", "no",
        ]);
    }

    private async Task CreateClusterAsync()
    {
        var start = new ProcessStartInfo("redis-cli")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--cluster");
        start.ArgumentList.Add("create");
        foreach (var port in Ports)
        {
            start.ArgumentList.Add($"127.0.0.1:{port}");
        }

        start.ArgumentList.Add("--cluster-replicas");
        start.ArgumentList.Add("0");
        start.ArgumentList.Add("--cluster-yes");

        using var cli = Process.Start(start) ?? throw new InvalidOperationException("redis-cli did not start");
        var stdout = cli.StandardOutput.ReadToEndAsync();
        var stderr = cli.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(MaxWait);
        try
        {
            await cli.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            cli.Kill();
            throw new InvalidOperationException($"redis-cli --cluster create did not finish within {MaxWait.TotalSeconds} s:\n{await stdout}");
        }

        if (cli.ExitCode != 0)
        {
            throw new InvalidOperationException($"redis-cli --cluster create failed ({cli.ExitCode}):\n{await stdout}\n{await stderr}");
        }
    }

    private async Task<bool> AllNodesReportOkAsync()
    {
        foreach (var port in Ports)
        {
            try
            {
                var info = (string?)await Connection.GetServer($"127.0.0.1:{port}").ExecuteAsync("CLUSTER", "INFO");
                if (info is null || !info.Contains("cluster_state:ok", StringComparison.Ordinal))
                {
                    return false;
                }
            }
            catch (RedisException)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// <paramref name="count"/> client ports whose bus ports (+10000) are free too. Drawn below the ephemeral range
    /// (32768 and up on Linux) so a port found free is not handed to some outgoing connection a moment later.
    /// </summary>
    private static List<int> FreePortPairs(int count)
    {
        var ports = new List<int>(count);
        for (var attempt = 0; ports.Count < count; attempt++)
        {
            if (attempt > 1_000)
            {
                throw new InvalidOperationException("found no free port pairs for a Redis Cluster");
            }

            var port = Random.Shared.Next(12_000, 22_000);
            if (ports.Any(p => Math.Abs(p - port) < 2 || Math.Abs(p + BusPortOffset - port) < 2 || Math.Abs(p - (port + BusPortOffset)) < 2))
            {
                continue;
            }

            if (IsFree(port) && IsFree(port + BusPortOffset))
            {
                ports.Add(port);
            }
        }

        return ports;
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
