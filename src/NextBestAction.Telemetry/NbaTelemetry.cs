using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace NextBestAction.Telemetry;

/// <summary>
/// Owns the service's ActivitySource and Meter, and creates every instrument, so names, units, descriptions and
/// bucket boundaries are in one place. Names are constants so hosts register them with AddSource/AddMeter and tests
/// can listen to them. Gauges whose values live in another component read them through a callback it hands in.
/// </summary>
public sealed class NbaTelemetry : IDisposable
{
    public const string ActivitySourceName = "NextBestAction";
    public const string MeterName = "NextBestAction";

    /// <summary>
    /// Bucket boundaries of every histogram in seconds, from 0.1 ms to 60 s. OpenTelemetry's default (0, 5, 10, ... 10000)
    /// is meant for milliseconds and would put every decision in le="5". 0.025 and 5 are the SLO thresholds of the decision
    /// and freshness alerts, so the quantiles are exact where the alerts compare them.
    /// </summary>
    public static IReadOnlyList<double> SecondsBucketBoundaries { get; } =
        [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.0075, 0.01, 0.015, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    private static readonly InstrumentAdvice<double> Seconds = new() { HistogramBucketBoundaries = SecondsBucketBoundaries };

    public NbaTelemetry(IMeterFactory meterFactory)
    {
        ActivitySource = new ActivitySource(ActivitySourceName);
        Meter = meterFactory.Create(MeterName);
        IngestedEvents = Meter.CreateCounter<long>("nba.ingestion.events", "{event}",
            "Input events by type and outcome (applied, duplicate, no_effect, erased: of a customer erased after the event, dead_lettered, unknown_type).");
        IngestionFreshness = Meter.CreateHistogram("nba.ingestion.freshness", "s",
            "Time from an event's Kafka record timestamp until its profile write was acknowledged.", tags: null, advice: Seconds);
        IngestionStageTime = Meter.CreateCounter<double>("nba.ingestion.stage.time", "s",
            "Time the batch loop spent per stage: read (parse and validate), apply (profile update and observers), encode (profile parts), redis (waiting for profile loads and writes).");
        Decisions = Meter.CreateCounter<long>("nba.decisions", "{decision}",
            "Decisions served, by the kind of the first action and whether a fallback was served.");
        DecisionDuration = Meter.CreateHistogram("nba.decision.duration", "s",
            "Time to serve a decision inside the service, including the profile read.", tags: null, advice: Seconds);
        RateLimited = Meter.CreateCounter<long>("nba.http.rate_limited", "{request}",
            "Requests refused with 429 by the per-API-key rate limit, by key name (\"(unauthenticated)\" without a valid key).");
        DecisionFallbacks = Meter.CreateCounter<long>("nba.decision.fallbacks", "{decision}",
            "Context-only decisions served because the profile read failed, by reason (timeout, redis_error, circuit_open).");
        DecisionLogDropped = Meter.CreateCounter<long>("nba.decision_log.dropped", "{record}",
            "Decision-log records not delivered to Kafka, by reason (queue_full, producer_queue_full, delivery_failed).");
        DecisionRecordsDropped = Meter.CreateCounter<long>("nba.decision.records_dropped", "{decision}",
            "Decisions whose impressions and outcome record were not written to Redis, by reason (queue_full, redis_error).");
        Outcomes = Meter.CreateCounter<long>("nba.decision.outcomes", "{outcome}",
            "Outcomes recorded through the outcome route, by outcome (accepted, declined, ignored).");
        RedisDuration = Meter.CreateHistogram("nba.redis.duration", "s",
            "Redis round trips of the service, by operation (profile_read, profile_load, profile_write).", tags: null, advice: Seconds);
        Notifications = Meter.CreateCounter<long>("nba.notifications", "{notification}",
            "Notifications by type and outcome (sent, deferred, duplicate, capped, capped_type, no_consent, objected, service_opted_out, no_channel, expired, expires_in_quiet_hours, withdrawn).");
        WebhookDeliveries = Meter.CreateCounter<long>("nba.notifications.webhook", "{attempt}",
            "Webhook delivery attempts by outcome (delivered, retried, failed: dead-lettered after the last attempt or refused by the endpoint, malformed: not a notification, dead-lettered unsent).");
        FanoutCustomers = Meter.CreateCounter<long>("nba.notifications.fanout_customers", "{customer}",
            "Customers a catalog fan-out (price drop, back in stock, new version) has worked through.");
        PrivacyRequests = Meter.CreateCounter<long>("nba.privacy.requests", "{request}",
            "Privacy requests carried out, by kind (erasure) and outcome (erased, already_erased, nothing_held).");
        Meter.CreateObservableGauge("nba.ingestion.consumer_lag", () => consumerLag?.Invoke() ?? [], "{message}",
            "Records between the last processed offset and the end of each assigned partition, as of the last batch.");
        Meter.CreateObservableGauge("nba.model.info", () => VersionInfo("model_version", modelVersion),
            description: "The propensity model this instance decides with (value 1; the version is the label).");
        Meter.CreateObservableGauge("nba.catalog.info", () => VersionInfo("catalog_version", catalogVersion),
            description: "The action catalog this instance decides with (value 1; the version is the label).");
    }

    private Func<IEnumerable<Measurement<long>>>? consumerLag;
    private Func<string>? modelVersion;
    private Func<string>? catalogVersion;

    public ActivitySource ActivitySource { get; }

    public Meter Meter { get; }

    public Counter<long> IngestedEvents { get; }

    public Counter<long> PrivacyRequests { get; }

    public Histogram<double> IngestionFreshness { get; }

    public Counter<double> IngestionStageTime { get; }

    /// <summary>Adds the time since <paramref name="startedTimestamp"/> to <paramref name="stage"/> of <see cref="IngestionStageTime"/>.</summary>
    public void RecordStage(string stage, long startedTimestamp) =>
        IngestionStageTime.Add(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds, new KeyValuePair<string, object?>("stage", stage));

    public Counter<long> Decisions { get; }

    public Histogram<double> DecisionDuration { get; }

    public Counter<long> RateLimited { get; }

    public Counter<long> DecisionFallbacks { get; }

    public Counter<long> DecisionLogDropped { get; }

    public Counter<long> DecisionRecordsDropped { get; }

    public Counter<long> Outcomes { get; }

    public Histogram<double> RedisDuration { get; }

    /// <summary>Records a Redis round trip that began at <paramref name="startedTimestamp"/> (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    public void RecordRedis(string operation, long startedTimestamp) =>
        RedisDuration.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds, new KeyValuePair<string, object?>("operation", operation));

    public Counter<long> Notifications { get; }

    public Counter<long> WebhookDeliveries { get; }

    public Counter<long> FanoutCustomers { get; }

    /// <summary>The ingestion consumer reports its lag per partition through this callback (one consumer per process).</summary>
    public void ObserveConsumerLag(Func<IEnumerable<Measurement<long>>> lag) => consumerLag = lag;

    /// <summary>Whether an ingestion consumer in this process reports its lag (the console says "not measured here" otherwise).</summary>
    public bool ObservesConsumerLag => consumerLag is not null;

    /// <summary>The decision API reports the model and catalog it serves right now, read at each collection.</summary>
    public void ObserveServingVersions(Func<string> model, Func<string> catalog)
    {
        modelVersion = model;
        catalogVersion = catalog;
    }

    private static IEnumerable<Measurement<int>> VersionInfo(string label, Func<string>? version) =>
        version is null ? [] : [new Measurement<int>(1, new KeyValuePair<string, object?>(label, version()))];

    public void Dispose()
    {
        ActivitySource.Dispose();
        Meter.Dispose();
    }
}
