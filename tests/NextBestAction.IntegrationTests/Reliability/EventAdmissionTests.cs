using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.AspNetCore.Hosting;
using NextBestAction.Ingestion;
using NextBestAction.IntegrationTests.Fixtures;
using NextBestAction.Profiles;

namespace NextBestAction.IntegrationTests.Reliability;

/// <summary>
/// What ingestion lets into a profile: an event on another family's topic, an event time in the year 1 and
/// oversized strings are dead-lettered with their reason; a re-produced event stays a duplicate long after its
/// first copy; and a flood of large but valid events leaves a profile within <c>Profiles:MaxProfileBytes</c>.
/// The tests of rejected input end with a sentinel event of their customer that is applied after what they check.
/// </summary>
public sealed class EventAdmissionTests(KafkaFixture kafka, RedisServerFixture redis, ITestOutputHelper output)
    : RunningServerTests<EventAdmissionTests.SmallProfilesFactory>(new SmallProfilesFactory(kafka, redis))
{
    private const int MaxProfileBytes = 64 * 1024;
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Ingestion_EventReproducedAfter40OtherEventsOfTheCustomer_IsAppliedOnce()
    {
        const string customer = "cust-reproduced";
        var opened = Envelope(customer, "opened-1", "notification.opened", DateTimeOffset.UtcNow.AddMinutes(-5), new { notificationId = "n-push-1" });
        await ProduceAsync(Factory.Topics.Clickstream, customer, opened);
        for (var i = 0; i < 40; i++)
        {
            await ProduceAsync(Factory.Topics.Clickstream, customer, Envelope(customer, $"view-{i}", "product.viewed", DateTimeOffset.UtcNow.AddMinutes(-4),
                new { productId = $"p-{i}", category = "phones", productLine = "pixel", price = 899.0 }));
        }

        await ProduceAsync(Factory.Topics.Clickstream, customer, opened);

        var profile = await WaitForSentinelAsync(customer);
        Assert.Equal(1, profile.NotificationsOpened);
    }

    [Fact]
    public async Task Ingestion_ConsentChangedOnTheOrdersTopic_IsDeadLetteredWithReasonAndNotApplied()
    {
        const string customer = "cust-wrong-topic";
        var consent = Envelope(customer, "consent-1", "consent.changed", DateTimeOffset.UtcNow.AddMinutes(-1), new { marketing = true });
        await ProduceAsync(Factory.Topics.Orders, customer, consent);

        var profile = await WaitForSentinelAsync(customer, Factory.Topics.Orders);
        Assert.Null(profile.Consent.Marketing);
        var reason = await DeadLetterReasonAsync(customer, consent);
        Assert.Contains("consent.changed", reason, StringComparison.Ordinal);
        Assert.Contains(Factory.Topics.Consent, reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingestion_EventTimeInTheYearOne_IsDeadLetteredAndFirstSeenStaysReal()
    {
        const string customer = "cust-year-one";
        var ancient = Envelope(customer, "ancient-1", "page.viewed", DateTimeOffset.MinValue, new { url = "/", sessionId = "s-1", channel = "web" });
        await ProduceAsync(Factory.Topics.Clickstream, customer, ancient);

        var profile = await WaitForSentinelAsync(customer);
        Assert.True(profile.FirstSeenAt > DateTimeOffset.UtcNow.AddDays(-1), $"firstSeenAt is {profile.FirstSeenAt:O}");
        Assert.Contains("time", await DeadLetterReasonAsync(customer, ancient), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingestion_CategoryOf60000Characters_IsDeadLetteredWithReason()
    {
        const string customer = "cust-long-category";
        var huge = Envelope(customer, "huge-1", "product.viewed", DateTimeOffset.UtcNow.AddMinutes(-1),
            new { productId = "p-1", category = new string('c', 60_000), productLine = "pixel", price = 1.0 });
        await ProduceAsync(Factory.Topics.Clickstream, customer, huge);

        var profile = await WaitForSentinelAsync(customer);
        Assert.False(profile.RecentViews.Count > 0, "the view with the oversized category was applied");
        Assert.Contains("data.category", await DeadLetterReasonAsync(customer, huge), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingestion_FloodOfLargeValidEvents_KeepsTheStoredProfileWithinTheLimit()
    {
        const string customer = "cust-flood";
        const int orders = 60;
        var start = DateTimeOffset.UtcNow.AddMinutes(-30);
        for (var o = 0; o < orders; o++)
        {
            var items = Enumerable.Range(0, 40).Select(i => new
            {
                productId = Long($"p-{o}-{i}-", 128), category = Long($"c{i}-", 100), productLine = Long($"l-{o}-{i}-", 100), price = 1.0, quantity = 1,
            }).ToArray();
            await ProduceAsync(Factory.Topics.Orders, customer, Envelope(customer, $"order-{o}", "order.placed", start.AddSeconds(o),
                new { orderId = Long($"o-{o}-", 128), items, total = 40.0, promisedDeliveryDate = DateTimeOffset.UtcNow.AddDays(3) }));
        }

        // The order count is never trimmed, so it shows when the last order is in.
        CustomerProfile? profile = null;
        Assert.True(await Wait.UntilAsync(async () => (profile = await Factory.ProfileStore.GetAsync(customer, DateTimeOffset.UtcNow))?.OrderCount == orders,
            MaxWait, TimeSpan.FromMilliseconds(100)), "not every order was applied");
        var stored = (byte[])(await redis.Connection.GetDatabase().StringGetAsync(Factory.ProfileStore.Keys.Profile(customer)))!;
        output.WriteLine($"stored profile: {stored.Length} bytes, {profile!.OpenOrders.Count} open orders");
        Assert.InRange(stored.Length, 1, MaxProfileBytes);
        Assert.Equal(Long($"o-{orders - 1}-", 128), profile.OpenOrders[^1].OrderId);
    }

    private static string Long(string prefix, int length) => prefix + new string('x', length - prefix.Length);

    /// <summary>
    /// Produces a search for "sentinel" after everything else of <paramref name="customer"/> (on the clickstream, or
    /// an order on <paramref name="topic"/>) and returns the profile once it is applied.
    /// </summary>
    private async Task<CustomerProfile> WaitForSentinelAsync(string customer, string? topic = null)
    {
        var onOrders = topic == Factory.Topics.Orders;
        await ProduceAsync(topic ?? Factory.Topics.Clickstream, customer, onOrders
            ? Envelope(customer, "sentinel", "order.placed", DateTimeOffset.UtcNow.AddSeconds(-1), new
            {
                orderId = "o-sentinel", items = new[] { new { productId = "p-s", category = "phones", productLine = "pixel", price = 1.0, quantity = 1 } },
                total = 1.0, promisedDeliveryDate = DateTimeOffset.UtcNow.AddDays(3),
            })
            : Envelope(customer, "sentinel", "search.performed", DateTimeOffset.UtcNow.AddSeconds(-1), new { query = "sentinel" }));
        CustomerProfile? profile = null;
        var applied = await Wait.UntilAsync(async () =>
        {
            profile = await Factory.ProfileStore.GetAsync(customer, DateTimeOffset.UtcNow);
            return profile is not null && (onOrders ? profile.OpenOrders.Any(o => o.OrderId == "o-sentinel") : profile.RecentSearches.Any(s => s.Query == "sentinel"));
        }, MaxWait, TimeSpan.FromMilliseconds(100));
        Assert.True(applied, $"the sentinel event of {customer} was never applied");
        return profile!;
    }

    /// <summary>The dead letter holding exactly <paramref name="value"/>, checked against the convention, and its reason.</summary>
    private async Task<string> DeadLetterReasonAsync(string customer, byte[] value)
    {
        using var reader = new ReliabilityKafka(kafka.BootstrapServers);
        ConsumeResult<byte[]?, byte[]?>? letter = null;
        var found = await Wait.UntilAsync(() =>
        {
            var topic = Factory.Topics.DeadLetter;
            letter = reader.ReadAll(topic, reader.CountRecords(topic), TimeSpan.FromSeconds(10))
                .FirstOrDefault(r => r.Message.Key is { } key && Encoding.UTF8.GetString(key) == customer && r.Message.Value!.SequenceEqual(value));
            return Task.FromResult(letter is not null);
        }, MaxWait, TimeSpan.FromMilliseconds(200));
        Assert.True(found, $"no dead letter for {customer}");
        var headers = letter!.Message.Headers;
        Assert.NotEmpty(headers.GetLastBytes(DeadLetterHeaders.Topic));
        Assert.NotEmpty(headers.GetLastBytes(DeadLetterHeaders.Offset));
        return Encoding.UTF8.GetString(headers.GetLastBytes(DeadLetterHeaders.Reason));
    }

    private Task<DeliveryResult<string, byte[]>> ProduceAsync(string topic, string key, byte[] value) => kafka.ProduceAsync(topic, key, value);

    private byte[] Envelope(string customer, string id, string type, DateTimeOffset time, object data) =>
        CloudEvents.Create(type, customer, data, time, $"{id}-{Factory.Suffix}");

    public sealed class SmallProfilesFactory(KafkaFixture kafka, RedisServerFixture redis) : NbaServerFactory(kafka, redis)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Profiles:MaxProfileBytes", MaxProfileBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
