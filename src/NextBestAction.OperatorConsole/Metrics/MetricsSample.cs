namespace NextBestAction.OperatorConsole.Metrics;

/// <summary>
/// What the service's own instruments recorded over one sampling interval ending at <see cref="At"/>. Latency and
/// freshness are counts per bucket of <see cref="NextBestAction.Telemetry.NbaTelemetry.SecondsBucketBoundaries"/>;
/// <see cref="ConsumerLag"/> is null when this host runs no ingestion consumer.
/// </summary>
public sealed record MetricsSample(
    DateTimeOffset At,
    TimeSpan Interval,
    long Decisions,
    long DegradedDecisions,
    long[] DecisionLatencyBuckets,
    long[] FreshnessBuckets,
    long NotificationsSent,
    long? ConsumerLag);
