using System.Text.Json;
using System.Threading.Channels;
using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NextBestAction.Contracts;
using NextBestAction.Kafka;
using NextBestAction.ServiceDefaults;
using NextBestAction.Telemetry;

namespace NextBestAction.Decisioning.DecisionLog;

/// <summary>
/// Writes every served decision to <c>nba.decisions</c> as a CloudEvent, off the request path: the decision
/// goes into a bounded queue and this service builds and produces the record. When the queue or the
/// producer's buffer is full the record is dropped and counted (<c>nba.decision_log.dropped</c>); a decision
/// never waits for Kafka.
/// </summary>
public sealed partial class DecisionLogPublisher : BackgroundService
{
    private readonly Channel<ServedDecision> queue;
    private readonly IProducer<string, byte[]> producer;
    private readonly string topic;
    private readonly NbaTelemetry telemetry;
    private readonly ILogger<DecisionLogPublisher> logger;
    private readonly Action<DeliveryReport<string, byte[]>> onDelivered;

    public DecisionLogPublisher(
        IProducer<string, byte[]> producer,
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
        topic = kafka.Value.Topics.Decisions;
        this.telemetry = telemetry;
        this.logger = logger;
        onDelivered = report =>
        {
            if (report.Error.IsError)
            {
                Dropped("delivery_failed");
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

        Dropped("queue_full");
        return false;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var decision in queue.Reader.ReadAllAsync(stoppingToken))
            {
                Publish(decision);
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
        while (queue.Reader.TryRead(out var decision))
        {
            Publish(decision);
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

    private void Publish(ServedDecision decision)
    {
        byte[] value;
        try
        {
            value = Serialize(decision);
        }
        catch (JsonException ex)
        {
            LogSerializationFailed(logger, ex.GetType().Name);
            Dropped("serialization_failed");
            return;
        }

        using var send = KafkaTracing.StartSend(telemetry.ActivitySource, topic, decision.TraceContext);
        try
        {
            producer.Produce(topic, new Message<string, byte[]> { Key = decision.CustomerId, Value = value, Headers = KafkaTracing.Inject(send) }, onDelivered);
        }
        catch (ProduceException<string, byte[]> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
        {
            Dropped("producer_queue_full");
        }
        catch (KafkaException ex)
        {
            LogProduceFailed(logger, ex.Error.Code.ToString());
            Dropped("produce_failed");
        }
    }

    public static byte[] Serialize(ServedDecision served) => DecisionLogEvents.Serialize(ToRecord(served));

    public static DecisionLogRecord ToRecord(ServedDecision served) => DecisionLogEvents.ToRecord(
        served.DecisionId, served.CustomerId, served.At, served.Touchpoint, served.Channel, served.Cart,
        served.Decision, served.Degraded, served.ModelVersion, served.CatalogVersion, served.Policy, served.Group);

    private void Dropped(string reason) => telemetry.DecisionLogDropped.Add(1, new KeyValuePair<string, object?>("reason", reason));

    [LoggerMessage(EventId = 3101, Level = LogLevel.Error, Message = "A decision-log record could not be serialised ({ErrorType}); it was dropped")]
    private static partial void LogSerializationFailed(ILogger logger, string errorType);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "A decision-log record could not be produced ({ErrorCode}); it was dropped")]
    private static partial void LogProduceFailed(ILogger logger, string errorCode);
}
