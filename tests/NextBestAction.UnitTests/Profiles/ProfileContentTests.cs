using System.Text.Json.Nodes;
using NextBestAction.Contracts;
using NextBestAction.Profiles;

namespace NextBestAction.UnitTests.Profiles;

/// <summary>Every event type's effect on the profile, and the event-time rules for late and reordered events.</summary>
public sealed class ProfileContentTests
{
    private static readonly DateTimeOffset T0 = TestEvents.Now;
    private static readonly ProfileRules Rules = ProfileRules.Default;
    private static readonly ProfileUpdater Updater = new(Rules);

    private long offset;

    private static ValidEvent Event(string type, JsonObject data, DateTimeOffset time)
    {
        var result = EventReader.Read(TestEvents.Json(type, "cust-1", data, time: time), time, EventLimits.Default);
        Assert.Equal(ReadOutcome.Valid, result.Outcome);
        return result.Event!;
    }

    private CustomerProfile Apply(params (string Type, JsonObject Data, DateTimeOffset Time)[] events) =>
        ApplyTo(new CustomerProfile { CustomerId = "cust-1" }, events);

    private CustomerProfile ApplyTo(CustomerProfile profile, params (string Type, JsonObject Data, DateTimeOffset Time)[] events)
    {
        foreach (var (type, data, time) in events)
        {
            Updater.Apply(profile, Event(type, data, time), "t/0", offset++);
        }

        return profile;
    }

    private static JsonObject Product(string productId = "p-1", string category = "phones", string line = "galaxy-s", decimal price = 100m) =>
        new() { ["productId"] = productId, ["category"] = category, ["productLine"] = line, ["price"] = price };

    private static JsonObject WithQuantity(JsonObject product, int quantity)
    {
        product["quantity"] = quantity;
        return product;
    }

    private static JsonObject Order(string orderId, DateTimeOffset promised, params JsonObject[] items)
    {
        var array = new JsonArray();
        decimal total = 0;
        foreach (var item in items)
        {
            item["quantity"] ??= 1;
            total += item["price"]!.GetValue<decimal>() * item["quantity"]!.GetValue<int>();
            array.Add(item);
        }

        return new JsonObject { ["orderId"] = orderId, ["items"] = array, ["total"] = total, ["promisedDeliveryDate"] = promised.ToString("O") };
    }

    private static (string, JsonObject, DateTimeOffset) Consent(bool location, DateTimeOffset time) =>
        (EventTypes.ConsentChanged, new JsonObject { ["location"] = location }, time);

    private static (string, JsonObject, DateTimeOffset) Location(DateTimeOffset time) =>
        (EventTypes.LocationReported, new JsonObject { ["lat"] = 52.37, ["lon"] = 4.89 }, time);

    [Fact]
    public void ProductViewed_AddsRecentViewInterestAndSession()
    {
        var data = Product();
        data["sessionId"] = "s-1";

        var profile = Apply((EventTypes.ProductViewed, data, T0));

        Assert.Equal("p-1", Assert.Single(profile.RecentViews).ProductId);
        Assert.Equal(1.0, profile.CategoryAffinity(T0, Rules)["phones"], 6);
        Assert.Equal("s-1", profile.Temporary.Session!.SessionId);
        Assert.Equal(T0.AddMinutes(Rules.SessionTtlMinutes), profile.Temporary.Session.ExpiresAt);
    }

    [Fact]
    public void Interest_HalvesAfterOneHalfLife()
    {
        var profile = Apply((EventTypes.ProductViewed, Product(), T0));

        Assert.Equal(0.5, profile.CategoryAffinity(T0 + Rules.InterestHalfLife, Rules)["phones"], 6);
    }

    [Fact]
    public void Interest_DoesNotDependOnArrivalOrder()
    {
        var early = (EventTypes.ProductViewed, Product(), T0.AddDays(-20));
        var late = (EventTypes.CartItemAdded, WithQuantity(Product(), 1), T0);

        var inOrder = Apply(early, late).CategoryAffinity(T0, Rules)["phones"];
        var reversed = Apply(late, early).CategoryAffinity(T0, Rules)["phones"];

        Assert.Equal(inOrder, reversed, 9);
    }

