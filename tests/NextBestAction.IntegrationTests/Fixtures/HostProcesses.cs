using System.Diagnostics;

namespace NextBestAction.IntegrationTests.Fixtures;

/// <summary>Hosts built next to the tests (their .dll files are copied here), started as separate OS processes.</summary>
internal static class HostProcesses
{
    /// <summary>
    /// Starts <paramref name="hostDll"/> listening on <paramref name="port"/> of the loopback address, with
    /// <paramref name="environment"/> added to its environment; every output line, stdout and stderr, goes to
    /// <paramref name="onOutput"/>.
    /// </summary>
    public static Process Start(string hostDll, int port, IReadOnlyDictionary<string, string> environment, Action<string> onOutput)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, hostDll));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{hostDll} did not start");
        process.OutputDataReceived += (_, e) => Forward(e.Data);
        process.ErrorDataReceived += (_, e) => Forward(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;

        void Forward(string? line)
        {
            if (line is not null)
            {
                onOutput(line);
            }
        }
    }
}
