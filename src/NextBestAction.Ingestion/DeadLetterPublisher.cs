using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Options;
using NextBestAction.Contracts;
using NextBestAction.Kafka;
using NextBestAction.Telemetry;

namespace NextBestAction.Ingestion;

/// <summary>
/// Publishes rejected input to the dead-letter topic: the original key and bytes, with the source
/// position and the reason in headers. Completes only when Kafka has acknowledged every record, so the
/// consumer never commits past a rejected event that was not kept.
/// </summary>
public sealed class DeadLetterPublisher(IProducer<byte[]?, byte[]?> producer, IOptions<KafkaOptions> options, TimeProvider clock, NbaTelemetry tracing)
{
    private readonly string topic = options.Value.Topics.DeadLetter;

    public async Task PublishAsync(IReadOnlyList<(IncomingMessage Message, string Reason, string? Type)> rejected, CancellationToken cancellationToken)
    {
        var rejectedAt = clock.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
        var deliveries = rejected.Select(r =>
        {
            var headers = new Headers
            {
                { DeadLetterHeaders.Reason, Encoding.UTF8.GetBytes(r.Reason) },
                { DeadLetterHeaders.Topic, Encoding.UTF8.GetBytes(r.Message.Topic) },
                { DeadLetterHeaders.Partition, Encoding.UTF8.GetBytes(r.Message.Partition.ToString(CultureInfo.InvariantCulture)) },
                { DeadLetterHeaders.Offset, Encoding.UTF8.GetBytes(r.Message.Offset.ToString(CultureInfo.InvariantCulture)) },
                { DeadLetterHeaders.RejectedAt, Encoding.UTF8.GetBytes(rejectedAt) },
            };
            if (r.Type is not null)
            {
                headers.Add(DeadLetterHeaders.EventType, Encoding.UTF8.GetBytes(r.Type));
            }

            // The rejected message's own trace goes on with the dead letter, so a rejection can be followed from its producer.
            using var send = KafkaTracing.StartSend(tracing.ActivitySource, topic, r.Message.TraceContext);
            return producer.ProduceAsync(topic, new Message<byte[]?, byte[]?> { Key = r.Message.Key, Value = r.Message.Value, Headers = KafkaTracing.Inject(send, headers) }, cancellationToken);
        }).ToArray();
        await Task.WhenAll(deliveries);
    }
}