    [Fact]
    public void LateEvent_DoesNotRewindLastSeen()
    {
        var profile = Apply((EventTypes.SearchPerformed, new JsonObject { ["query"] = "usb-c" }, T0),
            (EventTypes.SearchPerformed, new JsonObject { ["query"] = "case" }, T0.AddHours(-3)));

        Assert.Equal(T0, profile.LastSeenAt);
        Assert.Equal(T0.AddHours(-3), profile.FirstSeenAt);
        Assert.Equal(["case", "usb-c"], profile.RecentSearches.Select(s => s.Query));
    }

    [Fact]
    public void CartAddedLateAfterItsRemoval_StaysRemoved()
    {
        var profile = Apply(
            (EventTypes.CartItemRemoved, new JsonObject { ["productId"] = "p-1" }, T0),
            (EventTypes.CartItemAdded, WithQuantity(Product(), 1), T0.AddMinutes(-1)));

        Assert.Empty(profile.Cart);
    }

    [Fact]
    public void CartAddedAgainAfterRemoval_IsInTheCart()
    {
        var profile = Apply(
            (EventTypes.CartItemAdded, WithQuantity(Product(), 1), T0.AddMinutes(-2)),
            (EventTypes.CartItemRemoved, new JsonObject { ["productId"] = "p-1" }, T0.AddMinutes(-1)),
            (EventTypes.CartItemAdded, WithQuantity(Product(), 2), T0));

        Assert.Equal(2, Assert.Single(profile.Cart).Quantity);
    }

    [Fact]
    public void Wishlist_AddAndRemove_ByEventTime()
    {
        var profile = Apply(
            (EventTypes.WishlistItemAdded, Product("p-1"), T0.AddMinutes(-5)),
            (EventTypes.WishlistItemAdded, Product("p-2"), T0.AddMinutes(-4)),
            (EventTypes.WishlistItemRemoved, new JsonObject { ["productId"] = "p-1" }, T0));

        Assert.Equal("p-2", Assert.Single(profile.Wishlist).ProductId);
    }

    [Fact]
    public void OrderPlaced_CountsOrdersAndSpendPerIsoWeekAndCategory()
    {
        var profile = Apply(
            (EventTypes.OrderPlaced, Order("o-1", T0.AddDays(2), Product("p-1", "phones", price: 500m), WithQuantity(Product("p-2", "audio", "airpods", 50m), 2)), T0),
            (EventTypes.OrderPlaced, Order("o-2", T0.AddDays(2), Product("p-3", "phones", price: 150m)), T0.AddHours(1)));

        var week = ProfileUpdater.IsoWeek(T0);
        Assert.Equal("2026-W48", week);
        Assert.Equal(2, profile.OrdersPerWeek[week]);
        Assert.Equal(650m, profile.WeekSpend("phones", T0));
        Assert.Equal(100m, profile.WeekSpend("audio", T0));
        Assert.Equal(750m, profile.TotalSpend);
        Assert.Equal(2, profile.OrderCount);
    }

    [Fact]
    public void DeliveredBeforePlaced_SettlesThePromiseWhenThePlacementArrives()
    {
        var promised = T0.AddDays(-2);
        var profile = Apply(
            (EventTypes.OrderDelivered, new JsonObject { ["orderId"] = "o-1", ["deliveredAt"] = T0.AddDays(-1).ToString("O") }, T0.AddDays(-1)),
            (EventTypes.OrderPlaced, Order("o-1", promised, Product()), T0.AddDays(-4)));

        Assert.Empty(profile.OpenOrders);
        Assert.Equal("o-1", Assert.Single(profile.BrokenPromises).OrderId);
    }

    [Fact]
    public void CancelledOrder_DoesNotCount_InEitherOrder()
    {
        var placed = (EventTypes.OrderPlaced, Order("o-1", T0.AddDays(2), Product(price: 300m)), T0);
        var cancelled = (EventTypes.OrderCancelled, new JsonObject { ["orderId"] = "o-1" }, T0.AddMinutes(5));

        foreach (var profile in new[] { Apply(placed, cancelled), Apply(cancelled, placed) })
        {
            Assert.Equal(0, profile.OrderCount);
            Assert.Equal(0m, profile.TotalSpend);
            Assert.Equal(0m, profile.WeekSpend("phones", T0));
            Assert.Empty(profile.OpenOrders);
            Assert.Equal(1, profile.Cancellations);
        }
    }

    [Fact]
    public void OrderReturned_IsCounted()
    {
        var profile = Apply((EventTypes.OrderReturned, new JsonObject { ["orderId"] = "o-1", ["productId"] = "p-1", ["reason"] = "broken" }, T0));

        Assert.Equal(1, profile.Returns);
        Assert.Equal(T0, profile.LastReturnAt);
    }

