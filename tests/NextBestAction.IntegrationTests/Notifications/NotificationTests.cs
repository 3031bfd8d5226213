using NextBestAction.IntegrationTests.Fixtures;
using NextBestAction.IntegrationTests.Reliability;
using NextBestAction.Notifications;
using NextBestAction.Profiles;
using StackExchange.Redis;

namespace NextBestAction.IntegrationTests.Notifications;

/// <summary>
/// Every trigger end to end: contract events produced to the input topics of the real server, notifications read back
/// from <c>nba.notifications</c>. Where a test shows that something was not sent, it ends with a later notification
/// for the same customer (a sentinel) that the server can only send after handling what came before it.
/// </summary>
public sealed class NotificationTests(KafkaFixture kafka, RedisServerFixture redis)
    : RunningServerTests<NotificationServerFactory>(new NotificationServerFactory(kafka, redis))
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(45);

    private string Customer(string name) => $"cust-{Factory.Suffix}-{name}";

    private NotificationReader Reader() => new(kafka.BootstrapServers, Factory.Topics.Notifications);

    private async Task Produce(string topic, string key, string type, object data, DateTimeOffset? time = null) =>
        await kafka.ProduceAsync(topic, key, CloudEvents.Create(type, key, data, time));

    private Task Consent(string customer, bool marketing) => Produce(Factory.Topics.Consent, customer, "consent.changed", new { marketing });

    /// <summary>Consent is on a topic of its own, so it is waited for before events on other topics that depend on it.</summary>
    private async Task ConsentedAsync(string customer)
    {
        await Consent(customer, true);
        await ProfileWhenAsync(customer, p => p.Consent.Marketing == true);
    }

    private Task Preferences(string customer, object preferences) => Produce(Factory.Topics.Consent, customer, "customer.preferences_changed", preferences);

    private Task Wishlist(string customer, string productId, double price = 799.0) =>
        Produce(Factory.Topics.Clickstream, customer, "wishlist.item_added", new { productId, category = "phones", productLine = "galaxy-s", price });

    private Task Order(string customer, string orderId, DateTimeOffset promised, params (string ProductId, string Category, double Price)[] items) =>
        Produce(Factory.Topics.Orders, customer, "order.placed", new
        {
            orderId,
            items = items.Select(i => new { productId = i.ProductId, category = i.Category, productLine = "line-" + i.ProductId, price = i.Price, quantity = 1 }).ToArray(),
            total = items.Sum(i => i.Price),
            promisedDeliveryDate = promised.ToString("O"),
        });

    /// <summary>A late delivery: the service notification used as a sentinel (consent does not stop it).</summary>
    private async Task LateDelivery(string customer, string orderId)
    {
        var placed = DateTimeOffset.UtcNow.AddDays(-4);
        await Produce(Factory.Topics.Orders, customer, "order.placed", new
        {
            orderId,
            items = new[] { new { productId = "p-sentinel", category = "misc", productLine = "misc", price = 1.0, quantity = 1 } },
            total = 1.0,
            promisedDeliveryDate = placed.AddDays(2).ToString("O"),
        }, placed);
        await Produce(Factory.Topics.Orders, customer, "order.delivered", new { orderId, deliveredAt = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O") });
    }

    private async Task<CustomerProfile> ProfileWhenAsync(string customer, Func<CustomerProfile, bool> accept)
    {
        CustomerProfile? profile = null;
        var ok = await Wait.UntilAsync(async () =>
        {
            profile = await Factory.ProfileStore.GetAsync(customer, DateTimeOffset.UtcNow);
            return profile is not null && accept(profile);
        }, MaxWait, TimeSpan.FromMilliseconds(100));
        Assert.True(ok, $"profile of {customer} did not reach the expected state");
        return profile!;
    }

    private static bool Has(List<ReceivedNotification> received, string type) => received.Any(n => n.Type == type);

    [Fact]
    public async Task WishlistPriceDrop_ProductOnWishlistGetsCheaper_NotificationOnKafka()
    {
        var customer = Customer("drop");
        await Consent(customer, true);
        await Wishlist(customer, "p-drop-1");
        await ProfileWhenAsync(customer, p => p.Wishlist.Count == 1 && p.Consent.Marketing == true);

        await Produce(Factory.Topics.Catalog, "p-drop-1", "product.price_changed", new { productId = "p-drop-1", oldPrice = 800.0, newPrice = 680.0 });

        using var reader = Reader();
        var received = reader.ReadUntil(customer, r => Has(r, NotificationTypes.WishlistPriceDrop), MaxWait);
        var n = Assert.Single(received);
        Assert.Equal((NotificationTypes.WishlistPriceDrop, customer, "/nba/notifications"), (n.Type, n.Subject, n.Source));
        Assert.Contains("EUR 680.00 instead of EUR 800.00", n.Body, StringComparison.Ordinal);
        Assert.Equal($"{customer}:wishlist_price_drop:p-drop-1:680.00", n.DedupKey);
        Assert.Equal("push", n.Channel);
        Assert.Matches("^ntf-push-[0-9a-f]{16}$", n.Id);
        Assert.Contains(n.Reasons, r => r.StartsWith("WISHLIST_PRICE_DROP", StringComparison.Ordinal));
        Assert.True(n.ExpiresAt > DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task BackInStock_WishlistedProduct_NotificationOnKafka()
    {
        var customer = Customer("stock");
        await Consent(customer, true);
        await Wishlist(customer, "p-stock-1");
        await ProfileWhenAsync(customer, p => p.Wishlist.Count == 1 && p.Consent.Marketing == true);

        await Produce(Factory.Topics.Catalog, "p-stock-1", "product.back_in_stock", new { productId = "p-stock-1" });

        using var reader = Reader();
        var n = Assert.Single(reader.ReadUntil(customer, r => Has(r, NotificationTypes.BackInStock), MaxWait));
        Assert.Equal(NotificationTypes.BackInStock, n.Type);
        Assert.Contains("p-stock-1", n.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NewVersion_ProductTheCustomerBought_NotificationOnKafka()
    {
        var customer = Customer("version");
        await Consent(customer, true);
        await Order(customer, "o-v1", DateTimeOffset.UtcNow.AddDays(3), ("p-phone-15", "phones", 100.0));
        await ProfileWhenAsync(customer, p => p.OrderCount == 1 && p.Consent.Marketing == true);

        await Produce(Factory.Topics.Catalog, "p-phone-15", "product.version_released", new { productId = "p-phone-15", newProductId = "p-phone-16" });

        using var reader = Reader();
        var n = Assert.Single(reader.ReadUntil(customer, r => Has(r, NotificationTypes.NewVersion), MaxWait));
        Assert.Contains("p-phone-16", n.Body, StringComparison.Ordinal);
        Assert.Contains(n.Reasons, r => r.StartsWith("OWNS_PREVIOUS_VERSION", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SpendAlert_CategoryCrossesThreshold_StatesAmountAndCategoryOncePerWeek()
    {
        var customer = Customer("spend");
        await ConsentedAsync(customer);
        await Order(customer, "o-s1", DateTimeOffset.UtcNow.AddDays(3), ("p-s1", "phones", 450.0));
        await Order(customer, "o-s2", DateTimeOffset.UtcNow.AddDays(3), ("p-s2", "phones", 162.5));
        await Order(customer, "o-s3", DateTimeOffset.UtcNow.AddDays(3), ("p-s3", "phones", 100.0));
        // The sentinel: another category crossing, after the third phones order in the same partition.
        await Order(customer, "o-s4", DateTimeOffset.UtcNow.AddDays(3), ("p-s4", "garden", 700.0));

        using var reader = Reader();
        var received = reader.ReadUntil(customer, r => r.Any(n => n.Body.Contains("garden", StringComparison.Ordinal)), MaxWait);
        var phones = Assert.Single(received, n => n.Body.Contains("phones", StringComparison.Ordinal));
        Assert.Equal(NotificationTypes.SpendAlert, phones.Type);
        Assert.Contains("EUR 612.50", phones.Body, StringComparison.Ordinal);
        Assert.Equal(2, received.Count);
    }

    [Fact]
    public async Task DeliveryDelay_ArrivesAfterPromise_ApologyWithServiceAction()
    {
        var customer = Customer("late");
        await LateDelivery(customer, "o-late-1");

        using var reader = Reader();
        var n = Assert.Single(reader.ReadUntil(customer, r => Has(r, NotificationTypes.DeliveryDelay), MaxWait));
        Assert.Equal($"{customer}:delivery_delay:o-late-1", n.DedupKey);
        Assert.Contains(n.Reasons, r => r.StartsWith("SERVICE_ACTION", StringComparison.Ordinal));
        Assert.Equal("service", n.Data.GetProperty("kind").GetString());
    }

    [Fact]
    public async Task DeliveryDelay_PromisedDatePassesWithoutDelivery_ApologyFromTheSchedule()
    {
        var customer = Customer("overdue");
        await Order(customer, "o-over-1", DateTimeOffset.UtcNow.AddMinutes(-30), ("p-o1", "kitchen", 80.0));

        using var reader = Reader();
        var n = Assert.Single(reader.ReadUntil(customer, r => Has(r, NotificationTypes.DeliveryDelay), MaxWait));
        Assert.Contains(n.Reasons, r => r.StartsWith("PROMISE_AT_RISK", StringComparison.Ordinal));

        // The late arrival afterwards shares the dedup key: no second apology. A second late order is the sentinel.
        await Produce(Factory.Topics.Orders, customer, "order.delivered", new { orderId = "o-over-1", deliveredAt = DateTimeOffset.UtcNow.ToString("O") });
        await LateDelivery(customer, "o-over-2");
        var all = reader.ReadUntil(customer, r => r.Any(x => x.DedupKey.EndsWith("o-over-2", StringComparison.Ordinal)), MaxWait);
        Assert.Single(all, x => x.DedupKey.EndsWith("o-over-1", StringComparison.Ordinal));
        Assert.Equal(2, all.Count);
    }

    [Fact]
    public async Task Consent_MissingOrWithdrawn_NoMarketingButServiceStillSent()
    {
        var never = Customer("noconsent");
        var objected = Customer("objected");
        await Wishlist(never, "p-consent-1");
        await Consent(objected, true);
        await Wishlist(objected, "p-consent-1");
        await Consent(objected, false);
        await ProfileWhenAsync(never, p => p.Wishlist.Count == 1);
        await ProfileWhenAsync(objected, p => p.Wishlist.Count == 1 && p.Consent.Marketing == false);

        await Produce(Factory.Topics.Catalog, "p-consent-1", "product.price_changed", new { productId = "p-consent-1", oldPrice = 500.0, newPrice = 400.0 });
        await FanoutJobsDoneAsync(1);
        await LateDelivery(never, "o-c1");
        await LateDelivery(objected, "o-c2");

        using var reader = Reader();
        foreach (var customer in new[] { never, objected })
        {
            var received = reader.ReadUntil(customer, r => Has(r, NotificationTypes.DeliveryDelay), MaxWait);
            Assert.Equal([NotificationTypes.DeliveryDelay], received.Select(n => n.Type));
        }
    }

    /// <summary>Waits until the server's fan-out worker finished <paramref name="jobs"/> jobs: every customer in them was handled.</summary>
    private async Task FanoutJobsDoneAsync(int jobs)
    {
        var worker = (FanoutWorker)Factory.Services.GetService(typeof(FanoutWorker))!;
        Assert.True(await Wait.UntilAsync(() => Task.FromResult(worker.CompletedJobs >= jobs), MaxWait, TimeSpan.FromMilliseconds(100)),
            $"{worker.CompletedJobs} of {jobs} fan-out job(s) finished");
    }

    [Fact]
    public async Task Caps_MorePerDayThanAllowed_OnlyTheCapIsSent()
    {
        var customer = Customer("caps");
        await ConsentedAsync(customer);
        // One order crossing the threshold in four categories: four spend alerts, two per type per day allowed.
        await Order(customer, "o-cap-1", DateTimeOffset.UtcNow.AddDays(3),
            ("p-c1", "phones", 600.0), ("p-c2", "garden", 600.0), ("p-c3", "books", 600.0), ("p-c4", "toys", 600.0));
        await LateDelivery(customer, "o-cap-2");

        using var reader = Reader();
        var received = reader.ReadUntil(customer, r => Has(r, NotificationTypes.DeliveryDelay), MaxWait);
        Assert.Equal(2, received.Count(n => n.Type == NotificationTypes.SpendAlert));
        Assert.Single(received, n => n.Type == NotificationTypes.DeliveryDelay);
    }

    [Fact]
    public async Task Caps_OverallDailyCapAcrossTypes_ServiceNotificationsExempt()
    {
        var customer = Customer("overall");
        await Consent(customer, true);
        await Wishlist(customer, "p-all-1");
        await Wishlist(customer, "p-all-2");
        await ProfileWhenAsync(customer, p => p.Wishlist.Count == 2 && p.Consent.Marketing == true);
        // Two spend alerts (type cap 2) and then two price drops: the overall cap of 3 a day lets one price drop through.
        await Order(customer, "o-all-1", DateTimeOffset.UtcNow.AddDays(3), ("p-a1", "phones", 600.0), ("p-a2", "garden", 600.0));
        await ProfileWhenAsync(customer, p => p.OrderCount == 1);
        using var reader = Reader();
        reader.ReadUntil(customer, r => r.Count(n => n.Type == NotificationTypes.SpendAlert) == 2, MaxWait);
        await Produce(Factory.Topics.Catalog, "p-all-1", "product.price_changed", new { productId = "p-all-1", oldPrice = 500.0, newPrice = 400.0 });
        await Produce(Factory.Topics.Catalog, "p-all-2", "product.price_changed", new { productId = "p-all-2", oldPrice = 500.0, newPrice = 400.0 });
        await FanoutJobsDoneAsync(2);
        await LateDelivery(customer, "o-all-2");

        var received = reader.ReadUntil(customer, r => Has(r, NotificationTypes.DeliveryDelay), MaxWait);
        Assert.Equal(2, received.Count(n => n.Type == NotificationTypes.SpendAlert));
        Assert.Single(received, n => n.Type == NotificationTypes.WishlistPriceDrop);
        Assert.Single(received, n => n.Type == NotificationTypes.DeliveryDelay);
    }

    [Fact]
    public async Task QuietHours_InCustomersNight_DeferredThenSentWhenTheyEnd()
    {
        var customer = Customer("quiet");
        await Consent(customer, true);
        await Preferences(customer, new { timeZone = NotificationServerFactory.ZoneWhereItIs(3) });
        await ProfileWhenAsync(customer, p => p.Preferences.TimeZone is not null && p.Consent.Marketing == true);
        await Order(customer, "o-q1", DateTimeOffset.UtcNow.AddDays(3), ("p-q1", "phones", 700.0));

        // Deferred: in the schedule, not on Kafka.
        var db = redis.Connection.GetDatabase();
        var schedule = $"t{Factory.Suffix}:notify:schedule";
        RedisValue member = default;
        Assert.True(await Wait.UntilAsync(async () =>
        {
            member = (await db.SortedSetRangeByScoreAsync(schedule)).FirstOrDefault(m => m.ToString().StartsWith($"d|t{Factory.Suffix}:{{{customer}}}", StringComparison.Ordinal));
            return !member.IsNull;
        }, MaxWait, TimeSpan.FromMilliseconds(100)));
        var due = DateTimeOffset.FromUnixTimeMilliseconds((long)(await db.SortedSetScoreAsync(schedule, member))!.Value);
        Assert.InRange(due, DateTimeOffset.UtcNow.AddMinutes(50), DateTimeOffset.UtcNow.AddHours(3));
        using var reader = Reader();

        // The night passes: the entry becomes due, and the scheduler sends it.
        await db.SortedSetAddAsync(schedule, member, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var n = Assert.Single(reader.ReadUntil(customer, r => Has(r, NotificationTypes.SpendAlert), MaxWait));
        Assert.Contains(n.Reasons, r => r.StartsWith("QUIET_HOURS: deferred to", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ChannelChoice_B2bHighValueAndEmailPreference_ChannelsFollowProfile()
    {
        var b2b = Customer("b2b");
        var mailer = Customer("mailer");
        await Preferences(b2b, new { b2b = true });
        await Order(b2b, "o-b1", DateTimeOffset.UtcNow.AddDays(3), ("p-server", "servers", 25_000.0));
        await Preferences(mailer, new { preferredChannel = "email" });
        await ProfileWhenAsync(b2b, p => p.Preferences.B2b == true && p.OrderCount == 1);
        await ProfileWhenAsync(mailer, p => p.Preferences.PreferredChannel == "email");
        await LateDelivery(b2b, "o-b2");
        await LateDelivery(mailer, "o-m1");

        using var reader = Reader();
        var toB2b = Assert.Single(reader.ReadUntil(b2b, r => Has(r, NotificationTypes.DeliveryDelay), MaxWait));
        var toMailer = Assert.Single(reader.ReadUntil(mailer, r => Has(r, NotificationTypes.DeliveryDelay), MaxWait));
        Assert.Equal("account_manager", toB2b.Channel);
        Assert.StartsWith("ntf-account_manager-", toB2b.Id, StringComparison.Ordinal);
        Assert.Contains(toB2b.Reasons, r => r.StartsWith("CHANNEL_ACCOUNT_MANAGER", StringComparison.Ordinal));
        Assert.Equal("email", toMailer.Channel);
    }
}
