using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using NextBestAction.Ingestion;
using NextBestAction.IntegrationTests.Fixtures;
using NextBestAction.IntegrationTests.Reliability;
using NextBestAction.Notifications;

namespace NextBestAction.IntegrationTests.Notifications;

/// <summary>
/// Webhook delivery to a real HTTP endpoint: a Kestrel listener on a loopback port in the test, which checks every
/// request's HMAC signature the way an app backend would and answers as each test scripts it. The server signs with a
/// current and a previous secret, as during a rotation.
/// </summary>
[Collection(TelemetryTestsRunAlone.Name)]
public sealed class NotificationWebhookTests(KafkaFixture kafka, RedisServerFixture redis) : IAsyncLifetime
{
    private const string Secret = "webhook-test-secret-0123456789";
    private const string PreviousSecret = "webhook-previous-secret-987654";
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(45);

    private readonly ConcurrentQueue<(string Subject, int Attempt, bool SignatureValid, int Status)> requests = new();
    private readonly ConcurrentQueue<(bool ValidForPrevious, bool ValidForOther, string Signature)> signatures = new();
    private readonly ConcurrentQueue<(string Subject, string Type, bool SignatureValid)> eventTypes = new();
    private int redirectTargetHits;
    private WebApplication? endpoint;
    private NotificationServerFactory? factory;