    [Fact]
    public void BrokenPromises_OlderThanTheWindow_AreDropped()
    {
        var profile = Apply(
            (EventTypes.OrderPlaced, Order("o-old", T0.AddDays(-200), Product()), T0.AddDays(-202)),
            (EventTypes.OrderDelivered, new JsonObject { ["orderId"] = "o-old", ["deliveredAt"] = T0.AddDays(-198).ToString("O") }, T0.AddDays(-198)),
            (EventTypes.OrderPlaced, Order("o-new", T0.AddDays(-3), Product()), T0.AddDays(-5)),
            (EventTypes.OrderDelivered, new JsonObject { ["orderId"] = "o-new", ["deliveredAt"] = T0.AddDays(-1).ToString("O") }, T0.AddDays(-1)));

        Assert.Equal("o-new", Assert.Single(profile.BrokenPromises).OrderId);
    }

    [Fact]
    public void GiftPurchase_LeavesLongTermAffinityUnchanged()
    {
        var history = Apply((EventTypes.ProductViewed, Product(), T0.AddDays(-1)));
        var before = history.CategoryAffinity(T0, Rules);
        var socks = Product("p-socks", "fashion-men", "socks-men", 15m);
        socks["gift"] = true;

        ApplyTo(history, (EventTypes.OrderPlaced, Order("o-1", T0.AddDays(2), socks), T0));

        Assert.Equal(before.Keys.Order(), history.CategoryAffinity(T0, Rules).Keys.Order());
        Assert.False(history.CategoryInterest.ContainsKey("fashion-men"));
        Assert.True(history.SeasonalInterest.ContainsKey("fashion-men"));
        Assert.Equal(15m, history.WeekSpend("fashion-men", T0));
    }

    [Fact]
    public void OutOfPatternPurchaseInSeasonalMonth_GoesToSeasonalBucket_ButNotInSummer()
    {
        var history = Enumerable.Range(0, 25).Select(i => (EventTypes.ProductViewed, Product($"p-{i}"), T0.AddDays(-i - 1))).ToArray();
        var december = T0.AddDays(20);
        var june = new DateTimeOffset(2026, 6, 10, 12, 0, 0, TimeSpan.Zero);
        var socks = Product("p-socks", "fashion-men", "socks-men", 15m);

        var winter = ApplyTo(Apply([.. history, (EventTypes.CartItemAdded, WithQuantity(Product(), 3), T0)]),
            (EventTypes.OrderPlaced, Order("o-1", december.AddDays(2), socks), december));
        var summerHistory = history.Select(h => (h.Item1, h.Item2, june.AddDays(-(T0 - h.Item3).TotalDays))).ToArray();
        var summer = ApplyTo(Apply([.. summerHistory, (EventTypes.CartItemAdded, WithQuantity(Product(), 3), june.AddDays(-1))]),
            (EventTypes.OrderPlaced, Order("o-2", june.AddDays(2), (JsonObject)socks.DeepClone()), june));

        Assert.False(winter.CategoryInterest.ContainsKey("fashion-men"));
        Assert.True(winter.SeasonalInterest.ContainsKey("fashion-men"));
        Assert.True(summer.CategoryInterest.ContainsKey("fashion-men"));
    }

    [Fact]
    public void LifeStageCategory_StopsCountingAfterItsHorizon()
    {
        var profile = Apply((EventTypes.ProductViewed, Product("p-b", "baby", "baby-care", 20m), T0));

        Assert.True(profile.CategoryAffinity(T0.AddDays(100), Rules).ContainsKey("baby"));
        Assert.False(profile.CategoryAffinity(T0.AddDays(Rules.LifeStageHorizonDays["baby"] + 1), Rules).ContainsKey("baby"));
    }

    [Fact]
    public void Location_WithoutConsent_IsNotStored()
    {
        var profile = Apply(Location(T0));

        Assert.Null(profile.Temporary.Location);
    }

