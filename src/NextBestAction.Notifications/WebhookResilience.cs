using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using NextBestAction.Telemetry;
using Polly;
using Polly.Retry;
using Polly.Telemetry;
using Polly.Timeout;

namespace NextBestAction.Notifications;

/// <summary>
/// The webhook client's resilience handler (<c>Microsoft.Extensions.Http.Resilience</c>): up to
/// <c>Notifications:Webhook:MaxAttempts</c> attempts of <c>TimeoutMs</c> each, with exponential backoff and jitter from
/// <c>InitialBackoffMs</c> up to <c>MaxBackoffMs</c>, on the injected clock. Retried: 5xx, 408, 429, network errors and
/// attempt timeouts; never a redirect or another 4xx, which are failed deliveries at once.
/// </summary>
internal static partial class WebhookResilience
{
    public const string PipelineName = "nba-webhook-delivery";

    public static void Configure(
        ResiliencePipelineBuilder<HttpResponseMessage> builder, WebhookOptions webhook, TimeProvider clock, NbaTelemetry telemetry, ILogger logger)
    {
        builder.TimeProvider = clock;
        if (webhook.MaxAttempts > 1)
        {
            builder.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = webhook.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(webhook.InitialBackoffMs),
                MaxDelay = TimeSpan.FromMilliseconds(webhook.MaxBackoffMs),
                // As before: the backoff alone sets the wait. A Retry-After of hours would hold the partition that long.
                ShouldRetryAfterHeader = false,
                ShouldHandle = args => ValueTask.FromResult(IsRetried(args.Outcome)),
                OnRetry = args =>
                {
                    telemetry.WebhookDeliveries.Add(1, new KeyValuePair<string, object?>("outcome", "retried"));
                    var reason = FailureReason(args.Outcome, webhook.TimeoutMs);
                    LogRetry(logger, args.AttemptNumber + 1, reason, args.RetryDelay.TotalMilliseconds);
                    return default;
                },
            });
        }

        builder.AddTimeout(TimeSpan.FromMilliseconds(webhook.TimeoutMs));
    }

    /// <summary>
    /// Polly's own log of this pipeline's retries and failed attempts goes down to Debug: the retry callback above
    /// already logs each failed attempt once, with the reason, and the final failure is dead-lettered and logged by
    /// the delivery service. Other pipelines keep the severity they had.
    /// </summary>
    public static void QuietenLibraryLog(TelemetryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var others = options.SeverityProvider;
        options.SeverityProvider = args =>
            args.Source.PipelineName?.EndsWith(PipelineName, StringComparison.Ordinal) == true
                && args.Event.EventName is "OnRetry" or "ExecutionAttempt"
                ? ResilienceEventSeverity.Debug
                : others?.Invoke(args) ?? args.Event.Severity;
    }

    /// <summary>Whether another attempt may succeed: the receiver is down, overloaded or slow, or the network failed.</summary>
    public static bool IsRetried(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Result: { } response } => (int)response.StatusCode >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests,
        _ => false,
    };

    /// <summary>Why an attempt failed, as the retry log and the dead-letter reason say it; null when it succeeded.</summary>
    public static string? FailureReason(Outcome<HttpResponseMessage> outcome, int timeoutMs) => outcome switch
    {
        { Exception: HttpRequestException ex } => $"network error {ex.HttpRequestError}",
        { Exception: TimeoutRejectedException } => $"timed out after {timeoutMs} ms",
        { Result.IsSuccessStatusCode: true } => null,
        // Following a redirect would send the signed notification wherever the Location header points.
        { Result.StatusCode: var status } when (int)status is >= 300 and < 400 => $"HTTP {(int)status}, redirects are not followed",
        { Result.StatusCode: var status } => $"HTTP {(int)status}",
        { Exception: var ex } => ex?.GetType().Name,
    };

    [LoggerMessage(EventId = 6201, Level = LogLevel.Information, Message = "Webhook attempt {Attempt} failed ({Reason}); retrying in {BackoffMs} ms")]
    private static partial void LogRetry(ILogger logger, int attempt, string? reason, double backoffMs);
}