    /// <summary>How the endpoint answers attempt n for a customer.</summary>
    private Func<string, int, int> answer = (_, _) => 200;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        endpoint = builder.Build();
        endpoint.MapPost("/hooks/notifications", async (HttpRequest request, HttpResponse response) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            var body = buffer.ToArray();
            var timestamp = request.Headers[WebhookSignature.TimestampHeader].ToString();
            var signature = request.Headers[WebhookSignature.SignatureHeader].ToString();
            var valid = WebhookSignature.Verify(Secret, timestamp, body, signature);
            signatures.Enqueue((WebhookSignature.Verify(PreviousSecret, timestamp, body, signature),
                WebhookSignature.Verify("some-other-secret-0123456789", timestamp, body, signature), signature));
            using var cloudEvent = JsonDocument.Parse(body);
            var subject = cloudEvent.RootElement.GetProperty("subject").GetString()!;
            eventTypes.Enqueue((subject, cloudEvent.RootElement.GetProperty("type").GetString()!, valid));
            var attempt = int.Parse(request.Headers[WebhookSignature.AttemptHeader].ToString(), System.Globalization.CultureInfo.InvariantCulture);
            var status = valid ? answer(subject, attempt) : 401;
            requests.Enqueue((subject, attempt, valid, status));
            if (status is >= 300 and < 400)
            {
                response.Headers.Location = "/hooks/moved";
            }

            return Results.StatusCode(status);
        });
        endpoint.MapPost("/hooks/moved", () =>
        {
            Interlocked.Increment(ref redirectTargetHits);
            return Results.Ok();
        });
        await endpoint.StartAsync();
        factory = new NotificationServerFactory(kafka, redis)
        {
            Extra =
            {
                ["Notifications:Webhook:Url"] = $"{endpoint.Urls.First()}/hooks/notifications",
                ["Notifications:Webhook:Secret"] = Secret,
                ["Notifications:Webhook:PreviousSecret"] = PreviousSecret,
                ["Notifications:Webhook:AllowHttp"] = "true",
                ["Notifications:Webhook:MaxAttempts"] = "4",
                ["Notifications:Webhook:InitialBackoffMs"] = "20",
                ["Notifications:Webhook:MaxBackoffMs"] = "100",
            },
        };
        factory.CreateClient().Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        if (factory is not null)
        {
            await factory.DisposeAsync();
        }

        if (endpoint is not null)
        {
            await endpoint.DisposeAsync();
        }
    }

    private async Task LateDeliveryAsync(string customer)
    {
        var placed = DateTimeOffset.UtcNow.AddDays(-4);
        await kafka.ProduceAsync(factory!.Topics.Orders, customer, CloudEvents.Create("order.placed", customer, new
        {
            orderId = "o-hook",
            items = new[] { new { productId = "p-1", category = "misc", productLine = "misc", price = 1.0, quantity = 1 } },
            total = 1.0,
            promisedDeliveryDate = placed.AddDays(2).ToString("O"),
        }, placed));
        await kafka.ProduceAsync(factory.Topics.Orders, customer, CloudEvents.Create("order.delivered", customer,
            new { orderId = "o-hook", deliveredAt = DateTimeOffset.UtcNow.ToString("O") }));
    }

    private List<(string Subject, int Attempt, bool SignatureValid, int Status)> RequestsFor(string customer) =>
        [.. requests.Where(r => r.Subject == customer)];

    [Fact]
    public async Task Erasure_IsAnnouncedToTheWebhook_Signed_SoTheBackendCanPurgeItsCopies()
    {
        var customer = $"cust-{factory!.Suffix}-erased";
        var askedOnKafka = $"cust-{factory.Suffix}-erased-by-event";
        await LateDeliveryAsync(customer);
        Assert.True(await Wait.UntilAsync(() => Task.FromResult(eventTypes.Any(e => e.Subject == customer)), MaxWait, TimeSpan.FromMilliseconds(50)),
            "the late-delivery notification never reached the webhook");

        using var desk = factory.CreateClientWithKey(NbaServerFactory.PrivacyKey);
        using var erased = await desk.DeleteAsync($"/v1/customers/{customer}");
        Assert.Equal(System.Net.HttpStatusCode.OK, erased.StatusCode);
        await kafka.ProduceAsync(factory.Topics.Privacy, askedOnKafka, CloudEvents.Create("customer.erasure_requested", askedOnKafka, new { }));

        Assert.True(await Wait.UntilAsync(
            () => Task.FromResult(new[] { customer, askedOnKafka }.All(c => eventTypes.Any(e => e.Subject == c && e.Type == "customer.erased"))),
            MaxWait, TimeSpan.FromMilliseconds(50)), "customer.erased did not reach the webhook for both erasures");
        Assert.All(eventTypes.Where(e => e.Subject == customer || e.Subject == askedOnKafka), e => Assert.True(e.SignatureValid));
        Assert.Equal(["customer.erased"], eventTypes.Where(e => e.Subject == askedOnKafka).Select(e => e.Type));
        // The request on the privacy topic is ingestion's business; only the announcement goes out.
        Assert.DoesNotContain(eventTypes, e => e.Type == "customer.erasure_requested");
    }

    [Fact]
    public async Task Webhook_EndpointFailsTwice_RetriedWithBackoffAndDeliveredSigned()
    {
        var customer = $"cust-{factory!.Suffix}-hook";
        answer = (_, attempt) => attempt <= 2 ? 503 : 200;

        await LateDeliveryAsync(customer);

        Assert.True(await Wait.UntilAsync(() => Task.FromResult(RequestsFor(customer).Any(r => r.Status == 200)), MaxWait, TimeSpan.FromMilliseconds(50)));
        var seen = RequestsFor(customer);
        Assert.Equal([1, 2, 3], seen.Select(r => r.Attempt));
        Assert.All(seen, r => Assert.True(r.SignatureValid));
        Assert.Equal([503, 503, 200], seen.Select(r => r.Status));
    }

    [Fact]
    public async Task Webhook_EndpointKeepsFailing_DeadLetteredWithReasonAfterLastAttempt()
    {
        var customer = $"cust-{factory!.Suffix}-down";
        answer = (_, _) => 500;

        await LateDeliveryAsync(customer);

        var dead = kafka.Consume(factory.Topics.DeadLetter, 1, MaxWait);
        var record = Assert.Single(dead);
        Assert.Equal(customer, record.Message.Key);
        Assert.Equal("webhook delivery failed: HTTP 500", Encoding.UTF8.GetString(record.Message.Headers.GetLastBytes(WebhookDeliveryService.ReasonHeader)));
        Assert.Equal(factory.Topics.Notifications, Encoding.UTF8.GetString(record.Message.Headers.GetLastBytes(DeadLetterHeaders.Topic)));
        Assert.Equal(NotificationTypes.DeliveryDelay, JsonDocument.Parse(record.Message.Value).RootElement.GetProperty("type").GetString());
        Assert.Equal([1, 2, 3, 4], RequestsFor(customer).Select(r => r.Attempt));

        // Visible: counted on /metrics.
        using var client = factory.CreateClient();
        var metrics = "";
        Assert.True(await Wait.UntilAsync(async () =>
        {
            metrics = await client.GetStringAsync("/metrics");
            return metrics.Split('\n').Any(l => l.StartsWith("nba_notifications_webhook", StringComparison.Ordinal) && l.Contains("outcome=\"failed\"", StringComparison.Ordinal));
        }, MaxWait, TimeSpan.FromMilliseconds(200)), "no failed webhook delivery on /metrics");
    }

    [Fact]
    public async Task Webhook_EndpointRefusesWith4xx_NotRetriedAndDeadLettered()
    {
        var customer = $"cust-{factory!.Suffix}-gone";
        answer = (_, _) => 410;

        await LateDeliveryAsync(customer);

        var record = Assert.Single(kafka.Consume(factory.Topics.DeadLetter, 1, MaxWait));
        Assert.Equal("webhook delivery failed: HTTP 410", Encoding.UTF8.GetString(record.Message.Headers.GetLastBytes(WebhookDeliveryService.ReasonHeader)));
        Assert.Equal([1], RequestsFor(customer).Select(r => r.Attempt));
    }

    [Fact]
    public async Task Webhook_MalformedRecords_DeadLetteredWithReasonAndLaterNotificationsDelivered()
    {
        var customer = $"cust-{factory!.Suffix}-malformed";
        answer = (_, _) => 200;
        byte[] Record(object id) => JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["specversion"] = "1.0",
            ["id"] = id,
            ["source"] = "/nba/notifications",
            ["type"] = NotificationTypes.DeliveryDelay,
            ["subject"] = customer,
            ["data"] = new { },
        });

        // Same key as the good notification, so the same partition, ahead of it.
        await kafka.ProduceAsync(factory.Topics.Notifications, customer, Record(42));
        await kafka.ProduceAsync(factory.Topics.Notifications, customer, Record("ntf-push-1\r\nX-Injected: yes"));
        await LateDeliveryAsync(customer);

        Assert.True(await Wait.UntilAsync(() => Task.FromResult(RequestsFor(customer).Any(r => r.Status == 200)), MaxWait, TimeSpan.FromMilliseconds(50)),
            "the notification after the malformed records was not delivered");
        var dead = kafka.Consume(factory.Topics.DeadLetter, 2, MaxWait);
        Assert.Equal(
            ["malformed notification: \"id\" is not a string", "malformed notification: \"id\" must be 1 to 200 printable ASCII characters"],
            dead.Select(r => Encoding.UTF8.GetString(r.Message.Headers.GetLastBytes(DeadLetterHeaders.Reason))));
        Assert.All(dead, r => Assert.Equal(factory.Topics.Notifications, Encoding.UTF8.GetString(r.Message.Headers.GetLastBytes(DeadLetterHeaders.Topic))));
        Assert.All(dead, r => Assert.Equal(customer, r.Message.Key));
        Assert.Equal([1], RequestsFor(customer).Select(r => r.Attempt));
    }

    [Fact]
    public async Task Webhook_EndpointRedirects_NotFollowedAndDeadLettered()
    {
        var customer = $"cust-{factory!.Suffix}-moved";
        answer = (_, _) => 307;

        await LateDeliveryAsync(customer);

        var record = Assert.Single(kafka.Consume(factory.Topics.DeadLetter, 1, MaxWait));
        Assert.Equal("webhook delivery failed: HTTP 307, redirects are not followed",
            Encoding.UTF8.GetString(record.Message.Headers.GetLastBytes(WebhookDeliveryService.ReasonHeader)));
        Assert.Equal([1], RequestsFor(customer).Select(r => r.Attempt));
        Assert.Equal(0, Volatile.Read(ref redirectTargetHits));
    }

    [Fact]
    public async Task Webhook_SecretRotation_SignedWithBothSecrets()
    {
        var customer = $"cust-{factory!.Suffix}-rotation";
        answer = (_, _) => 200;

        await LateDeliveryAsync(customer);

        Assert.True(await Wait.UntilAsync(() => Task.FromResult(RequestsFor(customer).Any(r => r.Status == 200)), MaxWait, TimeSpan.FromMilliseconds(50)));
        Assert.True(RequestsFor(customer).Single().SignatureValid, "a receiver that knows the current secret rejected the request");
        var (validForPrevious, validForOther, signature) = Assert.Single(signatures);
        Assert.True(validForPrevious, $"a receiver that knows the previous secret rejected {signature}");
        Assert.False(validForOther, "a receiver with another secret accepted the request");
        Assert.Equal(2, signature.Split(',').Length);
    }
}
