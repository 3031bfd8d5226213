using System.Net.Http.Headers;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NextBestAction.Contracts;
using NextBestAction.Ingestion;
using NextBestAction.Kafka;
using NextBestAction.Telemetry;
using Polly;
using Polly.Timeout;

namespace NextBestAction.Notifications;

/// <summary>
/// Optional delivery of every notification to an app backend's webhook (<c>Notifications:Webhook:Url</c>), and of every
/// <c>customer.erased</c> announcement from <c>nba.privacy</c>, so the backend purges its copies of an erased customer.
/// A consumer group of its own reads both topics, so delivery is as durable as the topics and independent of
/// ingestion. Each notification is POSTed as its CloudEvent JSON (<c>application/cloudevents+json</c>) with an
/// HMAC-SHA256 signature over timestamp and body. 5xx, 408, 429, timeouts and network errors are retried with
/// exponential backoff and jitter by the client's resilience handler (<see cref="WebhookResilience"/>); after the last
/// attempt, or on any other status (a redirect included: none is followed), the record goes to the dead-letter topic
/// with the reason, and the failure is counted (<c>nba.notifications.webhook</c>, outcome <c>failed</c>) and logged. A
/// record that is not a notification (no string id that fits a header) goes there at once (outcome <c>malformed</c>).
/// The offset is stored only then, so nothing is dropped silently.
/// </summary>
public sealed partial class WebhookDeliveryService(
    IHttpClientFactory httpClients,
    DeadLetterPublisher deadLetters,
    IOptions<KafkaOptions> kafka,
    IOptions<NotificationOptions> options,
    NbaTelemetry telemetry,
    ILogger<WebhookDeliveryService> logger) : BackgroundService
{
    public const string HttpClientName = "nba-notification-webhook";
    public const string ReasonHeader = DeadLetterHeaders.Reason;

    /// <summary>Longest notification id sent in <see cref="WebhookSignature.IdHeader"/>; ours are about 30 characters.</summary>
    public const int MaxIdLength = 200;

    private readonly WebhookOptions webhook = options.Value.Webhook;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Run(() => ConsumeLoopAsync(stoppingToken), stoppingToken);

    private async Task ConsumeLoopAsync(CancellationToken stoppingToken)
    {
        var config = KafkaClientConfigs.Consumer(kafka.Value, "nba-notification-webhook");
        config.GroupId = $"{kafka.Value.GroupId}-webhook";
        config.EnableAutoCommit = true;
        config.EnableAutoOffsetStore = false;
        config.AutoOffsetReset ??= AutoOffsetReset.Earliest;
        config.AllowAutoCreateTopics ??= true;
        config.PartitionAssignmentStrategy = PartitionAssignmentStrategy.CooperativeSticky;
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config)
            .SetErrorHandler((_, e) => LogKafkaError(logger, e.Code, e.Reason))
            .Build();
        consumer.Subscribe([kafka.Value.Topics.Notifications, kafka.Value.Topics.Privacy]);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                ConsumeResult<byte[]?, byte[]?>? record;
                try
                {
                    record = consumer.Consume(TimeSpan.FromMilliseconds(100));
                }
                catch (ConsumeException ex) when (!ex.Error.IsFatal)
                {
                    continue;
                }

                if (record is null || record.IsPartitionEOF)
                {
                    continue;
                }

                await HandleAsync(record, stoppingToken);
                consumer.StoreOffset(record);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The record in flight is not stored, so it is delivered again after a restart.
        }
        finally
        {
            consumer.Close();
        }
    }

    /// <summary>Ends with the record delivered or dead-lettered.</summary>
    private async Task HandleAsync(ConsumeResult<byte[]?, byte[]?> record, CancellationToken stoppingToken)
    {
        var body = record.Message.Value ?? [];
        var (notificationId, type, malformed) = ReadEnvelope(body);
        if (record.Topic == kafka.Value.Topics.Privacy && type != EventTypes.CustomerErased)
        {
            // Erasure requests and anything else on the privacy topic are ingestion's; only announcements go out.
            return;
        }

        if (malformed is not null)
        {
            Count("malformed");
            LogMalformed(logger, record.Topic, record.Partition.Value, record.Offset.Value, malformed);
            await DeadLetterAsync(record, $"malformed notification: {malformed}", type, stoppingToken);
            return;
        }

        await DeliverAsync(record, body, notificationId, type, stoppingToken);
    }

    /// <summary>Delivers one notification, retried by the client's resilience handler; ends with it delivered or dead-lettered.</summary>
    private async Task DeliverAsync(ConsumeResult<byte[]?, byte[]?> record, byte[] body, string notificationId, string? type, CancellationToken stoppingToken)
    {
        var failure = await PostAsync(body, notificationId, stoppingToken);
        if (failure is null)
        {
            Count("delivered");
            return;
        }

        Count("failed");
        LogFailed(logger, failure);
        await DeadLetterAsync(record, $"webhook delivery failed: {failure}", type, stoppingToken);
    }

    private Task DeadLetterAsync(ConsumeResult<byte[]?, byte[]?> record, string reason, string? type, CancellationToken stoppingToken)
    {
        var message = new IncomingMessage(record.Topic, record.Partition.Value, record.Offset.Value, record.Message.Key, record.Message.Value,
            TraceContext: KafkaTracing.Extract(record.Message.Headers));
        return deadLetters.PublishAsync([(message, reason, type)], stoppingToken);
    }

    /// <summary>Why the last attempt failed, or null when the notification was delivered.</summary>
    private async Task<string?> PostAsync(byte[] body, string notificationId, CancellationToken stoppingToken)
    {
        // Time, attempt number and signature are set per attempt by WebhookSigningHandler, inside the retries.
        using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/cloudevents+json");
        request.Headers.Add(WebhookSignature.IdHeader, notificationId);
        request.Options.Set(WebhookSigningHandler.Body, body);
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, stoppingToken);
            return WebhookResilience.FailureReason(Outcome.FromResult(response), webhook.TimeoutMs);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException)
        {
            return WebhookResilience.FailureReason(Outcome.FromException<HttpResponseMessage>(ex), webhook.TimeoutMs);
        }
    }

    /// <summary>The CloudEvent's id and type, or why the record is not a notification that can be sent.</summary>
    internal static (string Id, string? Type, string? Malformed) ReadEnvelope(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return ("", null, "not a JSON object");
            }

            var type = root.TryGetProperty("type", out var typeElement) && typeElement.ValueKind == JsonValueKind.String ? typeElement.GetString() : null;
            if (!root.TryGetProperty("id", out var idElement) || idElement.ValueKind != JsonValueKind.String)
            {
                return ("", type, "\"id\" is not a string");
            }

            // The id goes into a request header: no control characters (CR/LF would split the request), no non-ASCII.
            var id = idElement.GetString()!;
            return id.Length is > 0 and <= MaxIdLength && id.All(c => c is > ' ' and <= '~')
                ? (id, type, null)
                : ("", type, $"\"id\" must be 1 to {MaxIdLength} printable ASCII characters");
        }
        catch (JsonException)
        {
            return ("", null, "not JSON");
        }
    }

    private void Count(string outcome) => telemetry.WebhookDeliveries.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    [LoggerMessage(EventId = 6202, Level = LogLevel.Error, Message = "Webhook delivery failed for good ({Reason}); the notification went to the dead-letter topic")]
    private static partial void LogFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 6203, Level = LogLevel.Warning, Message = "Webhook consumer Kafka error {Code}: {Reason}")]
    private static partial void LogKafkaError(ILogger logger, ErrorCode code, string reason);

    [LoggerMessage(EventId = 6204, Level = LogLevel.Warning, Message = "Webhook skipped a malformed record at {Topic}/{Partition}@{Offset} ({Reason}); it went to the dead-letter topic")]
    private static partial void LogMalformed(ILogger logger, string topic, int partition, long offset, string reason);
}
