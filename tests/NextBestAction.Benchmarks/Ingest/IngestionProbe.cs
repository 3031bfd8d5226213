using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using NextBestAction.Benchmarks.Infrastructure;
using NextBestAction.ServiceDefaults;
using NextBestAction.Telemetry;

namespace NextBestAction.Benchmarks.Ingest;

/// <summary>
/// Watches the ingestion service only through the telemetry it publishes, as a dashboard would:
/// <c>nba.ingestion.events</c> says how many events were handled (whatever the outcome),
/// <c>nba.ingestion.freshness</c> how long after its Kafka record timestamp an event's profile write was
/// acknowledged, and the start of the first <c>ingest batch</c> span marks when consumption began (after the
/// consumer group join, which is start-up cost rather than throughput).
/// </summary>
internal sealed class IngestionProbe : IDisposable
{
    // Instrument and span names as NbaTelemetry and BatchTracing create them.
    private const string EventsCounter = "nba.ingestion.events";
    private const string FreshnessHistogram = "nba.ingestion.freshness";
    private const string BatchSpan = "ingest batch";
    private const string StageTimeCounter = "nba.ingestion.stage.time";

    private readonly MeterListener meterListener = new();
    private readonly ActivityListener activityListener;
    private readonly ConcurrentDictionary<string, long> byOutcome = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, double> stageSeconds = new(StringComparer.Ordinal);
    private long firstBatchStartedAt;

    public IngestionProbe()
    {
        meterListener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == NbaTelemetry.MeterName && instrument.Name is EventsCounter or FreshnessHistogram or StageTimeCounter)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        meterListener.SetMeasurementEventCallback<long>(OnEventsCounted);
        meterListener.SetMeasurementEventCallback<double>((instrument, value, tags, state) =>
        {
            if (instrument.Name == StageTimeCounter)
            {
                OnStageTime(value, tags);
            }
            else
            {
                OnFreshness(instrument, value, tags, state);
            }
        });
        meterListener.Start();

        activityListener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == NbaTelemetry.ActivitySourceName,
            // Asks for no more than the host's own tracing already creates; only the start time is read.
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.PropagationData,
            ActivityStarted = activity =>
            {
                if (activity.OperationName == BatchSpan)
                {
                    Interlocked.CompareExchange(ref firstBatchStartedAt, Stopwatch.GetTimestamp(), 0);
                }
            },
        };
        ActivitySource.AddActivityListener(activityListener);
    }

    /// <summary>Events counted so far, over every outcome.</summary>
    public ProgressCounter Handled { get; } = new("the ingestion service");

    /// <summary>Freshness of the events produced in the measured window.</summary>
    public LatencyRecorder Freshness { get; } = new();

    /// <summary>Stopwatch timestamp at which the service started processing its first batch; 0 before that.</summary>
    public long FirstBatchStartedAt => Interlocked.Read(ref firstBatchStartedAt);

    /// <summary>Events counted so far by outcome (applied, duplicate, no_effect, dead_lettered, unknown_type).</summary>
    public IReadOnlyDictionary<string, long> HandledByOutcome => new Dictionary<string, long>(byOutcome, StringComparer.Ordinal);

    /// <summary>Seconds the ingestion hosts' batch loops spent so far per stage (read, apply, encode, redis).</summary>
    public IReadOnlyDictionary<string, double> StageSeconds => new Dictionary<string, double>(stageSeconds, StringComparer.Ordinal);

    public void Dispose()
    {
        meterListener.Dispose();
        activityListener.Dispose();
    }

    private void OnEventsCounted(Instrument instrument, long events, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == "outcome")
            {
                byOutcome.AddOrUpdate(tag.Value as string ?? "", static (_, add) => add, static (_, sum, add) => sum + add, events);
            }
        }

        Handled.Add(events);
    }

    private void OnStageTime(double seconds, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == "stage")
            {
                stageSeconds.AddOrUpdate(tag.Value as string ?? "", static (_, add) => add, static (_, sum, add) => sum + add, seconds);
            }
        }
    }

    private void OnFreshness(Instrument instrument, double seconds, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        // The service records right after the write was acknowledged, so now minus freshness is the record timestamp.
        var freshnessTicks = (long)(seconds * TimeSpan.TicksPerSecond);
        Freshness.Record(DateTime.UtcNow.Ticks - freshnessTicks, freshnessTicks);
    }
}