    [Fact]
    public void Location_WithConsent_IsStoredWithExpiry_AndDroppedWhenConsentIsWithdrawn()
    {
        var profile = Apply(Consent(true, T0.AddMinutes(-1)), Location(T0));

        Assert.Equal(T0.AddMinutes(Rules.LocationTtlMinutes), profile.Temporary.Location!.ExpiresAt);
        Assert.NotNull(profile.Temporary.VisibleAt(T0.AddMinutes(Rules.LocationTtlMinutes - 1)).Location);
        Assert.Null(profile.Temporary.VisibleAt(T0.AddMinutes(Rules.LocationTtlMinutes + 1)).Location);

        ApplyTo(profile, Consent(false, T0.AddMinutes(1)));
        Assert.Null(profile.Temporary.Location);
        Assert.False(profile.Consent.Location);
    }

    [Fact]
    public void Consent_EveryStatement_JoinsTheHistoryInTimeOrder_WithItsProvenance_LateOnesToo()
    {
        var profile = Apply(
            (EventTypes.ConsentChanged, new JsonObject { ["marketing"] = true, ["collectedVia"] = "app-settings", ["textVersion"] = "2026-11" }, T0),
            (EventTypes.ConsentChanged, new JsonObject { ["marketing"] = false, ["collectedVia"] = "service-desk", ["textVersion"] = "2026-11" }, T0.AddMinutes(5)),
            (EventTypes.ConsentChanged, new JsonObject { ["profiling"] = true }, T0.AddMinutes(-5)));

        Assert.Equal([T0.AddMinutes(-5), T0, T0.AddMinutes(5)], profile.ConsentHistory.Select(r => r.At));
        var given = profile.ConsentHistory[1];
        Assert.Equal((true, "app-settings", "2026-11", "/webshop/eu"), (given.Marketing, given.CollectedVia, given.TextVersion, given.Sender));
        Assert.Null(given.Profiling);
        Assert.False(profile.Consent.Marketing);
    }

    [Fact]
    public void ConsentHistory_KeepsTheLatestStatements()
    {
        var statements = Enumerable.Range(0, ProfileLimits.ConsentHistory + 5)
            .Select(i => (EventTypes.ConsentChanged, new JsonObject { ["marketing"] = i % 2 == 0 }, T0.AddMinutes(i)))
            .ToArray();

        var profile = Apply(statements);

        Assert.Equal(ProfileLimits.ConsentHistory, profile.ConsentHistory.Count);
        Assert.Equal(T0.AddMinutes(5), profile.ConsentHistory[0].At);
    }

    [Fact]
    public void ProfilingObjection_ClearsWhatProfilingBuilt_AndStopsBuildingIt_WhileOrdersStay_UntilLifted()
    {
        var profile = Apply(
            (EventTypes.ProductViewed, Product("p-1", "baby", "strollers"), T0),
            (EventTypes.SearchPerformed, new JsonObject { ["query"] = "stroller" }, T0.AddMinutes(1)));
        Assert.NotEmpty(profile.CategoryInterest);
        Assert.NotEmpty(profile.LifeStageSince);

        ApplyTo(profile,
            (EventTypes.ConsentChanged, new JsonObject { ["profiling"] = false }, T0.AddMinutes(2)),
            (EventTypes.ProductViewed, Product("p-2", "phones"), T0.AddMinutes(3)),
            (EventTypes.SearchPerformed, new JsonObject { ["query"] = "phone" }, T0.AddMinutes(4)),
            (EventTypes.OrderPlaced, Order("o-1", T0.AddDays(2), Product("p-3", "audio", "airpods", 50m)), T0.AddMinutes(5)));

        Assert.Equal((0, 0, 0, 0, 0, 0), (profile.CategoryInterest.Count, profile.ProductLineInterest.Count, profile.SeasonalInterest.Count,
            profile.LifeStageSince.Count, profile.RecentViews.Count, profile.RecentSearches.Count));
        Assert.Equal(1, profile.OrderCount);
        Assert.Single(profile.OpenOrders);

        ApplyTo(profile,
            (EventTypes.ConsentChanged, new JsonObject { ["profiling"] = true }, T0.AddMinutes(6)),
            (EventTypes.ProductViewed, Product("p-2", "phones"), T0.AddMinutes(7)));

        Assert.True(profile.CategoryInterest.ContainsKey("phones"));
        Assert.Single(profile.RecentViews);
    }

