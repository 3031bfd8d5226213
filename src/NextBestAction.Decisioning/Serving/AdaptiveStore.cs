using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NextBestAction.Decisioning.Engine;
using NextBestAction.Profiles;
using StackExchange.Redis;

namespace NextBestAction.Decisioning.Serving;

/// <summary>
/// The adaptive correction's counts, shared by every API instance in one Redis hash <c>{prefix}:adaptive</c>:
/// per segment (touch point) and action the impressions (<c>n:</c>), the model's expected acceptances
/// (<c>e:</c>, the sum of its propensities) and the acceptances (<c>a:</c>). With <c>Decisions:AdaptiveHalfLifeHours</c>
/// set, counts go to one field per hour (<c>a@{hour}:</c>, hours since 1970) and weigh 0.5^(age / half-life) when read;
/// hours that weigh less than 1/1000 are deleted by the instance that reads them. Each instance reads the whole hash
/// every <c>Decisions:AdaptiveRefreshMs</c> into an immutable snapshot, so decisions never wait on it.
/// </summary>
public sealed partial class AdaptiveStore(
    RedisProfileStore profiles,
    IOptions<DecisionOptions> options,
    TimeProvider clock,
    ILogger<AdaptiveStore> logger) : BackgroundService, IAdaptiveCorrection
{
    /// <summary>Below this weight an hour's counts no longer matter and are deleted.</summary>
    private const double NegligibleWeight = 0.001;

    private readonly TimeSpan refresh = TimeSpan.FromMilliseconds(options.Value.AdaptiveRefreshMs);
    private readonly double priorStrength = options.Value.AdaptivePriorStrength;
    private readonly double optimism = options.Value.AdaptiveOptimism;
    private readonly TimeSpan halfLife = TimeSpan.FromHours(options.Value.AdaptiveHalfLifeHours);
    private AdaptiveStatistics current = AdaptiveStatistics.Empty;

    private RedisKey Key => $"{profiles.KeyPrefix}:adaptive";

    public AdaptiveStatistics Current => Volatile.Read(ref current);

    public double Factor(string segment, string actionId) => Current.Factor(segment, actionId);

    /// <summary>
    /// Queues <paramref name="impressions"/> impressions of one action in one segment, whose model propensities sum to
    /// <paramref name="expectedAcceptances"/>, on <paramref name="db"/> (a pipeline of the caller).
    /// </summary>
    public Task RecordShownAsync(IDatabaseAsync db, string segment, string actionId, long impressions, double expectedAcceptances) => Task.WhenAll(
        db.HashIncrementAsync(Key, Field("n", segment, actionId), impressions),
        db.HashIncrementAsync(Key, Field("e", segment, actionId), expectedAcceptances));

    public Task RecordAcceptedAsync(string segment, string actionId) =>
        profiles.Database.HashIncrementAsync(Key, Field("a", segment, actionId), 1);

    /// <summary>Reads the counts now, weighed by their age; also what the background refresh calls.</summary>
    public async Task<AdaptiveStatistics> RefreshAsync()
    {
        var entries = await profiles.Database.HashGetAllAsync(Key);
        var counts = new Dictionary<string, (string Segment, string ActionId, double Accepted, double Expected)>(StringComparer.Ordinal);
        var negligible = new List<RedisValue>();
        var hourNow = HourOf(clock.GetUtcNow());
        foreach (var entry in entries)
        {
            var field = (string)entry.Name!;
            var parts = field.Split(':', 3);
            if (parts.Length != 3 || !double.TryParse((string?)entry.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                continue;
            }

            var weight = Weight(parts[0], hourNow);
            if (weight < NegligibleWeight)
            {
                negligible.Add(entry.Name);
                continue;
            }

            var key = AdaptiveStatistics.Key(parts[1], parts[2]);
            var c = counts.GetValueOrDefault(key, (parts[1], parts[2], 0, 0));
            counts[key] = parts[0][0] switch
            {
                'a' => c with { Accepted = c.Accepted + (weight * value) },
                'e' => c with { Expected = c.Expected + (weight * value) },
                _ => c,
            };
        }

        if (negligible.Count > 0)
        {
            await profiles.Database.HashDeleteAsync(Key, [.. negligible], CommandFlags.FireAndForget);
        }

        var statistics = new AdaptiveStatistics(counts.Values, priorStrength, optimism);
        Volatile.Write(ref current, statistics);
        return statistics;
    }

    /// <summary>
    /// The weight of a counter field's counts now: 1 for an all-time field (<c>a</c>, <c>e</c>, <c>n</c>) unless counts
    /// forget, in which case all-time fields (written before forgetting was on) weigh nothing.
    /// </summary>
    private double Weight(string counter, long hourNow)
    {
        var at = counter.IndexOf('@', StringComparison.Ordinal);
        if (halfLife <= TimeSpan.Zero)
        {
            return at < 0 ? 1 : 0;
        }

        return at > 0 && long.TryParse(counter.AsSpan(at + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var hour)
            ? ForgettingAdaptiveCounts.Weight(TimeSpan.FromHours(hourNow - hour), halfLife)
            : 0;
    }

    private static long HourOf(DateTimeOffset time) => time.ToUnixTimeSeconds() / 3600;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(refresh);
        do
        {
            try
            {
                await RefreshAsync();
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                // The last snapshot stays in use; the next tick tries again.
                LogRefreshFailed(logger, ex.GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>The field of a counter: all-time, or this hour's when counts forget.</summary>
    private RedisValue Field(string counter, string segment, string actionId) => halfLife > TimeSpan.Zero
        ? string.Create(CultureInfo.InvariantCulture, $"{counter}@{HourOf(clock.GetUtcNow())}:{segment}:{actionId}")
        : $"{counter}:{segment}:{actionId}";

    [LoggerMessage(EventId = 3401, Level = LogLevel.Warning, Message = "The adaptive correction could not be refreshed ({ErrorType}); the last snapshot stays in use")]
    private static partial void LogRefreshFailed(ILogger logger, string errorType);
}
