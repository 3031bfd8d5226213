using System.Text.Json.Nodes;
using NextBestAction.Contracts;
using NextBestAction.Notifications;
using static NextBestAction.UnitTests.Notifications.NotificationTestData;

namespace NextBestAction.UnitTests.Notifications;

public sealed class NotificationTriggersTests
{
    private static readonly DateTimeOffset Now = TestEvents.Now;

    private static NotificationTriggers Triggers(Action<NotificationOptions>? configure = null)
    {
        var options = new NotificationOptions();
        configure?.Invoke(options);
        return new NotificationTriggers(options);
    }

    [Fact]
    public void SpendAlert_WeeklyCategorySpendReachesThreshold_StatesAmountAndCategory()
    {
        var profile = Consenting();
        Apply(profile, EventTypes.OrderPlaced, Order("o-1", Now.AddDays(2), ("p-1", "phones", 350m)), Now.AddHours(-2));
        var second = Apply(profile, EventTypes.OrderPlaced, Order("o-2", Now.AddDays(2), ("p-2", "phones", 262.5m), ("p-3", "books", 20m)), Now.AddHours(-1));

        var alert = Assert.Single(Triggers(o => o.SpendAlertThreshold = 600).ForProfileEvent(profile, second, Now));

        Assert.Equal(NotificationTypes.SpendAlert, alert.Type);
        Assert.Contains("EUR 612.50", alert.Body, StringComparison.Ordinal);
        Assert.Contains("phones", alert.Body, StringComparison.Ordinal);
        Assert.Equal("cust-1:spend_alert:2026-W48:phones", alert.DedupKey);
        Assert.StartsWith("SPEND_THRESHOLD", Assert.Single(alert.Reasons), StringComparison.Ordinal);
        // Expires when the week ends (Monday 2026-11-30 00:00 UTC) or after SpendAlertExpiryHours, whichever is first.
        Assert.Equal(Now.AddHours(48), alert.ExpiresAt);
    }

    [Fact]
    public void SpendAlert_BelowThreshold_NoCandidate()
    {
        var profile = Consenting();
        var placed = Apply(profile, EventTypes.OrderPlaced, Order("o-1", Now.AddDays(2), ("p-1", "phones", 599.99m)), Now.AddHours(-1));

        Assert.Empty(Triggers(o => o.SpendAlertThreshold = 600).ForProfileEvent(profile, placed, Now));
    }

    [Fact]
    public void SpendAlert_SameWeekSameCategory_SameDedupKeySoOncePerWeek()
    {
        var triggers = Triggers(o => o.SpendAlertThreshold = 100);
        var profile = Consenting();
        var first = Apply(profile, EventTypes.OrderPlaced, Order("o-1", Now.AddDays(2), ("p-1", "phones", 150m)), Now.AddHours(-2));
        var firstKey = Assert.Single(triggers.ForProfileEvent(profile, first, Now)).DedupKey;
        var second = Apply(profile, EventTypes.OrderPlaced, Order("o-2", Now.AddDays(2), ("p-2", "phones", 150m)), Now.AddHours(-1));
        var nextWeek = Apply(profile, EventTypes.OrderPlaced, Order("o-3", Now.AddDays(9), ("p-3", "phones", 150m)), Now.AddDays(7));

        Assert.Equal(firstKey, Assert.Single(triggers.ForProfileEvent(profile, second, Now)).DedupKey);
        Assert.NotEqual(firstKey, Assert.Single(triggers.ForProfileEvent(profile, nextWeek, Now.AddDays(7))).DedupKey);
    }

