using NextBestAction.Telemetry;

namespace NextBestAction.OperatorConsole.Metrics;

/// <summary>
/// The overview's figures over the last minute of samples, and its last hour as series for the chart. A null figure is
/// one without data: no decision in the minute (no latency, no degraded share), or not measured by this host.
/// </summary>
public sealed record OverviewFigures(
    int SampleCount,
    double? DecisionsPerSecond,
    double? DecisionP99Ms,
    double? DegradedShare,
    bool MeasuresIngestion,
    long? ConsumerLag,
    double? FreshnessP99Seconds,
    long NotificationsSentLastHour)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    public static OverviewFigures From(IReadOnlyList<MetricsSample> samples, bool measuresIngestion)
    {
        if (samples.Count == 0)
        {
            return new OverviewFigures(0, null, null, null, measuresIngestion, null, null, 0);
        }

        var end = samples[^1].At;
        var recent = samples.Where(s => end - s.At < Window).ToList();
        var seconds = recent.Sum(s => s.Interval.TotalSeconds);
        var decisions = recent.Sum(s => s.Decisions);
        var bounds = NbaTelemetry.SecondsBucketBoundaries;
        return new OverviewFigures(
            samples.Count,
            seconds > 0 ? decisions / seconds : null,
            BucketQuantile.Of(0.99, bounds, Merge(recent, s => s.DecisionLatencyBuckets)) * 1000,
            decisions > 0 ? (double)recent.Sum(s => s.DegradedDecisions) / decisions : null,
            measuresIngestion,
            measuresIngestion ? samples[^1].ConsumerLag : null,
            measuresIngestion ? BucketQuantile.Of(0.99, bounds, Merge(recent, s => s.FreshnessBuckets)) : null,
            samples.Sum(s => s.NotificationsSent));
    }

    /// <summary>Decisions per second in each sample, for the chart.</summary>
    public static double[] DecisionRateSeries(IReadOnlyList<MetricsSample> samples) =>
        [.. samples.Select(s => s.Interval > TimeSpan.Zero ? s.Decisions / s.Interval.TotalSeconds : 0)];

    /// <summary>p99 decision latency in milliseconds in each sample; null where the sample holds no decision.</summary>
    public static double?[] DecisionP99Series(IReadOnlyList<MetricsSample> samples) =>
        [.. samples.Select(s => BucketQuantile.Of(0.99, NbaTelemetry.SecondsBucketBoundaries, s.DecisionLatencyBuckets) * 1000)];

    private static long[] Merge(List<MetricsSample> samples, Func<MetricsSample, long[]> buckets)
    {
        var merged = new long[NbaTelemetry.SecondsBucketBoundaries.Count + 1];
        foreach (var sample in samples)
        {
            var counts = buckets(sample);
            for (var i = 0; i < merged.Length; i++)
            {
                merged[i] += counts[i];
            }
        }

        return merged;
    }
}
