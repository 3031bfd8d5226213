using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Options;
using NextBestAction.Contracts;
using NextBestAction.Kafka;
using NextBestAction.Telemetry;

namespace NextBestAction.Notifications;

/// <summary>
/// Produces notifications to <c>nba.notifications</c> as CloudEvents, keyed by customer id, with an idempotent producer
/// (acks=all), and waits for Kafka's acknowledgement: the caller marks a notification sent only after that.
/// </summary>
public sealed class NotificationPublisher(
    NotificationProducer producer, IOptions<KafkaOptions> kafka, IOptions<NotificationOptions> options, NbaTelemetry telemetry)
{
    private readonly string topic = kafka.Value.Topics.Notifications;
    private readonly string source = options.Value.Source;

    /// <summary>Completes when Kafka acknowledged every notification; throws (a KafkaException) when one failed.</summary>
    public async Task PublishAsync(IReadOnlyList<Notification> notifications, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (notifications.Count == 0)
        {
            return;
        }

        var deliveries = new Task[notifications.Count];
        for (var i = 0; i < notifications.Count; i++)
        {
            var n = notifications[i];
            using var send = KafkaTracing.StartSend(telemetry.ActivitySource, topic, n.Trace);
            deliveries[i] = producer.Producer.ProduceAsync(topic, new Message<string, byte[]>
            {
                Key = n.CustomerId,
                Value = Serialize(n, source, now),
                Headers = KafkaTracing.Inject(send, new Headers { { "ce_type", System.Text.Encoding.UTF8.GetBytes(n.Type) } }),
            }, cancellationToken);
        }

        await Task.WhenAll(deliveries);
    }

    /// <summary>The CloudEvent: id is the notification id, subject the customer id, time when it was sent.</summary>
    public static byte[] Serialize(Notification notification, string source, DateTimeOffset sentAt) =>
        JsonSerializer.SerializeToUtf8Bytes(
            new OutgoingCloudEvent<NotificationData>(notification.Id, source, notification.Type, sentAt, notification.CustomerId, notification.Data),
            NotificationsJsonContext.Default.OutgoingCloudEventNotificationData);
}

/// <summary>The notifications' own Kafka producer, apart from the dead-letter one, so each is configured and flushed for its purpose.</summary>
public sealed class NotificationProducer(IProducer<string, byte[]> producer) : IDisposable
{
    public IProducer<string, byte[]> Producer { get; } = producer;

    public void Dispose()
    {
        Producer.Flush(TimeSpan.FromSeconds(5));
        Producer.Dispose();
    }
}