    [Fact]
    public void LateDelivery_ArrivedAfterPromise_ApologyWithServiceAction()
    {
        var profile = Consenting();
        Apply(profile, EventTypes.OrderPlaced, Order("o-9", Now.AddDays(-3), ("p-1", "kitchen", 50m)), Now.AddDays(-6));
        var delivered = Apply(profile, EventTypes.OrderDelivered, new JsonObject { ["orderId"] = "o-9", ["deliveredAt"] = Now.AddDays(-1).ToString("O") }, Now.AddDays(-1));

        var apology = Assert.Single(Triggers().ForProfileEvent(profile, delivered, Now));

        Assert.Equal(NotificationTypes.DeliveryDelay, apology.Type);
        Assert.Equal("cust-1:delivery_delay:o-9", apology.DedupKey);
        Assert.Contains("2 day(s)", apology.Body, StringComparison.Ordinal);
        Assert.Contains(apology.Reasons, r => r.StartsWith("SERVICE_ACTION", StringComparison.Ordinal));
        Assert.Contains(apology.Reasons, r => r.StartsWith("BROKEN_PROMISE", StringComparison.Ordinal));
    }

    [Fact]
    public void LateDelivery_OnTime_NoCandidate()
    {
        var profile = Consenting();
        Apply(profile, EventTypes.OrderPlaced, Order("o-9", Now.AddDays(1), ("p-1", "kitchen", 50m)), Now.AddDays(-2));
        var delivered = Apply(profile, EventTypes.OrderDelivered, new JsonObject { ["orderId"] = "o-9", ["deliveredAt"] = Now.ToString("O") }, Now);

        Assert.Empty(Triggers().ForProfileEvent(profile, delivered, Now));
    }

    [Fact]
    public void OverdueOrder_OpenPastPromiseAndGrace_SameDedupKeyAsLateArrival()
    {
        var triggers = Triggers(o => o.DeliveryDelayGraceMinutes = 60);
        var profile = Consenting();
        var promised = Now.AddHours(-2);
        Apply(profile, EventTypes.OrderPlaced, Order("o-7", promised, ("p-1", "kitchen", 50m)), Now.AddDays(-3));

        Assert.Null(triggers.OverdueOrder(profile, "o-7", promised.AddMinutes(59)));
        var overdue = triggers.OverdueOrder(profile, "o-7", Now);

        Assert.NotNull(overdue);
        Assert.Equal("cust-1:delivery_delay:o-7", overdue.DedupKey);
        Assert.StartsWith("PROMISE_AT_RISK", overdue.Reasons[0], StringComparison.Ordinal);
    }

    [Fact]
    public void OverdueOrder_DeliveredOrCancelled_NoCandidate()
    {
        var triggers = Triggers();
        var profile = Consenting();
        Apply(profile, EventTypes.OrderPlaced, Order("o-7", Now.AddDays(-1), ("p-1", "kitchen", 50m)), Now.AddDays(-3));
        Apply(profile, EventTypes.OrderCancelled, new JsonObject { ["orderId"] = "o-7" }, Now.AddDays(-2));

        Assert.Null(triggers.OverdueOrder(profile, "o-7", Now));
    }

    [Theory]
    [InlineData(100, 95, 5, 1, true)]
    [InlineData(100, 96, 5, 1, false)]
    [InlineData(100, 100, 0, 0, false)]
    [InlineData(100, 110, 0, 0, false)]
    [InlineData(1000, 990, 1, 20, false)]
    [InlineData(1000, 980, 1, 20, true)]
    public void IsPriceDrop_HonoursMinimumPercentAndAmount(double oldPrice, double newPrice, double minPercent, double minAmount, bool expected)
    {
        var triggers = Triggers(o => (o.MinPriceDropPercent, o.MinPriceDropAmount) = (minPercent, minAmount));

        Assert.Equal(expected, triggers.IsPriceDrop((decimal)oldPrice, (decimal)newPrice));
    }

    [Fact]
    public void ForCatalogEvent_PriceDrop_WishlistJobWithDeterministicId()
    {
        var e = Event(EventTypes.ProductPriceChanged, new JsonObject { ["productId"] = "p-5", ["oldPrice"] = 800m, ["newPrice"] = 700m }, subject: "p-5");

        var job = Triggers().ForCatalogEvent(e);
        var again = Triggers().ForCatalogEvent(e);

        Assert.NotNull(job);
        Assert.Equal((NotificationTypes.WishlistPriceDrop, "p-5", ProductIndex.Wishlist, 700m), (job.Type, job.ProductId, job.Index, job.NewPrice!.Value));
        Assert.Equal(job.JobId, again!.JobId);
    }

