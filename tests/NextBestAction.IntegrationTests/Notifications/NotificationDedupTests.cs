using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using NextBestAction.Contracts;
using NextBestAction.Ingestion;
using NextBestAction.IntegrationTests.Fixtures;
using NextBestAction.IntegrationTests.Reliability;
using NextBestAction.Notifications;
using NextBestAction.Profiles;

namespace NextBestAction.IntegrationTests.Notifications;

/// <summary>
/// Exactly once per dedup key when work is done again: the whole input replayed by a restarted server, a round
/// redelivered after a crash before its profile write, and a claim whose send never happened.
/// </summary>
public sealed class NotificationDedupTests(KafkaFixture kafka, RedisServerFixture redis)
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(45);

    private static ValidEvent Read(string type, string subject, object data, DateTimeOffset? time = null)
    {
        var read = EventReader.Read(CloudEvents.Create(type, subject, data, time), DateTimeOffset.UtcNow, EventLimits.Default);
        Assert.Equal(ReadOutcome.Valid, read.Outcome);
        return read.Event!;
    }

    /// <summary>A profile with a late delivery of <paramref name="orderId"/>, built by the real updater; returns the delivery event.</summary>
    private static ValidEvent LateDelivery(CustomerProfile profile, string orderId)
    {
        var updater = new ProfileUpdater(ProfileRules.Default);
        var placed = DateTimeOffset.UtcNow.AddDays(-4);
        updater.Apply(profile, Read("order.placed", profile.CustomerId, new
        {
            orderId,
            items = new[] { new { productId = "p-1", category = "misc", productLine = "misc", price = 1.0, quantity = 1 } },
            total = 1.0,
            promisedDeliveryDate = placed.AddDays(2).ToString("O"),
        }, placed), null, 0);
        var delivered = Read("order.delivered", profile.CustomerId, new { orderId, deliveredAt = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O") });
        Assert.Equal(ApplyOutcome.Applied, updater.Apply(profile, delivered, null, 0));
        return delivered;
    }

    private static async Task RunRoundAsync(IIngestionObserver observer, CustomerProfile profile, ValidEvent e)
    {
        var round = observer.BeginRound(new WriteRound(DateTimeOffset.UtcNow, 1, []));
        round.OnApplied(profile, e);
        await round.CompleteAsync(CancellationToken.None);
    }

    [Fact]
    public async Task RoundRedeliveredAfterCrashBeforeProfileWrite_OneNotification()
    {
        await using var factory = new NotificationServerFactory(kafka, redis);
        factory.CreateClient().Dispose();
        var observer = factory.Services.GetServices<IIngestionObserver>().Single(o => o is NotificationIngestionObserver);
        var profile = new CustomerProfile { CustomerId = $"cust-{factory.Suffix}-redeliver" };
        var delivered = LateDelivery(profile, "o-r1");

        // The first attempt sent its notification and died before the profile write; redelivery runs the round again.
        await RunRoundAsync(observer, profile, delivered);
        await RunRoundAsync(observer, profile, delivered);
        await RunRoundAsync(observer, profile, LateDelivery(profile, "o-r2"));

        using var reader = new NotificationReader(kafka.BootstrapServers, factory.Topics.Notifications);
        var received = reader.ReadUntil(profile.CustomerId, r => r.Any(n => n.DedupKey.EndsWith("o-r2", StringComparison.Ordinal)), MaxWait);
        Assert.Single(received, n => n.DedupKey.EndsWith("o-r1", StringComparison.Ordinal));
        Assert.Equal(2, received.Count);
    }

    [Fact]
    public async Task SameOccasionDispatchedTwiceAtOnce_OneNotification()
    {
        await using var factory = new NotificationServerFactory(kafka, redis);
        factory.CreateClient().Dispose();
        var services = factory.Services;
        var dispatcher = services.GetRequiredService<NotificationDispatcher>();
        var triggers = services.GetRequiredService<NotificationTriggers>();
        var policy = services.GetRequiredService<NotificationPolicy>();

        // The ingestion path and the overdue-order schedule reach one late order together: the second dispatch finds
        // the first one's claim still pending while its send is in flight. One customer each: caps stay out of it.
        var customers = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var profile = new CustomerProfile { CustomerId = $"cust-{factory.Suffix}-concurrent-{i}" };
            customers.Add(profile.CustomerId);
            var decision = Decide(profile, LateDelivery(profile, "o-c1"));
            await Task.WhenAll(
                dispatcher.DispatchAsync([decision], DateTimeOffset.UtcNow, CancellationToken.None),
                dispatcher.DispatchAsync([decision], DateTimeOffset.UtcNow, CancellationToken.None));
            await dispatcher.DispatchAsync([Decide(profile, LateDelivery(profile, "o-c2"))], DateTimeOffset.UtcNow, CancellationToken.None);
        }

        using var reader = new NotificationReader(kafka.BootstrapServers, factory.Topics.Notifications);
        foreach (var customer in customers)
        {
            var received = reader.ReadUntil(customer, r => r.Any(n => n.DedupKey.EndsWith("o-c2", StringComparison.Ordinal)), MaxWait);
            Assert.Single(received, n => n.DedupKey.EndsWith("o-c1", StringComparison.Ordinal));
        }

        PolicyDecision Decide(CustomerProfile profile, ValidEvent delivered) =>
            policy.Decide(triggers.ForProfileEvent(profile, delivered, DateTimeOffset.UtcNow).Single(), profile, DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task ClaimedButNeverSent_NextAttemptSendsTheStoredNotificationOnce()
    {
        await using var factory = new NotificationServerFactory(kafka, redis);
        factory.CreateClient().Dispose();
        var services = factory.Services;
        var observer = services.GetServices<IIngestionObserver>().Single(o => o is NotificationIngestionObserver);
        var store = services.GetRequiredService<NotificationStore>();
        var profile = new CustomerProfile { CustomerId = $"cust-{factory.Suffix}-pending" };
        var delivered = LateDelivery(profile, "o-p1");
        var candidate = services.GetRequiredService<NotificationTriggers>().ForProfileEvent(profile, delivered, DateTimeOffset.UtcNow).Single();
        var decision = services.GetRequiredService<NotificationPolicy>().Decide(candidate, profile, DateTimeOffset.UtcNow);

        // A crash right after the claim: recorded as pending, nothing on Kafka.
        Assert.Equal(ClaimResult.Claimed, NotificationStore.ParseClaim(await store.QueueClaim(store.Database, decision)));
        await RunRoundAsync(observer, profile, delivered);
        await RunRoundAsync(observer, profile, delivered);
        await RunRoundAsync(observer, profile, LateDelivery(profile, "o-p2"));

        using var reader = new NotificationReader(kafka.BootstrapServers, factory.Topics.Notifications);
        var received = reader.ReadUntil(profile.CustomerId, r => r.Any(n => n.DedupKey.EndsWith("o-p2", StringComparison.Ordinal)), MaxWait);
        var first = Assert.Single(received, n => n.DedupKey.EndsWith("o-p1", StringComparison.Ordinal));
        Assert.Equal(decision.Notification!.Id, first.Id);
        var (state, _) = await store.GetStateAsync(store.DedupKey(profile.CustomerId, candidate.DedupKey));
        Assert.Equal(NotificationStore.Sent, state);
    }

    [Fact]
    public async Task RestartedServerReplaysEveryInput_NoSecondNotification()
    {
        var customer = "";
        NotificationServerFactory first;
        await using (first = new NotificationServerFactory(kafka, redis))
        {
            first.CreateClient().Dispose();
            customer = $"cust-{first.Suffix}-replay";
            await kafka.ProduceAsync(first.Topics.Consent, customer, CloudEvents.Create("consent.changed", customer, new { marketing = true }));
            await kafka.ProduceAsync(first.Topics.Clickstream, customer, CloudEvents.Create("wishlist.item_added", customer,
                new { productId = "p-replay", category = "phones", productLine = "galaxy-s", price = 900.0 }));
            Assert.True(await Wait.UntilAsync(async () => (await first.ProfileStore.GetAsync(customer, DateTimeOffset.UtcNow)) is { Wishlist.Count: 1, Consent.Marketing: true },
                MaxWait, TimeSpan.FromMilliseconds(100)));
            await kafka.ProduceAsync(first.Topics.Catalog, "p-replay", CloudEvents.Create("product.price_changed", "p-replay", new { productId = "p-replay", oldPrice = 900.0, newPrice = 700.0 }));
            using var reader = new NotificationReader(kafka.BootstrapServers, first.Topics.Notifications);
            Assert.Single(reader.ReadUntil(customer, r => r.Count > 0, MaxWait));
        }

        // A new consumer group on the same topics and Redis reads every input again from the start.
        await using var second = new ReplayFactory(kafka, redis, first);
        second.CreateClient().Dispose();
        await kafka.ProduceAsync(first.Topics.Catalog, "p-replay", CloudEvents.Create("product.back_in_stock", "p-replay", new { productId = "p-replay" }));

        using var replayReader = new NotificationReader(kafka.BootstrapServers, first.Topics.Notifications);
        var received = replayReader.ReadUntil(customer, r => r.Any(n => n.Type == NotificationTypes.BackInStock), MaxWait);
        var worker = second.Services.GetRequiredService<FanoutWorker>();
        Assert.True(await Wait.UntilAsync(() => Task.FromResult(worker.CompletedJobs >= 2), MaxWait, TimeSpan.FromMilliseconds(100)),
            "the replayed price change and the back-in-stock event were both fanned out");
        Assert.Single(received, n => n.Type == NotificationTypes.WishlistPriceDrop);
        Assert.Single(received, n => n.Type == NotificationTypes.BackInStock);
    }

    /// <summary>A server on another server's topics and Redis keys, in a consumer group of its own.</summary>
    private sealed class ReplayFactory(KafkaFixture kafka, RedisServerFixture redis, NbaServerFactory original) : NotificationServerFactory(kafka, redis)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            var topics = original.Topics;
            foreach (var property in typeof(TopicNames).GetProperties().Where(p => p.PropertyType == typeof(string)))
            {
                builder.UseSetting($"Kafka:Topics:{property.Name}", (string)property.GetValue(topics)!);
            }

            builder.UseSetting("Redis:KeyPrefix", $"t{original.Suffix}");
            builder.UseSetting("Kafka:GroupId", $"nba-replay-{Suffix}");
        }
    }
}
