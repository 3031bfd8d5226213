using System.Globalization;
using Microsoft.Extensions.Options;

namespace NextBestAction.Notifications;

/// <summary>
/// Stamps every attempt of a webhook request, inside the resilience handler's retries: the attempt number, the time and
/// the HMAC signature over time and body. The body comes in <see cref="Body"/>, so it is not read back from the content.
/// </summary>
internal sealed class WebhookSigningHandler(IOptions<NotificationOptions> options, TimeProvider clock) : DelegatingHandler
{
    public static readonly HttpRequestOptionsKey<byte[]> Body = new("nba.webhook.body");
    private static readonly HttpRequestOptionsKey<int> Attempt = new("nba.webhook.attempt");

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var attempt = (request.Options.TryGetValue(Attempt, out var previous) ? previous : 0) + 1;
        request.Options.Set(Attempt, attempt);
        var body = request.Options.TryGetValue(Body, out var bytes) ? bytes : [];
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        Replace(request, WebhookSignature.TimestampHeader, timestamp);
        Replace(request, WebhookSignature.SignatureHeader, WebhookSignature.SignatureHeaderValue(options.Value.Webhook.SigningSecrets, timestamp, body));
        Replace(request, WebhookSignature.AttemptHeader, attempt.ToString(CultureInfo.InvariantCulture));
        return base.SendAsync(request, cancellationToken);
    }

    private static void Replace(HttpRequestMessage request, string header, string value)
    {
        request.Headers.Remove(header);
        request.Headers.Add(header, value);
    }
}
