using NextBestAction.Testing;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using NextBestAction.IntegrationTests.Fixtures;

namespace NextBestAction.IntegrationTests.Reliability;

/// <summary>What one worker process reports on <c>/metrics</c> about the events it handled.</summary>
internal readonly record struct IngestionCounts(long Handled, long Duplicates);

/// <summary>
/// The real ingestion worker host (NextBestAction.IngestionWorker.dll, built next to the tests) as a separate OS
/// process, configured through environment variables the way a deployment configures it.
/// </summary>
internal sealed class IngestionWorkerProcess : IAsyncDisposable
{
    private const int OutputLines = 200;
    private const string EventsMetric = "nba_ingestion_events_total{";

    private readonly Process process;
    private readonly HttpClient http;
    private readonly ConcurrentQueue<string> output;

    private IngestionWorkerProcess(Process process, int port, ConcurrentQueue<string> output)
    {
        this.process = process;
        this.output = output;
        http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(2) };
    }

    /// <summary>The last lines the worker wrote, for failure messages.</summary>
    public string OutputTail => string.Join('\n', output);

    /// <param name="settings">Configuration keys ("Kafka:GroupId"); passed as environment variables ("Kafka__GroupId").</param>
    public static IngestionWorkerProcess Start(IReadOnlyDictionary<string, string> settings)
    {
        var port = RedisServerLauncher.FreePort();
        var environment = new Dictionary<string, string>
        {
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Logging__LogLevel__Default"] = "Information",
        };
        foreach (var (key, value) in settings)
        {
            environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var output = new ConcurrentQueue<string>();
        var started = HostProcesses.Start("NextBestAction.IngestionWorker.dll", port, environment, line => Keep(output, line));
        return new IngestionWorkerProcess(started, port, output);
    }

    /// <summary>Event counts from the worker's Prometheus endpoint, or null while it does not answer yet.</summary>
    public async Task<IngestionCounts?> TryReadCountsAsync()
    {
        if (process.HasExited)
        {
            throw new InvalidOperationException($"the ingestion worker exited with code {process.ExitCode}:\n{OutputTail}");
        }

        string text;
        try
        {
            text = await http.GetStringAsync("/metrics");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }

        long handled = 0, duplicates = 0;
        foreach (var line in text.Split('\n').Where(l => l.StartsWith(EventsMetric, StringComparison.Ordinal)))
        {
            var value = (long)double.Parse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            handled += value;
            if (line.Contains("outcome=\"duplicate\"", StringComparison.Ordinal))
            {
                duplicates += value;
            }
        }

        return new IngestionCounts(handled, duplicates);
    }

    /// <summary>Waits for the process to end by itself; its exit code, or null when it still runs after <paramref name="maxWait"/>.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan maxWait)
    {
        using var timeout = new CancellationTokenSource(maxWait);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }

        // The parameterless wait also waits for the redirected output to be read to its end.
        await process.WaitForExitAsync();
        return process.ExitCode;
    }

    /// <summary>Kills the process without any shutdown: no consumer close, no final offset commit.</summary>
    public async Task KillAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        process.Dispose();
        http.Dispose();
    }

    private static void Keep(ConcurrentQueue<string> output, string line)
    {
        output.Enqueue(line);
        while (output.Count > OutputLines && output.TryDequeue(out _))
        {
        }
    }
}
