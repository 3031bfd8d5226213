using System.Diagnostics;
using Confluent.Kafka;
using NextBestAction.Benchmarks.Infrastructure;
using StackExchange.Redis;
using StackExchange.Redis.KeyspaceIsolation;

namespace NextBestAction.Benchmarks.Ingest;

/// <summary>
/// The floor under ingestion: a plain consumer in a group of its own writes each record's value with one SET under
/// its key, pipelined per batch of the size the service uses, with no parsing, validation or profile logic.
/// Either it re-reads the history from the start (throughput), or it follows the live stream from the end of the
/// history (freshness: record timestamp to acknowledged SET, the same span the service's freshness covers).
/// </summary>
internal sealed class RawConsumeBaseline : IAsyncDisposable
{
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(100);

    private readonly IConsumer<byte[]?, byte[]?> consumer;
    private readonly IReadOnlyList<string> topics;
    private readonly IDatabase redis;
    private readonly int batchSize;
    private readonly IReadOnlyDictionary<TopicPartition, long>? stopOffsets;
    private readonly LatencyRecorder? freshness;
    private readonly TaskCompletionSource assigned = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource stopping = new();
    private long subscribedAt;
    private long firstBatchAt;
    private Task loop = Task.CompletedTask;

    private RawConsumeBaseline(
        string bootstrapServers, IReadOnlyList<string> topics, IDatabase redis, int batchSize,
        IReadOnlyDictionary<TopicPartition, long>? startOffsets, IReadOnlyDictionary<TopicPartition, long>? stopOffsets,
        LatencyRecorder? freshness)
    {
        this.topics = topics;
        this.redis = redis.WithKeyPrefix("bench-raw:");
        this.batchSize = batchSize;
        this.stopOffsets = stopOffsets;
        this.freshness = freshness;
        consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = $"nba-bench-baseline-{Guid.NewGuid():N}",
            ClientId = "nba-bench-baseline",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            PartitionAssignmentStrategy = PartitionAssignmentStrategy.CooperativeSticky,
            FetchWaitMaxMs = int.Parse(MockFetchWait.Milliseconds, System.Globalization.CultureInfo.InvariantCulture),
        })
            .SetLogHandler((_, _) => { })
            .SetErrorHandler((_, _) => { })
            .SetPartitionsAssignedHandler((_, partitions) =>
            {
                assigned.TrySetResult();
                return partitions.Select(tp => new TopicPartitionOffset(tp, startOffsets is null
                    ? Offset.Unset
                    : new Offset(startOffsets.GetValueOrDefault(tp))));
            })
            .Build();
    }

    public ProgressCounter Handled { get; } = new("the raw-consume baseline");

    /// <summary>From subscribing until the first batch was in (the consumer group join).</summary>
    public TimeSpan StartUp => Stopwatch.GetElapsedTime(subscribedAt, firstBatchAt);

    /// <summary>Stopwatch timestamp at which the first batch was in; 0 before that.</summary>
    public long FirstBatchAt => Interlocked.Read(ref firstBatchAt);

    /// <summary>Re-reads the history from the start; records at or past <paramref name="historyEnd"/> are left alone.</summary>
    public static RawConsumeBaseline OverHistory(
        string bootstrapServers, IReadOnlyList<string> topics, IDatabase redis, int batchSize, IReadOnlyDictionary<TopicPartition, long> historyEnd) =>
        new(bootstrapServers, topics, redis, batchSize, startOffsets: null, stopOffsets: historyEnd, freshness: null);

    /// <summary>Follows everything produced after the history and records its freshness.</summary>
    public static RawConsumeBaseline FollowingHistory(
        string bootstrapServers, IReadOnlyList<string> topics, IDatabase redis, int batchSize, IReadOnlyDictionary<TopicPartition, long> historyEnd,
        LatencyRecorder freshness) =>
        new(bootstrapServers, topics, redis, batchSize, startOffsets: historyEnd, stopOffsets: null, freshness);

    /// <summary>Subscribes and starts consuming; completes once the group assigned the partitions.</summary>
    public async Task StartAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        subscribedAt = Stopwatch.GetTimestamp();
        consumer.Subscribe(topics);
        // Consume blocks; like the service, run the loop off the caller's thread.
        loop = Task.Run(() => ConsumeOrFailAsync(stopping.Token), CancellationToken.None);
        await assigned.Task.WaitAsync(timeout, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        try
        {
            await loop;
        }
        finally
        {
            consumer.Close();
            consumer.Dispose();
            stopping.Dispose();
        }
    }

    private async Task ConsumeOrFailAsync(CancellationToken stop)
    {
        try
        {
            await ConsumeAsync(stop);
        }
        catch (Exception ex) when (ex is KafkaException or RedisException or TimeoutException)
        {
            Handled.Fail(new InvalidOperationException($"the raw-consume baseline stopped: {ex.Message}", ex));
        }
    }

    private async Task ConsumeAsync(CancellationToken stop)
    {
        var writes = new List<Task>(batchSize);
        var timestamps = new List<long>(batchSize);
        while (!stop.IsCancellationRequested)
        {
            writes.Clear();
            timestamps.Clear();
            var record = Consume(PollTimeout);
            while (record is not null)
            {
                if (stopOffsets is not null && record.Offset.Value >= stopOffsets.GetValueOrDefault(record.TopicPartition))
                {
                    // Past the history: the open-loop phase's events are not part of the throughput comparison.
                    consumer.Pause([record.TopicPartition]);
                }
                else
                {
                    writes.Add(redis.StringSetAsync(record.Message.Key, record.Message.Value));
                    timestamps.Add(record.Message.Timestamp.UtcDateTime.Ticks);
                }

                record = writes.Count < batchSize ? Consume(TimeSpan.Zero) : null;
            }

            if (writes.Count == 0)
            {
                continue;
            }

            Interlocked.CompareExchange(ref firstBatchAt, Stopwatch.GetTimestamp(), 0);
            await Task.WhenAll(writes);
            if (freshness is not null)
            {
                var acknowledgedAt = DateTime.UtcNow.Ticks;
                foreach (var sentAt in timestamps)
                {
                    freshness.Record(sentAt, acknowledgedAt - sentAt);
                }
            }

            Handled.Add(writes.Count);
        }
    }

    private ConsumeResult<byte[]?, byte[]?>? Consume(TimeSpan timeout)
    {
        try
        {
            var result = consumer.Consume(timeout);
            return result is null || result.IsPartitionEOF ? null : result;
        }
        catch (ConsumeException ex) when (!ex.Error.IsFatal)
        {
            return null;
        }
    }
}
