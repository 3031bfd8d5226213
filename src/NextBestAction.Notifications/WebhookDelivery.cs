using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NextBestAction.Contracts;
using NextBestAction.Ingestion;
using NextBestAction.ServiceDefaults;

namespace NextBestAction.Notifications;

/// <summary>The webhook request headers and how to check them (the app backend does the same).</summary>
public static class WebhookSignature
{
    public const string SignatureHeader = "X-Nba-Signature";
    public const string TimestampHeader = "X-Nba-Timestamp";
    public const string AttemptHeader = "X-Nba-Delivery-Attempt";
    public const string IdHeader = "X-Nba-Notification-Id";

    /// <summary><c>sha256=</c> and the lower-case hex HMAC-SHA256 of "{timestamp}.{body}" under the shared secret.</summary>
    public static string Sign(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(timestamp + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }

    /// <summary>Constant-time check of a received signature.</summary>
    public static bool Verify(string secret, string timestamp, ReadOnlySpan<byte> body, string? signature) =>
        signature is not null
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(secret, timestamp, body)), Encoding.ASCII.GetBytes(signature));
}

/// <summary>
/// Optional delivery of every notification to an app backend's webhook (<c>Notifications:Webhook:Url</c>). A consumer
/// group of its own reads <c>nba.notifications</c>, so delivery is as durable as the topic and independent of
/// ingestion. Each notification is POSTed as its CloudEvent JSON (<c>application/cloudevents+json</c>) with an
/// HMAC-SHA256 signature over timestamp and body. 5xx, 408, 429 and network errors are retried with exponential
/// backoff and jitter; after the last attempt, or on any other 4xx, the record goes to the dead-letter topic with the
/// reason, and the failure is counted (<c>nba.notifications.webhook</c>, outcome <c>failed</c>) and logged. The
/// offset is stored only then, so nothing is dropped silently.
/// </summary>
public sealed partial class WebhookDeliveryService(
    IHttpClientFactory httpClients,
    IProducer<byte[]?, byte[]?> deadLetterProducer,
    IOptions<KafkaOptions> kafka,
    IOptions<NotificationOptions> options,
    NbaTelemetry telemetry,
    TimeProvider clock,
    ILogger<WebhookDeliveryService> logger) : BackgroundService
{
    public const string HttpClientName = "nba-notification-webhook";
    public const string ReasonHeader = DeadLetterHeaders.Reason;

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
        consumer.Subscribe(kafka.Value.Topics.Notifications);
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

                await DeliverAsync(record, stoppingToken);
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

    /// <summary>Delivers one record, retrying; ends with it delivered or dead-lettered.</summary>
    private async Task DeliverAsync(ConsumeResult<byte[]?, byte[]?> record, CancellationToken stoppingToken)
    {
        var body = record.Message.Value ?? [];
        var notificationId = IdOf(body);
        var backoff = TimeSpan.FromMilliseconds(webhook.InitialBackoffMs);
        string failure = "";
        for (var attempt = 1; attempt <= webhook.MaxAttempts; attempt++)
        {
            var (ok, retry, reason) = await PostAsync(body, notificationId, attempt, stoppingToken);
            if (ok)
            {
                Count("delivered");
                return;
            }

            failure = reason;
            if (!retry || attempt == webhook.MaxAttempts)
            {
                break;
            }

            Count("retried");
            LogRetry(logger, attempt, reason, backoff.TotalMilliseconds);
            var jitter = 0.8 + Random.Shared.NextDouble() * 0.4;
            await Task.Delay(backoff * jitter, clock, stoppingToken);
            backoff = TimeSpan.FromMilliseconds(Math.Min(backoff.TotalMilliseconds * 2, webhook.MaxBackoffMs));
        }

        Count("failed");
        LogFailed(logger, failure);
        await deadLetterProducer.ProduceAsync(kafka.Value.Topics.DeadLetter, new Message<byte[]?, byte[]?>
        {
            Key = record.Message.Key,
            Value = record.Message.Value,
            Headers = new Headers
            {
                { ReasonHeader, Encoding.UTF8.GetBytes($"webhook delivery failed: {failure}") },
                { DeadLetterHeaders.Topic, Encoding.UTF8.GetBytes(record.Topic) },
                { DeadLetterHeaders.Partition, Encoding.UTF8.GetBytes(record.Partition.Value.ToString(CultureInfo.InvariantCulture)) },
                { DeadLetterHeaders.Offset, Encoding.UTF8.GetBytes(record.Offset.Value.ToString(CultureInfo.InvariantCulture)) },
            },
        }, stoppingToken);
    }

    private async Task<(bool Ok, bool Retry, string Reason)> PostAsync(byte[] body, string notificationId, int attempt, CancellationToken stoppingToken)
    {
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/cloudevents+json");
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp);
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(webhook.Secret, timestamp, body));
        request.Headers.Add(WebhookSignature.AttemptHeader, attempt.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.IdHeader, notificationId);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(webhook.TimeoutMs);
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, timeout.Token);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return (true, false, "");
            }

            var retry = status >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;
            return (false, retry, $"HTTP {status}");
        }
        catch (HttpRequestException ex)
        {
            return (false, true, $"network error {ex.HttpRequestError}");
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            return (false, true, $"timed out after {webhook.TimeoutMs} ms");
        }
    }

    private static string IdOf(byte[] body)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("id", out var id) ? id.GetString() ?? "" : "";
        }
        catch (System.Text.Json.JsonException)
        {
            return "";
        }
    }

    private void Count(string outcome) => telemetry.WebhookDeliveries.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    [LoggerMessage(EventId = 6201, Level = LogLevel.Information, Message = "Webhook attempt {Attempt} failed ({Reason}); retrying in {BackoffMs} ms")]
    private static partial void LogRetry(ILogger logger, int attempt, string reason, double backoffMs);

    [LoggerMessage(EventId = 6202, Level = LogLevel.Error, Message = "Webhook delivery failed for good ({Reason}); the notification went to the dead-letter topic")]
    private static partial void LogFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 6203, Level = LogLevel.Warning, Message = "Webhook consumer Kafka error {Code}: {Reason}")]
    private static partial void LogKafkaError(ILogger logger, ErrorCode code, string reason);
}
