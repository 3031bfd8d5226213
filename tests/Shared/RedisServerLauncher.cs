using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

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
}