    [Fact]
    public void ForCatalogEvent_PriceRise_NoJob()
    {
        var e = Event(EventTypes.ProductPriceChanged, new JsonObject { ["productId"] = "p-5", ["oldPrice"] = 700m, ["newPrice"] = 800m }, subject: "p-5");

        Assert.Null(Triggers().ForCatalogEvent(e));
    }

    [Fact]
    public void ForCatalogEvent_VersionReleased_BuyersJob()
    {
        var e = Event(EventTypes.ProductVersionReleased, new JsonObject { ["productId"] = "p-5", ["newProductId"] = "p-6" }, subject: "p-5");

        var job = Triggers().ForCatalogEvent(e);

        Assert.Equal((NotificationTypes.NewVersion, ProductIndex.Buyers, "p-6"), (job!.Type, job.Index, job.NewProductId));
    }

    [Fact]
    public void ForFanoutCustomer_PriceDropOnWishlist_TextHasBothPricesAndPercent()
    {
        var job = new FanoutJob("j1", NotificationTypes.WishlistPriceDrop, "p-5", ProductIndex.Wishlist, Now, "src|1") { OldPrice = 800m, NewPrice = 680m };

        var candidate = Triggers().ForFanoutCustomer(job, WithWishlist("p-5"), Now);

        Assert.NotNull(candidate);
        Assert.Equal("cust-1:wishlist_price_drop:p-5:680.00", candidate.DedupKey);
        Assert.Contains("15%", candidate.Title, StringComparison.Ordinal);
        Assert.Contains("EUR 680.00 instead of EUR 800.00", candidate.Body, StringComparison.Ordinal);
        Assert.Equal(Now.AddHours(72), candidate.ExpiresAt);
    }

    [Fact]
    public void ForFanoutCustomer_StaleIndexEntry_NoCandidate()
    {
        var job = new FanoutJob("j1", NotificationTypes.BackInStock, "p-5", ProductIndex.Wishlist, Now, "src|1");
        var profile = WithWishlist("p-5");
        Apply(profile, EventTypes.WishlistItemRemoved, new JsonObject { ["productId"] = "p-5" }, Now.AddHours(-1));

        Assert.Null(Triggers().ForFanoutCustomer(job, profile, Now));
    }

    [Fact]
    public void ForFanoutCustomer_NewVersion_NamesBothProducts()
    {
        var job = new FanoutJob("j1", NotificationTypes.NewVersion, "p-5", ProductIndex.Buyers, Now, "src|1") { NewProductId = "p-6" };

        var candidate = Triggers().ForFanoutCustomer(job, Consenting(), Now);

        Assert.NotNull(candidate);
        Assert.Contains("p-5", candidate.Body, StringComparison.Ordinal);
        Assert.Contains("p-6", candidate.Body, StringComparison.Ordinal);
        Assert.Equal("cust-1:new_version:p-5:p-6", candidate.DedupKey);
    }

    [Fact]
    public void EndOfIsoWeek_IsNextMonday()
    {
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero), NotificationTriggers.EndOfIsoWeek(new DateTimeOffset(2026, 11, 29, 23, 59, 0, TimeSpan.Zero)));
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero), NotificationTriggers.EndOfIsoWeek(new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void Candidates_AllHaveReasonsAndExpiryAfterCreation()
    {
        var triggers = Triggers(o => o.SpendAlertThreshold = 10);
        var profile = Consenting();
        var placed = Apply(profile, EventTypes.OrderPlaced, Order("o-1", Now.AddDays(-1), ("p-1", "phones", 50m)), Now.AddHours(-1));
        var all = triggers.ForProfileEvent(profile, placed, Now).ToList();
        var delivered = Apply(profile, EventTypes.OrderDelivered, new JsonObject { ["orderId"] = "o-1", ["deliveredAt"] = Now.ToString("O") }, Now);
        all.AddRange(triggers.ForProfileEvent(profile, delivered, Now));

        Assert.Equal(2, all.Count);
        Assert.All(all, c => Assert.NotEmpty(c.Reasons));
        Assert.All(all, c => Assert.True(c.ExpiresAt > c.CreatedAt));
    }
}
