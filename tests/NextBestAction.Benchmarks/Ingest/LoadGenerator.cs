using System.Diagnostics;
using Confluent.Kafka;
using NextBestAction.Benchmarks.Infrastructure;
using NextBestAction.Contracts;
using NextBestAction.Simulator;

namespace NextBestAction.Benchmarks.Ingest;

/// <summary>
/// Plays the simulator's <see cref="WebshopModel"/> into the input topics as contract CloudEvents, keyed by subject:
/// first a history produced as fast as the broker takes it, then an open-loop stream at a fixed rate.
/// </summary>
internal sealed class LoadGenerator : IDisposable
{
    /// <summary>
    /// The history's event times are spaced at the simulator's default pace, so the follow-ups the model schedules
    /// minutes later (deliveries, returns, service contacts) come due within the history, as in a running shop.
    /// </summary>
    private const double HistoryEventsPerSecond = 200;

    /// <summary>The simulator's producer batching; it is part of what the freshness figure includes.</summary>
    public const int LingerMs = 5;

    /// <summary>
    /// The mock cluster keeps only about 5 MB per partition and drops the oldest record batches beyond that, which
    /// would silently lose part of a large history; compressed, 200,000 events fit in the 4 partitions it gives a topic.
    /// </summary>
    public const CompressionType Compression = CompressionType.Zstd;

    private static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(60);

    private readonly WebshopModel model;
    private readonly TopicNames topics;
    private readonly IProducer<string, byte[]> producer;

