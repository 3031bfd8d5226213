using System.Diagnostics.Metrics;
using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NextBestAction.Contracts;
using NextBestAction.Kafka;
using NextBestAction.Telemetry;
using StackExchange.Redis;

namespace NextBestAction.Ingestion;

/// <summary>
/// The consumer group over every input topic. Offsets are stored only after a batch's profile writes and
/// dead letters were acknowledged (at-least-once delivery); the profile's own offset and event-id markers
/// turn that into an exactly-once effect. When Redis or Kafka fails mid-batch the assigned partitions are
/// paused and the loop keeps polling (so the group keeps this member) while it retries with backoff.
/// </summary>
public sealed partial class IngestionService(
    EventBatchProcessor processor,
    ProfileCache cache,
    IOptions<KafkaOptions> kafkaOptions,
    IOptions<IngestionOptions> ingestionOptions,
    NbaTelemetry telemetry,
    ILogger<IngestionService> logger,
    TimeProvider clock) : BackgroundService
{
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    private readonly HashSet<TopicPartition> revokedDuringRetry = [];

    /// <summary>Per assigned partition: records behind the partition's end after the last completed batch.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<TopicPartition, long> lag = new();

    /// <summary>Messages processed and committed since start; lets tests and health output see progress.</summary>
    public long ProcessedMessages => Interlocked.Read(ref processedMessages);

    private long processedMessages;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        // Consume blocks; run the loop off the host's start-up thread.
        Task.Run(() => ConsumeLoopAsync(stoppingToken), stoppingToken);

    private async Task ConsumeLoopAsync(CancellationToken stoppingToken)
    {
        telemetry.ObserveConsumerLag(
            () => lag.Select(p => new Measurement<long>(p.Value, new("topic", p.Key.Topic), new("partition", p.Key.Partition.Value))));
        var topics = kafkaOptions.Value.Topics;
        using var consumer = BuildConsumer();
        consumer.Subscribe(topics.Inputs);
        var topicList = string.Join(", ", topics.Inputs);
        LogStarted(logger, kafkaOptions.Value.GroupId, topicList);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var batch = CollectBatch(consumer, stoppingToken);
                if (batch.Count == 0)
                {
                    continue;
                }

                var completed = await ProcessWithRetryAsync(consumer, batch, stoppingToken);
                StoreOffsets(consumer, completed);
                RecordLag(consumer, completed);
                Interlocked.Add(ref processedMessages, completed.Count);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: offsets of the unfinished batch stay unstored, so it is redelivered.
        }
        finally
        {
            // Commits stored offsets and leaves the group at once instead of waiting for the session timeout.
            consumer.Close();
        }
    }

    private IConsumer<byte[]?, byte[]?> BuildConsumer()
    {
        var config = KafkaClientConfigs.Consumer(kafkaOptions.Value, "nba-ingestion");
        config.GroupId = kafkaOptions.Value.GroupId;
        config.EnableAutoCommit = true;
        config.EnableAutoOffsetStore = false;
        config.AutoOffsetReset ??= AutoOffsetReset.Earliest;
        config.PartitionAssignmentStrategy = PartitionAssignmentStrategy.CooperativeSticky;

        // Input topics may not exist yet on a fresh cluster; let the first subscription create them.
        config.AllowAutoCreateTopics ??= true;

        return new ConsumerBuilder<byte[]?, byte[]?>(config)
            .SetErrorHandler((_, e) => LogKafkaError(logger, e.Code, e.Reason, e.IsFatal))
            .SetLogHandler((_, m) => LogKafkaClient(logger, m.Facility, m.Message))
            .SetPartitionsAssignedHandler((_, partitions) => LogAssigned(logger, partitions.Count))
            .SetPartitionsRevokedHandler((_, partitions) =>
            {
                // Cached profiles of customers that move away would only fail their next compare-and-set.
                cache.Clear();
                LogRevoked(logger, partitions.Count);
                ForgetLag(partitions.Select(p => p.TopicPartition));
                foreach (var p in partitions)
                {
                    revokedDuringRetry.Add(p.TopicPartition);
                }
            })
            .SetPartitionsLostHandler((_, partitions) =>
            {
                cache.Clear();
                LogRevoked(logger, partitions.Count);
                ForgetLag(partitions.Select(p => p.TopicPartition));
                foreach (var p in partitions)
                {
                    revokedDuringRetry.Add(p.TopicPartition);
                }
            })
            .Build();
    }

    private List<IncomingMessage> CollectBatch(IConsumer<byte[]?, byte[]?> consumer, CancellationToken stoppingToken)
    {
        var options = ingestionOptions.Value;
        var batch = new List<IncomingMessage>();
        var first = ConsumeOne(consumer, PollTimeout);
        if (first is null)
        {
            return batch;
        }

        batch.Add(first);

        // Batch size follows the load: up to MaxBatchSize when behind, one event when quiet. Waiting a little for more
        // (MaxBatchWaitMs) measured better at the tail than sending each partial batch at once, but a long wait costs the
        // median: at 10,000 events/s the freshness p50/p99 was 58/242 ms without a wait, 73/169 ms with 20 ms and
        // 40/138 ms with 5 ms (benchmark README).
        var deadline = clock.GetUtcNow().AddMilliseconds(options.MaxBatchWaitMs);
        while (batch.Count < options.MaxBatchSize && !stoppingToken.IsCancellationRequested)
        {
            var remaining = deadline - clock.GetUtcNow();
            var next = ConsumeOne(consumer, remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
            if (next is null)
            {
                break;
            }

            batch.Add(next);
        }

        return batch;
    }

    private IncomingMessage? ConsumeOne(IConsumer<byte[]?, byte[]?> consumer, TimeSpan timeout)
    {
        try
        {
            var result = consumer.Consume(timeout);
            return result is null || result.IsPartitionEOF
                ? null
                : new IncomingMessage(result.Topic, result.Partition.Value, result.Offset.Value, result.Message.Key, result.Message.Value,
                    result.Message.Timestamp.Type == TimestampType.NotAvailable ? null : new DateTimeOffset(result.Message.Timestamp.UtcDateTime),
                    KafkaTracing.Extract(result.Message.Headers));
        }
        catch (ConsumeException ex) when (!ex.Error.IsFatal)
        {
            // For example a subscribed topic that does not exist yet: it is created and the next poll goes on.
            LogConsumeError(logger, ex.Error.Code, ex.Error.Reason);
            return null;
        }
    }

    // Hand-written on purpose, unlike the decision's and the webhook's resilience (Polly): while the Redis write is
    // retried the consumer must keep calling Consume, or the group evicts it (max.poll.interval.ms) and rebalances.
    // A resilience pipeline's retry waits inside the call and would block this poll loop; no library pauses the
    // partitions and keeps polling between attempts.
    private async Task<List<IncomingMessage>> ProcessWithRetryAsync(
        IConsumer<byte[]?, byte[]?> consumer, List<IncomingMessage> batch, CancellationToken stoppingToken)
    {
        var paused = false;
        var backoff = TimeSpan.FromMilliseconds(100);
        revokedDuringRetry.Clear();
        while (true)
        {
            try
            {
                await processor.ProcessAsync(batch, stoppingToken);
                if (paused)
                {
                    consumer.Resume(consumer.Assignment);
                    LogResumed(logger);
                }

                return batch;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException or KafkaException or ProfileWriteConflictException
                                       && !stoppingToken.IsCancellationRequested)
            {
                LogBatchFailed(logger, batch.Count, backoff.TotalMilliseconds, ex.GetType().Name, ex.Message);
                if (!paused)
                {
                    consumer.Pause(consumer.Assignment);
                    paused = true;
                }

                KeepPollingWhilePaused(consumer, backoff, stoppingToken);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));

                // Partitions handed to another member while we waited are its work now.
                if (revokedDuringRetry.Count > 0)
                {
                    batch = [.. batch.Where(m => !revokedDuringRetry.Contains(new TopicPartition(m.Topic, m.Partition)))];
                    revokedDuringRetry.Clear();
                    if (batch.Count == 0)
                    {
                        consumer.Resume(consumer.Assignment);
                        return batch;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Waits out a backoff while still calling Consume, so the member is not evicted for exceeding
    /// max.poll.interval.ms. Paused partitions deliver nothing; a record from a newly assigned partition is
    /// rewound and that partition paused as well, so nothing is skipped.
    /// </summary>
    private void KeepPollingWhilePaused(IConsumer<byte[]?, byte[]?> consumer, TimeSpan wait, CancellationToken stoppingToken)
    {
        var until = clock.GetUtcNow() + wait;
        while (clock.GetUtcNow() < until && !stoppingToken.IsCancellationRequested)
        {
            try
            {
                var stray = consumer.Consume(PollTimeout);
                if (stray is not null && !stray.IsPartitionEOF)
                {
                    consumer.Seek(stray.TopicPartitionOffset);
                    consumer.Pause([stray.TopicPartition]);
                }
            }
            catch (ConsumeException ex) when (!ex.Error.IsFatal)
            {
                // Nothing to do while paused; the error handler has logged it.
            }
        }
    }

    private void ForgetLag(IEnumerable<TopicPartition> partitions)
    {
        foreach (var partition in partitions)
        {
            lag.TryRemove(partition, out _);
        }
    }

    /// <summary>The end offsets come from the last fetch responses (no broker round trip).</summary>
    private void RecordLag(IConsumer<byte[]?, byte[]?> consumer, List<IncomingMessage> completed)
    {
        foreach (var last in completed.GroupBy(m => (m.Topic, m.Partition)).Select(g => g.MaxBy(m => m.Offset)!))
        {
            var partition = new TopicPartition(last.Topic, last.Partition);
            var end = consumer.GetWatermarkOffsets(partition).High;
            if (end != Offset.Unset)
            {
                lag[partition] = Math.Max(0, end.Value - (last.Offset + 1));
            }
        }
    }

    private static void StoreOffsets(IConsumer<byte[]?, byte[]?> consumer, List<IncomingMessage> completed)
    {
        foreach (var last in completed.GroupBy(m => (m.Topic, m.Partition)).Select(g => g.MaxBy(m => m.Offset)!))
        {
            try
            {
                // The stored offset is the next one to read.
                consumer.StoreOffset(new TopicPartitionOffset(last.Topic, last.Partition, last.Offset + 1));
            }
            catch (KafkaException ex) when (ex.Error.Code == ErrorCode.Local_State)
            {
                // The partition was reassigned; its new owner resumes from the last committed offset and the
                // profile markers make the redelivery harmless.
            }
        }
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Ingestion consumer group {GroupId} subscribed to {Topics}")]
    private static partial void LogStarted(ILogger logger, string groupId, string topics);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Assigned {Count} partition(s)")]
    private static partial void LogAssigned(ILogger logger, int count);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Revoked or lost {Count} partition(s)")]
    private static partial void LogRevoked(ILogger logger, int count);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "Batch of {Count} message(s) failed; partitions paused, retrying in {BackoffMs} ms ({ErrorType}: {Error})")]
    private static partial void LogBatchFailed(ILogger logger, int count, double backoffMs, string errorType, string error);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Information, Message = "Batch succeeded after retry; partitions resumed")]
    private static partial void LogResumed(ILogger logger);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "Kafka error {Code}: {Reason} (fatal: {IsFatal})")]
    private static partial void LogKafkaError(ILogger logger, ErrorCode code, string reason, bool isFatal);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Debug, Message = "librdkafka {Facility}: {Message}")]
    private static partial void LogKafkaClient(ILogger logger, string facility, string message);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Debug, Message = "Consume error {Code}: {Reason}")]
    private static partial void LogConsumeError(ILogger logger, ErrorCode code, string reason);
}