    [Fact]
    public void Restriction_StopsProfilingButKeepsTheData_AndIsKeptInTheHistoryWithItsReason_UntilLifted()
    {
        var profile = Apply((EventTypes.ProductViewed, Product("p-1", "phones"), T0));

        ApplyTo(profile,
            (EventTypes.ConsentChanged, new JsonObject { ["restricted"] = true, ["reason"] = "ticket-77", ["collectedVia"] = "privacy-request" }, T0.AddMinutes(1)),
            (EventTypes.ProductViewed, Product("p-2", "audio"), T0.AddMinutes(2)),
            (EventTypes.OrderPlaced, Order("o-1", T0.AddDays(2), Product("p-3", "audio", "airpods", 50m)), T0.AddMinutes(3)));

        Assert.True(profile.Consent.Restricted);
        Assert.True(profile.Consent.ProfilingStopped);
        Assert.False(profile.CategoryInterest.ContainsKey("audio"));
        Assert.Single(profile.OpenOrders);
        var statement = profile.ConsentHistory[^1];
        Assert.Equal((true, "ticket-77", "privacy-request"), (statement.Restricted, statement.Reason, statement.CollectedVia));

        ApplyTo(profile,
            (EventTypes.ConsentChanged, new JsonObject { ["restricted"] = false, ["reason"] = "ticket-78" }, T0.AddMinutes(4)),
            (EventTypes.ProductViewed, Product("p-2", "audio"), T0.AddMinutes(5)));

        Assert.False(profile.Consent.ProfilingStopped);
        Assert.True(profile.CategoryInterest.ContainsKey("audio"));
    }

    [Fact]
    public void PregnancyInference_NeedsExplicitConsent_LastsOnlyItsHorizon_AndGoesWhenConsentIsWithdrawn()
    {
        var pregnancy = Product("p-v", "pregnancy", "prenatal-vitamins", 15m);

        var withoutConsent = Apply((EventTypes.ProductViewed, pregnancy, T0), (EventTypes.ProductViewed, pregnancy, T0.AddMinutes(1)));
        Assert.False(withoutConsent.CategoryInterest.ContainsKey("pregnancy"));
        Assert.False(withoutConsent.LifeStageSince.ContainsKey("pregnancy"));
        Assert.False(withoutConsent.ProductLineInterest.ContainsKey("prenatal-vitamins"));

        var consenting = Apply(
            (EventTypes.ConsentChanged, new JsonObject { ["specialCategories"] = true, ["collectedVia"] = "app-settings", ["textVersion"] = "v7" }, T0),
            (EventTypes.ProductViewed, pregnancy, T0.AddMinutes(1)));
        Assert.True(consenting.CategoryInterest.ContainsKey("pregnancy"));
        Assert.Equal(T0.AddMinutes(1), consenting.LifeStageSince["pregnancy"]);
        Assert.True(consenting.ConsentHistory[^1].SpecialCategories);

        // Past the horizon the next event removes the inference instead of leaving it hidden.
        ApplyTo(consenting, (EventTypes.ProductViewed, Product("p-2", "phones"), T0.AddDays(Rules.LifeStageHorizonDays["pregnancy"] + 1)));
        Assert.False(consenting.CategoryInterest.ContainsKey("pregnancy"));
        Assert.False(consenting.LifeStageSince.ContainsKey("pregnancy"));
        Assert.True(consenting.CategoryInterest.ContainsKey("phones"));

        var withdrawing = Apply(
            (EventTypes.ConsentChanged, new JsonObject { ["specialCategories"] = true }, T0),
            (EventTypes.ProductViewed, pregnancy, T0.AddMinutes(1)),
            (EventTypes.ProductViewed, Product("p-b", "baby", "baby-care", 20m), T0.AddMinutes(2)),
            (EventTypes.ConsentChanged, new JsonObject { ["specialCategories"] = false }, T0.AddMinutes(3)));
        Assert.False(withdrawing.CategoryInterest.ContainsKey("pregnancy"));
        Assert.False(withdrawing.LifeStageSince.ContainsKey("pregnancy"));
        Assert.True(withdrawing.LifeStageSince.ContainsKey("baby"));
    }

    [Fact]
    public void Consent_LateOlderChange_DoesNotOverrideNewerOne()
    {
        var profile = Apply(
            (EventTypes.ConsentChanged, new JsonObject { ["marketing"] = false }, T0),
            (EventTypes.ConsentChanged, new JsonObject { ["marketing"] = true, ["profiling"] = true }, T0.AddHours(-1)));

        Assert.False(profile.Consent.Marketing);
        Assert.True(profile.Consent.Profiling);
    }

