using System.Net.Http.Json;
using System.Text.Json;
using NextBestAction.IntegrationTests.Fixtures;

namespace NextBestAction.IntegrationTests;

/// <summary>KPIs maintained by ingestion and served by GET /v1/kpis, counted once under duplicates.</summary>
public sealed class KpiApiTests(KafkaFixture kafka, RedisServerFixture redis)
    : RunningServerTests<NbaServerFactory>(new NbaServerFactory(kafka, redis))
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(45);

    private static byte[] Order(string customer, string orderId) => CloudEvents.Create("order.placed", customer, new
    {
        orderId,
        items = new[] { new { productId = "p-1", category = "phones", productLine = "pixel", price = 500.0, quantity = 1 } },
        total = 500.0,
        promisedDeliveryDate = DateTimeOffset.UtcNow.AddDays(2).ToString("O"),
    });

    private static async Task<Dictionary<string, double?>> KpisWhenAsync(HttpClient client, string route, Func<Dictionary<string, double?>, bool> accept)
    {
        var deadline = DateTime.UtcNow + MaxWait;
        while (true)
        {
            var report = await client.GetFromJsonAsync<JsonElement>(route);
            var values = report.GetProperty("kpis").EnumerateArray().ToDictionary(
                k => k.GetProperty("id").GetString()!,
                k => k.GetProperty("value").ValueKind == JsonValueKind.Number ? k.GetProperty("value").GetDouble() : (double?)null);
            if (accept(values) || DateTime.UtcNow > deadline)
            {
                return values;
            }

            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task Kpis_FromIngestedEvents_AreCountedOnceEvenWhenEventsArriveTwice()
    {
        using var client = Factory.CreateWebshopClient();
        var a = $"cust-{Factory.Suffix}-a";
        var b = $"cust-{Factory.Suffix}-b";
        byte[][] aEvents =
        [
            Order(a, "o-1"),
            CloudEvents.Create("service.contact_opened", a, new { ticketId = "t-1", channel = "chat", topic = "delivery" }),
            CloudEvents.Create("service.contact_resolved", a, new { ticketId = "t-1", contacts = 1 }),
            CloudEvents.Create("campaign.responded", a, new { campaignId = "c-1", response = "clicked" }),
        ];
        var lastOffsets = new Dictionary<string, long>();
        foreach (var bytes in aEvents.Concat(aEvents))
        {
            var delivered = await kafka.ProduceAsync(TopicOf(bytes), a, bytes);
            lastOffsets[$"{delivered.Topic}/{delivered.Partition.Value}"] = delivered.Offset.Value;
        }

        await kafka.ProduceAsync(Factory.Topics.Orders, b, Order(b, "o-2"));

        // Once customer a's profile has applied the last copy on every partition, every duplicate was handled.
        await ProfileAppliedAsync(a, lastOffsets);
        var values = await KpisWhenAsync(client, "/v1/kpis", v => v["orders_per_week"] >= 2);

        Assert.Equal(2, values["orders_per_week"]);
        Assert.Equal(1, values["contact_moments"]);
        Assert.Equal(1.0, values["first_time_right"]);
        Assert.Equal(1, values["engaged_customers"]);
        var customer = await KpisWhenAsync(client, $"/v1/customers/{a}/kpis", v => v["engaged_customers"] == 1);
        Assert.Equal(1, customer["orders_per_week"]);
        Assert.Equal(1, customer["engaged_customers"]);
    }

    /// <summary>Waits until the stored profile has applied every offset in <paramref name="lastOffsets"/>.</summary>
    private async Task ProfileAppliedAsync(string customer, Dictionary<string, long> lastOffsets)
    {
        var deadline = DateTime.UtcNow + MaxWait;
        while (DateTime.UtcNow < deadline)
        {
            var applied = (await Factory.ProfileStore.GetAsync(customer, DateTimeOffset.UtcNow))?.AppliedOffsets;
            if (applied is not null && lastOffsets.All(kv => applied.TryGetValue(kv.Key, out var offset) && offset >= kv.Value))
            {
                return;
            }

            await Task.Delay(200);
        }

        Assert.Fail($"{customer}'s profile did not apply offsets {string.Join(", ", lastOffsets)} within {MaxWait.TotalSeconds} s");
    }

    private string TopicOf(byte[] cloudEvent)
    {
        var type = JsonDocument.Parse(cloudEvent).RootElement.GetProperty("type").GetString()!;
        return type.StartsWith("service.", StringComparison.Ordinal) ? Factory.Topics.Service
            : type.StartsWith("order.", StringComparison.Ordinal) ? Factory.Topics.Orders
            : Factory.Topics.Clickstream;
    }
}
