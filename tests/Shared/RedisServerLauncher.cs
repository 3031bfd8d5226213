using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace NextBestAction.Testing;

/// <summary>
/// Starts a real <c>redis-server</c> process (Debian package) for tests and benchmarks, on loopback, with its
/// output drained so a chatty server never blocks on a full pipe. Shared as a linked source file.
/// </summary>
internal static class RedisServerLauncher
{
    /// <summary>Arguments for a server on <paramref name="port"/> that never writes to disk.</summary>
    public static string[] WithoutPersistence(int port) =>
        ["--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];

    public static Process Start(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("redis-server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException(
                "redis-server is not installed (not found on PATH): run the README's test command (tests/run.sh), "
                + "which installs the Debian package, or apt-get install -y redis-server.", ex);
        }

        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>A loopback port free at the moment of asking.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A connection to a server that may still be starting: retried for up to 15 seconds.</summary>
    public static async Task<IConnectionMultiplexer> ConnectWhenReadyAsync(string configuration)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            try
            {
                var connection = await ConnectionMultiplexer.ConnectAsync($"{configuration},connectTimeout=500,allowAdmin=true");
                await connection.GetDatabase().PingAsync();
                return connection;
            }
            catch (RedisConnectionException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>Stops a server started here, if it still runs, and releases the process.</summary>
    public static async Task StopAsync(Process? process)
    {
        if (process is { HasExited: false })
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        process?.Dispose();
    }
}
