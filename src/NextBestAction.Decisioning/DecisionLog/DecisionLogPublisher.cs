using System.Text.Json;
using System.Threading.Channels;
using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NextBestAction.Contracts;
using NextBestAction.Kafka;
using NextBestAction.Profiles.Privacy;
using NextBestAction.ServiceDefaults;
using NextBestAction.Telemetry;
using StackExchange.Redis;

namespace NextBestAction.Decisioning.DecisionLog;

/// <summary>
/// Writes every served decision to <c>nba.decisions</c> as a CloudEvent, off the request path: the decision
/// goes into a bounded queue and this service builds the record, seals it with the customer's key
/// (<see cref="DecisionLogKeys"/>) and produces it. When the queue or the
/// producer's buffer is full the record is dropped and counted (<c>nba.decision_log.dropped</c>); a decision
/// never waits for Kafka.
/// </summary>
public sealed partial class DecisionLogPublisher : BackgroundService
{
    /// <summary>Records sealed and produced per round: enough to share the key lookups' round trips under load.</summary>
    private const int MaxBatch = 256;

    private readonly Channel<ServedDecision> queue;
    private readonly IProducer<string, byte[]> producer;
    private readonly string topic;
    private readonly NbaTelemetry telemetry;
    private readonly ILogger<DecisionLogPublisher> logger;
    private readonly Action<DeliveryReport<string, byte[]>> onDelivered;
    private readonly SealingKeys sealingKeys;

    public DecisionLogPublisher(
        IProducer<string, byte[]> producer,
        SealingKeys sealingKeys,
        IOptions<KafkaOptions> kafka,
        IOptions<DecisionOptions> options,
        NbaTelemetry telemetry,
        ILogger<DecisionLogPublisher> logger)
    {
        queue = Channel.CreateBounded<ServedDecision>(new BoundedChannelOptions(options.Value.DecisionLogQueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        this.producer = producer;
        this.sealingKeys = sealingKeys;
        topic = kafka.Value.Topics.Decisions;
        this.telemetry = telemetry;
        this.logger = logger;
        onDelivered = report =>
        {
            if (report.Error.IsError)
            {
                Dropped("delivery_failed", 1);
            }
        };
    }

    /// <summary>Queues the decision for the log; false (and counted) when the queue is full.</summary>
    public bool TryEnqueue(ServedDecision decision)
    {
        if (queue.Writer.TryWrite(decision))
        {
            return true;
        }

        Dropped("queue_full", 1);
        return false;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<ServedDecision>(MaxBatch);
        try
        {
            while (await queue.Reader.WaitToReadAsync(stoppingToken))
            {
                while (batch.Count < MaxBatch && queue.Reader.TryRead(out var decision))
                {
                    batch.Add(decision);
                }

                await PublishAsync(batch);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: what is still queued is flushed in StopAsync.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
        var rest = new List<ServedDecision>();
        while (queue.Reader.TryRead(out var decision))
        {
            rest.Add(decision);
        }

        if (rest.Count > 0)
        {
            await PublishAsync(rest);
        }

        try
        {
            producer.Flush(TimeSpan.FromSeconds(5));
        }
        catch (ObjectDisposedException)
        {
            // Stopped a second time after the container disposed the producer: nothing is left to flush.
        }
    }

    /// <summary>
    /// Seals each record with its customer's key (<see cref="SealingKeys"/>) and produces it. A decision served before
    /// its customer's erasure is not logged: its key is gone, and making a new one would undo the shredding. Without
    /// Redis no record is written, rather than one in plain text.
    /// </summary>
    private async Task PublishAsync(List<ServedDecision> batch)
    {
        Dictionary<string, SealingKey> byCustomer;
        try
        {
            byCustomer = await sealingKeys.ForBatchAsync([.. batch.Select(d => (d.CustomerId, d.At))]);
        }
        catch (Exception ex) when (ex is RedisException or RedisTimeoutException or RedisConnectionException)
        {
            LogKeysUnavailable(logger, batch.Count, ex.GetType().Name);
            Dropped("key_unavailable", batch.Count);
            return;
        }

        foreach (var decision in batch)
        {
            var (subject, erasedAt, key) = byCustomer[decision.CustomerId];
            if (key is null || decision.At <= erasedAt)
            {
                Dropped("customer_erased", 1);
                continue;
            }

            Publish(decision, subject, key);
        }
    }

    private void Publish(ServedDecision decision, string subject, byte[] key)
    {
        byte[] value;
        try
        {
            value = Serialize(decision, subject, key);
        }
        catch (JsonException ex)
        {
            LogSerializationFailed(logger, ex.GetType().Name);
            Dropped("serialization_failed", 1);
            return;
        }

        using var send = KafkaTracing.StartSend(telemetry.ActivitySource, topic, decision.TraceContext);
        try
        {
            // Keyed by the subject hash: a customer's records stay on one partition without naming the customer.
            producer.Produce(topic, new Message<string, byte[]> { Key = subject, Value = value, Headers = KafkaTracing.Inject(send) }, onDelivered);
        }
        catch (ProduceException<string, byte[]> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
        {
            Dropped("producer_queue_full", 1);
        }
        catch (KafkaException ex)
        {
            LogProduceFailed(logger, ex.Error.Code.ToString());
            Dropped("produce_failed", 1);
        }
    }

    /// <summary>The event as it goes to the topic: the record sealed with <paramref name="key"/>, the customer named by <paramref name="subject"/>.</summary>
    public static byte[] Serialize(ServedDecision served, string subject, ReadOnlySpan<byte> key) => DecisionLogEvents.SerializeSealed(ToRecord(served), subject, key);

    public static DecisionLogRecord ToRecord(ServedDecision served)
    {
        ArgumentNullException.ThrowIfNull(served);
        var record = DecisionLogEvents.ToRecord(
            served.DecisionId, served.CustomerId, served.At, served.Touchpoint, served.Channel, served.Cart,
            served.Decision, served.Degraded, served.ModelVersion, served.CatalogVersion, served.Policy, served.Group);
        return served.Shadow is { } shadow ? record with { Shadow = DecisionLogEvents.ToShadow(shadow) } : record;
    }

    private void Dropped(string reason, int count) => telemetry.DecisionLogDropped.Add(count, new KeyValuePair<string, object?>("reason", reason));

    [LoggerMessage(EventId = 3101, Level = LogLevel.Error, Message = "A decision-log record could not be serialised ({ErrorType}); it was dropped")]
    private static partial void LogSerializationFailed(ILogger logger, string errorType);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Warning, Message = "{Count} decision-log records were dropped: their customers' keys could not be read from Redis ({ErrorType})")]
    private static partial void LogKeysUnavailable(ILogger logger, int count, string errorType);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "A decision-log record could not be produced ({ErrorCode}); it was dropped")]
    private static partial void LogProduceFailed(ILogger logger, string errorCode);
}