    public LoadGenerator(string bootstrapServers, TopicNames topics, int customers, int seed, string runId)
    {
        this.topics = topics;
        model = new WebshopModel(customers, new Random(seed), runId);
        producer = new ProducerBuilder<string, byte[]>(new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            ClientId = "nba-bench-load",
            Acks = Acks.All,
            EnableIdempotence = true,
            LingerMs = LingerMs,
            CompressionType = Compression,
            // The history is queued faster than the broker acknowledges it.
            QueueBufferingMaxMessages = 2_000_000,
            QueueBufferingMaxKbytes = 2 * 1024 * 1024,
        }).SetLogHandler((_, _) => { }).Build();
    }

    /// <summary>Produces <paramref name="count"/> events with event times over the past, and waits until all are acknowledged.</summary>
    public ProducedHistory ProduceHistory(int count, CancellationToken cancellationToken)
    {
        var tally = new HistoryTally();
        Action<DeliveryReport<string, byte[]>> onDelivered = tally.OnDelivered;
        var spacing = TimeSpan.FromSeconds(1 / HistoryEventsPerSecond);
        var eventTime = DateTimeOffset.UtcNow - (spacing * count);
        var started = Stopwatch.GetTimestamp();
        long payloadBytes = 0;
        var types = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var e = model.Next(eventTime);
            eventTime += spacing;
            var payload = SimulatedEventJson.ToUtf8Json(e);
            payloadBytes += payload.Length;
            types[e.Type] = types.GetValueOrDefault(e.Type) + 1;
            Produce(e.TopicIn(topics), new Message<string, byte[]> { Key = e.Subject, Value = payload }, onDelivered);
        }

        FlushOrThrow();
        return tally.Result(count, payloadBytes, types, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>Fails when the mock cluster already dropped the start of the history, so no phase silently reads less.</summary>
    public static void EnsureRetained(string bootstrapServers, ProducedHistory history)
    {
        using var reader = WatermarkReader(bootstrapServers);
        foreach (var partition in history.EndOffsets.Keys)
        {
            var low = reader.QueryWatermarkOffsets(partition, WatermarkTimeout).Low;
            if (low > 0)
            {
                throw new BenchmarkSetupException(
                    $"the Kafka mock cluster dropped the first {low.Value} records of {partition.Topic} [{partition.Partition.Value}] "
                    + "(it keeps about 5 MB per partition); run with fewer --events");
            }
        }
    }

    /// <summary>
    /// Records the mock cluster still holds on <paramref name="partitions"/>: what a new consumer group reading from
    /// the start will get, once the mock has dropped the oldest bytes of a long run.
    /// </summary>
    public static long Retained(string bootstrapServers, IEnumerable<TopicPartition> partitions)
    {
        using var reader = WatermarkReader(bootstrapServers);
        return partitions.Sum(p => reader.QueryWatermarkOffsets(p, WatermarkTimeout) is var w ? w.High.Value - w.Low.Value : 0);
    }

    private static readonly TimeSpan WatermarkTimeout = TimeSpan.FromSeconds(10);

    private static IConsumer<Ignore, Ignore> WatermarkReader(string bootstrapServers) =>
        new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "nba-bench-watermarks",
        }).SetLogHandler((_, _) => { }).Build();

    /// <summary>
    /// Produces at <paramref name="ratePerSecond"/> for <paramref name="warmup"/> plus <paramref name="measured"/> on a
    /// schedule fixed in advance: event n is due at start + n / rate and carries that instant as its event time and
    /// Kafka record timestamp, so any lag (of this generator or of a process-wide pause) counts against freshness
    /// instead of silently lowering the load. <paramref name="measuring"/> learns the measured window before the first event.
    /// </summary>
    public Task<OpenLoopRun> RunOpenLoopAsync(
        double ratePerSecond, TimeSpan warmup, TimeSpan measured, Action<DateTime, DateTime> measuring, CancellationToken cancellationToken) =>
        // A thread of its own: the thread pool of a 2-core machine is busy with the service under test.
        Task.Factory.StartNew(
            () => RunOpenLoop(ratePerSecond, warmup, measured, measuring, cancellationToken),
            cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    public void Dispose() => producer.Dispose();

    private OpenLoopRun RunOpenLoop(
        double ratePerSecond, TimeSpan warmup, TimeSpan measured, Action<DateTime, DateTime> measuring, CancellationToken cancellationToken)
    {
        var warmupEvents = (long)(ratePerSecond * warmup.TotalSeconds);
        var totalEvents = warmupEvents + (long)(ratePerSecond * measured.TotalSeconds);
        var tally = new OpenLoopTally();
        Action<DeliveryReport<string, byte[]>> onWarmupDelivered = tally.OnWarmupDelivered;
        Action<DeliveryReport<string, byte[]>> onMeasuredDelivered = tally.OnMeasuredDelivered;

        var startUtc = DateTime.UtcNow;
        var start = Stopwatch.GetTimestamp();
        measuring(startUtc + warmup, startUtc + warmup + measured);
        long sent = 0;
        long payloadBytes = 0;
        long measuredFirstAt = 0;
        long measuredLastAt = 0;
        var maxLag = TimeSpan.Zero;
        var totalLagTicks = 0L;
        while (sent < totalEvents)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var due = Math.Min(totalEvents, (long)(Stopwatch.GetElapsedTime(start).TotalSeconds * ratePerSecond));
            for (; sent < due; sent++)
            {
                var offset = TimeSpan.FromSeconds(sent / ratePerSecond);
                var intended = startUtc + offset;
                var e = model.Next(intended);
                var payload = SimulatedEventJson.ToUtf8Json(e);
                payloadBytes += payload.Length;
                var isMeasured = sent >= warmupEvents;
                Produce(e.TopicIn(topics),
                    new Message<string, byte[]> { Key = e.Subject, Value = payload, Timestamp = new Timestamp(intended, TimestampType.CreateTime) },
                    isMeasured ? onMeasuredDelivered : onWarmupDelivered);

                if (isMeasured)
                {
                    var now = Stopwatch.GetTimestamp();
                    measuredFirstAt = measuredFirstAt == 0 ? now : measuredFirstAt;
                    measuredLastAt = now;
                    var lag = Stopwatch.GetElapsedTime(start, now) - offset;
                    maxLag = lag > maxLag ? lag : maxLag;
                    totalLagTicks += lag.Ticks;
                }
            }

            var wait = TimeSpan.FromSeconds((sent + 1) / ratePerSecond) - Stopwatch.GetElapsedTime(start);
            if (wait > TimeSpan.Zero)
            {
                // At least 1 ms: at high rates each wake-up produces the events that came due meanwhile.
                Thread.Sleep(wait < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : wait);
            }
        }

        FlushOrThrow();
        var measuredEvents = totalEvents - warmupEvents;
        var measuredSpan = Stopwatch.GetElapsedTime(measuredFirstAt, measuredLastAt);
        var (delivered, measuredDelivered, failed) = tally.Counts;
        return new OpenLoopRun(
            totalEvents,
            delivered,
            failed,
            measuredEvents,
            measuredSpan > TimeSpan.Zero && measuredDelivered > 1 ? (measuredDelivered - 1) / measuredSpan.TotalSeconds : 0,
            totalEvents == 0 ? 0 : payloadBytes / (double)totalEvents,
            measuredEvents == 0 ? TimeSpan.Zero : TimeSpan.FromTicks(totalLagTicks / measuredEvents),
            maxLag);
    }

    private void Produce(string topic, Message<string, byte[]> message, Action<DeliveryReport<string, byte[]>> onDelivered)
    {
        while (true)
        {
            try
            {
                producer.Produce(topic, message, onDelivered);
                return;
            }
            catch (ProduceException<string, byte[]> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
            {
                // The local queue is full: wait for acknowledgements to make room.
                Thread.Sleep(5);
            }
        }
    }

    private void FlushOrThrow()
    {
        var unflushed = producer.Flush(FlushTimeout);
        if (unflushed > 0)
        {
            throw new TimeoutException($"{unflushed} events were not acknowledged by the Kafka mock cluster within {FlushTimeout.TotalSeconds:0} s");
        }
    }

    /// <summary>Delivery reports of the history; they arrive on the producer's poll thread.</summary>
    private sealed class HistoryTally
    {
        private readonly Lock gate = new();
        private readonly Dictionary<TopicPartition, long> endOffsets = [];
        private long delivered;
        private long failed;

        public void OnDelivered(DeliveryReport<string, byte[]> report)
        {
            lock (gate)
            {
                if (report.Error.IsError)
                {
                    failed++;
                    return;
                }

                delivered++;
                var next = report.Offset.Value + 1;
                if (next > endOffsets.GetValueOrDefault(report.TopicPartition))
                {
                    endOffsets[report.TopicPartition] = next;
                }
            }
        }

        public ProducedHistory Result(int count, long payloadBytes, IReadOnlyDictionary<string, long> types, TimeSpan elapsed)
        {
            lock (gate)
            {
                return new ProducedHistory(delivered, failed, payloadBytes / (double)count, types, new Dictionary<TopicPartition, long>(endOffsets), elapsed);
            }
        }
    }

    private sealed class OpenLoopTally
    {
        private long delivered;
        private long measuredDelivered;
        private long failed;

        public (long Delivered, long MeasuredDelivered, long Failed) Counts =>
            (Interlocked.Read(ref delivered), Interlocked.Read(ref measuredDelivered), Interlocked.Read(ref failed));

        public void OnWarmupDelivered(DeliveryReport<string, byte[]> report) => Count(report, measured: false);

        public void OnMeasuredDelivered(DeliveryReport<string, byte[]> report) => Count(report, measured: true);

        private void Count(DeliveryReport<string, byte[]> report, bool measured)
        {
            if (report.Error.IsError)
            {
                Interlocked.Increment(ref failed);
                return;
            }

            Interlocked.Increment(ref delivered);
            if (measured)
            {
                Interlocked.Increment(ref measuredDelivered);
            }
        }
    }
}

/// <summary>The pre-produced events: how many the broker acknowledged, and where each partition's history ends.</summary>
internal sealed record ProducedHistory(
    long Delivered,
    long Failed,
    double PayloadAverageBytes,
    IReadOnlyDictionary<string, long> Types,
    IReadOnlyDictionary<TopicPartition, long> EndOffsets,
    TimeSpan Elapsed);

/// <param name="AchievedRatePerSecond">Acknowledged measured events per second of the measured window's actual span.</param>
/// <param name="MeanLag">How late, on average, the generator sent a measured event after its due time.</param>
internal sealed record OpenLoopRun(
    long Scheduled,
    long Delivered,
    long Failed,
    long MeasuredScheduled,
    double AchievedRatePerSecond,
    double PayloadAverageBytes,
    TimeSpan MeanLag,
    TimeSpan MaxLag);
