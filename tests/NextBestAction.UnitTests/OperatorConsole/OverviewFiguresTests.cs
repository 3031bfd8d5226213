using NextBestAction.OperatorConsole.Metrics;
using NextBestAction.Telemetry;

namespace NextBestAction.UnitTests.OperatorConsole;

public sealed class OverviewFiguresTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void From_NoSamples_NoFigures()
    {
        var figures = OverviewFigures.From([], measuresIngestion: true);

        Assert.Equal(0, figures.SampleCount);
        Assert.Null(figures.DecisionsPerSecond);
        Assert.Null(figures.DecisionP99Ms);
        Assert.Null(figures.DegradedShare);
    }

    [Fact]
    public void From_LastMinute_RateShareAndLatencyOfThatMinuteOnly()
    {
        // An old, busy sample, then twelve 5 s samples of 50 decisions each with 5 degraded, all at about 2 ms.
        List<MetricsSample> samples = [Sample(Start, decisions: 10_000, degraded: 10_000, latencyBucket: 15)];
        for (var i = 1; i <= 12; i++)
        {
            samples.Add(Sample(Start.AddMinutes(5).AddSeconds(5 * i), decisions: 50, degraded: 5, latencyBucket: 4, notifications: 1));
        }

        var figures = OverviewFigures.From(samples, measuresIngestion: false);

        Assert.Equal(10.0, figures.DecisionsPerSecond!.Value, 9);
        Assert.Equal(0.1, figures.DegradedShare!.Value, 9);
        // Bucket 4 is (1 ms, 2.5 ms].
        Assert.InRange(figures.DecisionP99Ms!.Value, 1.0, 2.5);
        Assert.Equal(12, figures.NotificationsSentLastHour);
        Assert.Null(figures.ConsumerLag);
        Assert.Null(figures.FreshnessP99Seconds);
    }

    [Fact]
    public void From_MeasuringIngestion_LagOfTheLastSample()
    {
        MetricsSample[] samples = [Sample(Start, 1, 0, 0, lag: 40), Sample(Start.AddSeconds(5), 1, 0, 0, lag: 7)];

        var figures = OverviewFigures.From(samples, measuresIngestion: true);

        Assert.Equal(7, figures.ConsumerLag);
    }

    [Fact]
    public void Series_SampleWithoutDecisions_NoLatencyPoint()
    {
        MetricsSample[] samples = [Sample(Start, 10, 0, 4), Sample(Start.AddSeconds(5), 0, 0, latencyBucket: null)];

        Assert.Equal([2.0, 0.0], OverviewFigures.DecisionRateSeries(samples));
        var p99 = OverviewFigures.DecisionP99Series(samples);
        Assert.NotNull(p99[0]);
        Assert.Null(p99[1]);
    }

    private static MetricsSample Sample(DateTimeOffset at, long decisions, long degraded, int? latencyBucket, long notifications = 0, long? lag = null)
    {
        var latency = new long[NbaTelemetry.SecondsBucketBoundaries.Count + 1];
        if (latencyBucket is { } bucket)
        {
            latency[bucket] = decisions;
        }

        return new MetricsSample(at, TimeSpan.FromSeconds(5), decisions, degraded, latency,
            new long[NbaTelemetry.SecondsBucketBoundaries.Count + 1], notifications, lag);
    }
}
