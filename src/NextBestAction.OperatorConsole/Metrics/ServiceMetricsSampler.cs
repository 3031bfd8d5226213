using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NextBestAction.Telemetry;

namespace NextBestAction.OperatorConsole.Metrics;

/// <summary>
/// Listens in-process to this host's own instruments (the same ones the Prometheus exporter reads; never another host's
/// meter in the same process) and every <see cref="ConsoleOptions.SampleIntervalSeconds"/> closes a sample. The last
/// hour of samples is kept in memory for the overview; nothing is stored, so a restart starts an empty hour.
/// </summary>
public sealed class ServiceMetricsSampler : BackgroundService
{
    private static readonly TimeSpan History = TimeSpan.FromHours(1);

    private readonly NbaTelemetry telemetry;
    private readonly TimeProvider time;
    private readonly TimeSpan interval;
    private readonly MeterListener listener = new();
    private readonly Lock gate = new();
    private readonly Queue<MetricsSample> samples = new();
    private readonly IReadOnlyList<double> bounds = NbaTelemetry.SecondsBucketBoundaries;

    private long decisions;
    private long degraded;
    private long notificationsSent;
    private long[] latency;
    private long[] freshness;
    private long observedLag;
    private DateTimeOffset windowStart;

    public ServiceMetricsSampler(NbaTelemetry telemetry, TimeProvider time, IOptions<ConsoleOptions> options)
    {
        this.telemetry = telemetry;
        this.time = time;
        interval = TimeSpan.FromSeconds(options.Value.SampleIntervalSeconds);
        latency = new long[bounds.Count + 1];
        freshness = new long[bounds.Count + 1];
        windowStart = time.GetUtcNow();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, telemetry.Meter) && instrument.Name is Instruments.Decisions or Instruments.DecisionDuration
                    or Instruments.Freshness or Instruments.Notifications or Instruments.ConsumerLag)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>(OnLong);
        listener.SetMeasurementEventCallback<double>(OnDouble);
        listener.Start();
    }

    /// <summary>Sampling interval, for the page to say how its figures are made.</summary>
    public TimeSpan Interval => interval;

    /// <summary>Whether this host runs an ingestion consumer, so lag, freshness and notification sends are measured here.</summary>
    public bool MeasuresIngestion => telemetry.ObservesConsumerLag;

    /// <summary>The samples of the last hour, oldest first.</summary>
    public IReadOnlyList<MetricsSample> Samples()
    {
        lock (gate)
        {
            return [.. samples];
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            TakeSample();
        }
    }

    /// <summary>Closes the current window into a sample and drops samples older than an hour.</summary>
    internal void TakeSample()
    {
        long? lag = null;
        if (MeasuresIngestion)
        {
            Interlocked.Exchange(ref observedLag, 0);
            listener.RecordObservableInstruments();
            lag = Interlocked.Read(ref observedLag);
        }

        var now = time.GetUtcNow();
        var sample = new MetricsSample(
            now,
            now - windowStart,
            Interlocked.Exchange(ref decisions, 0),
            Interlocked.Exchange(ref degraded, 0),
            Interlocked.Exchange(ref latency, new long[bounds.Count + 1]),
            Interlocked.Exchange(ref freshness, new long[bounds.Count + 1]),
            Interlocked.Exchange(ref notificationsSent, 0),
            lag);
        windowStart = now;
        lock (gate)
        {
            samples.Enqueue(sample);
            while (samples.TryPeek(out var oldest) && now - oldest.At > History)
            {
                samples.Dequeue();
            }
        }
    }

    private void OnLong(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        switch (instrument.Name)
        {
            case Instruments.Decisions:
                Interlocked.Add(ref decisions, value);
                if (HasTag(tags, "degraded", true))
                {
                    Interlocked.Add(ref degraded, value);
                }

                break;
            case Instruments.Notifications when HasTag(tags, "outcome", "sent"):
                Interlocked.Add(ref notificationsSent, value);
                break;
            case Instruments.ConsumerLag:
                Interlocked.Add(ref observedLag, value);
                break;
        }
    }

    private void OnDouble(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        // A sample swapping the array in at the same moment loses at most this one value to the old window.
        var buckets = instrument.Name == Instruments.DecisionDuration ? Volatile.Read(ref latency) : Volatile.Read(ref freshness);
        Interlocked.Increment(ref buckets[BucketQuantile.BucketOf(value, bounds)]);
    }

    private static bool HasTag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string key, object expected)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == key)
            {
                return Equals(tag.Value, expected);
            }
        }

        return false;
    }

    public override void Dispose()
    {
        listener.Dispose();
        base.Dispose();
    }

    /// <summary>The instruments of <see cref="NbaTelemetry"/> the overview reads.</summary>
    private static class Instruments
    {
        public const string Decisions = "nba.decisions";
        public const string DecisionDuration = "nba.decision.duration";
        public const string Freshness = "nba.ingestion.freshness";
        public const string Notifications = "nba.notifications";
        public const string ConsumerLag = "nba.ingestion.consumer_lag";
    }
}