    [Fact]
    public void CheckoutStarted_RecordsCartValueInTheSession()
    {
        var page = new JsonObject { ["url"] = "/checkout", ["sessionId"] = "s-9", ["channel"] = "web" };

        var profile = Apply((EventTypes.PageViewed, page, T0.AddMinutes(-1)), (EventTypes.CheckoutStarted, new JsonObject { ["cartValue"] = 899.0 }, T0));

        Assert.Equal(899m, profile.Temporary.Session!.CheckoutCartValue);
        Assert.Equal("web", profile.Temporary.Session.Channel);
    }

    [Fact]
    public void ServiceContacts_CountMomentsAndFirstTimeRight_InEitherOrder()
    {
        (string, JsonObject, DateTimeOffset) Opened(string ticket, int minutes) =>
            (EventTypes.ServiceContactOpened, new JsonObject { ["ticketId"] = ticket, ["channel"] = "chat", ["topic"] = "delivery" }, T0.AddMinutes(minutes));
        (string, JsonObject, DateTimeOffset) Resolved(string ticket, int contacts, int minutes) =>
            (EventTypes.ServiceContactResolved, new JsonObject { ["ticketId"] = ticket, ["contacts"] = contacts }, T0.AddMinutes(minutes));

        var profile = Apply(Opened("t-1", 0), Resolved("t-1", 1, 5), Resolved("t-2", 3, 30), Opened("t-2", 10), Opened("t-3", 40));

        Assert.Equal(1 + 3 + 1, profile.ContactMoments);
        Assert.Equal(2, profile.ResolvedContacts);
        Assert.Equal(0.5, profile.FirstTimeRightRate);
        Assert.Equal("t-3", Assert.Single(profile.OpenContacts).TicketId);
    }

    [Fact]
    public void Responses_MarkEngagement_IgnoredDoesNot()
    {
        var profile = Apply(
            (EventTypes.CampaignResponded, new JsonObject { ["campaignId"] = "c-1", ["response"] = "ignored" }, T0.AddDays(-40)),
            (EventTypes.CampaignResponded, new JsonObject { ["campaignId"] = "c-2", ["response"] = "clicked" }, T0.AddDays(-10)),
            (EventTypes.NotificationOpened, new JsonObject { ["notificationId"] = "n-1" }, T0.AddDays(-12)),
            (EventTypes.OfferAccepted, new JsonObject { ["decisionId"] = "d-1", ["actionId"] = "bundle-pixel" }, T0.AddDays(-11)),
            (EventTypes.OfferDeclined, new JsonObject { ["decisionId"] = "d-2", ["actionId"] = "bundle-pixel" }, T0.AddDays(-9)));

        Assert.Equal(T0.AddDays(-10), profile.LastEngagedAt);
        Assert.True(profile.IsEngaged(T0, Rules.EngagedWindow));
        Assert.False(profile.IsEngaged(T0.AddDays(25), Rules.EngagedWindow));
        Assert.Equal((1, 1), (profile.OfferOutcomes["bundle-pixel"].Accepted, profile.OfferOutcomes["bundle-pixel"].Declined));
        Assert.Equal(1, profile.CampaignResponses["ignored"]);
        Assert.Equal(1, profile.NotificationsOpened);
    }

    [Fact]
    public void BoundedLists_NeverGrowPastTheirLimits()
    {
        var events = Enumerable.Range(0, 300).SelectMany(i => new[]
        {
            (EventTypes.ProductViewed, Product($"p-{i}", $"cat-{i}", $"line-{i}"), T0.AddMinutes(i)),
            (EventTypes.SearchPerformed, new JsonObject { ["query"] = $"q{i}" }, T0.AddMinutes(i)),
            (EventTypes.WishlistItemAdded, Product($"w-{i}", $"cat-{i}", $"line-{i}"), T0.AddMinutes(i)),
        }).ToArray();

        var profile = Apply(events);

        Assert.Equal(ProfileLimits.RecentViews, profile.RecentViews.Count);
        Assert.Equal(ProfileLimits.RecentSearches, profile.RecentSearches.Count);
        Assert.Equal(ProfileLimits.WishlistItems, profile.Wishlist.Count);
        Assert.Equal(ProfileLimits.Interests, profile.CategoryInterest.Count);
        Assert.Equal(ProfileLimits.Interests, profile.ProductLineInterest.Count);
        Assert.Equal("p-299", profile.RecentViews[^1].ProductId);
    }
}
