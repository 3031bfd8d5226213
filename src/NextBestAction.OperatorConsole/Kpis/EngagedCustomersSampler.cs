using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NextBestAction.Profiles;
using NextBestAction.Profiles.Kpis;
using StackExchange.Redis;

namespace NextBestAction.OperatorConsole.Kpis;

/// <summary>One reading of engaged customers (the rolling-window figure of <c>/v1/kpis</c>).</summary>
public readonly record struct EngagedSample(DateTimeOffset At, long Customers);

/// <summary>
/// The KPI store keeps weekly counters for every KPI but engaged customers, which is a distinct count over per-day
/// sets: its past values cannot be read back. So this host reads it every
/// <see cref="ConsoleOptions.KpiSampleIntervalSeconds"/> and keeps the last day in memory; a restart starts empty.
/// </summary>
public sealed partial class EngagedCustomersSampler(
    RedisKpiStore store, IOptions<ProfileRules> rules, IOptions<ConsoleOptions> options, TimeProvider time, ILogger<EngagedCustomersSampler> logger)
    : BackgroundService
{
    private static readonly TimeSpan History = TimeSpan.FromDays(1);

    private readonly Lock gate = new();
    private readonly Queue<EngagedSample> samples = new();

    public TimeSpan Interval { get; } = TimeSpan.FromSeconds(options.Value.KpiSampleIntervalSeconds);

    /// <summary>The samples of the last day, oldest first.</summary>
    public IReadOnlyList<EngagedSample> Samples()
    {
        lock (gate)
        {
            return [.. samples];
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            await TakeSampleAsync();
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Reads engaged customers now and drops samples older than a day; a failed read leaves a gap.</summary>
    internal async Task TakeSampleAsync()
    {
        var now = time.GetUtcNow();
        long customers;
        try
        {
            customers = await store.ReadEngagedAsync(KpiReports.Days(now, rules.Value.EngagedWindow));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogSampleFailed(logger, ex);
            return;
        }

        lock (gate)
        {
            samples.Enqueue(new EngagedSample(now, customers));
            while (samples.TryPeek(out var oldest) && now - oldest.At > History)
            {
                samples.Dequeue();
            }
        }
    }

    [LoggerMessage(EventId = 9111, Level = LogLevel.Warning, Message = "Console: engaged customers could not be sampled; the KPI trend has a gap")]
    private static partial void LogSampleFailed(ILogger logger, Exception exception);
}
