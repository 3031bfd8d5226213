using System.Text.Json.Nodes;
using NextBestAction.Contracts;
using NextBestAction.Profiles;

namespace NextBestAction.UnitTests.Profiles;

public sealed class ProfileUpdaterTests
{
    private const string Partition = "nba.clickstream/0";

    private static readonly ProfileUpdater Updater = new(ProfileRules.Default);

    private static ValidEvent Event(string type, JsonObject data, string? id = null, DateTimeOffset? time = null)
    {
        var result = EventReader.Read(TestEvents.Json(type, "cust-1", data, id, time), TestEvents.Now, EventLimits.Default);
        Assert.Equal(ReadOutcome.Valid, result.Outcome);
        return result.Event!;
    }

    private static JsonObject Order(string orderId, DateTimeOffset promised, string productId = "p-100") => new()
    {
        ["orderId"] = orderId,
        ["items"] = new JsonArray(TestEvents.CartItem(productId)),
        ["total"] = 799m,
        ["promisedDeliveryDate"] = promised.ToString("O"),
    };

    [Fact]
    public void Apply_CartItemAdded_AddsLine()
    {
        var profile = new CustomerProfile { CustomerId = "cust-1" };

        var outcome = Updater.Apply(profile, Event(EventTypes.CartItemAdded, TestEvents.CartItem()), Partition, 10);

        Assert.Equal(ApplyOutcome.Applied, outcome);
        var line = Assert.Single(profile.Cart);
        Assert.Equal(("p-100", "galaxy-s", 1), (line.ProductId, line.ProductLine, line.Quantity));
        Assert.Equal(10, profile.AppliedOffsets[Partition]);
    }

    [Fact]
    public void Apply_SameProductTwice_AddsQuantity()
    {
        var profile = new CustomerProfile { CustomerId = "cust-1" };

        Updater.Apply(profile, Event(EventTypes.CartItemAdded, TestEvents.CartItem(quantity: 1)), Partition, 1);
        Updater.Apply(profile, Event(EventTypes.CartItemAdded, TestEvents.CartItem(quantity: 2)), Partition, 2);

        Assert.Equal(3, Assert.Single(profile.Cart).Quantity);
    }

    [Fact]
    public void Apply_CartItemRemoved_RemovesLine()
    {
        var profile = new CustomerProfile { CustomerId = "cust-1" };
        Updater.Apply(profile, Event(EventTypes.CartItemAdded, TestEvents.CartItem()), Partition, 1);

        var outcome = Updater.Apply(profile, Event(EventTypes.CartItemRemoved, new JsonObject { ["productId"] = "p-100" }), Partition, 2);

        Assert.Equal(ApplyOutcome.Applied, outcome);
        Assert.Empty(profile.Cart);
    }

    [Fact]
    public void Apply_RedeliveredOffset_IsDuplicateAndChangesNothing()
    {
        var profile = new CustomerProfile { CustomerId = "cust-1" };
        var added = Event(EventTypes.CartItemAdded, TestEvents.CartItem());
        Updater.Apply(profile, added, Partition, 5);

        var outcome = Updater.Apply(profile, added, Partition, 5);

        Assert.Equal(ApplyOutcome.Duplicate, outcome);
        Assert.Equal(1, Assert.Single(profile.Cart).Quantity);
    }

    [Fact]
    public void Apply_SameSourceAndIdProducedTwice_IsDuplicate()
    {
        var profile = new CustomerProfile { CustomerId = "cust-1" };
        Updater.Apply(profile, Event(EventTypes.CartItemAdded, TestEvents.CartItem(), id: "evt-1"), Partition, 1);

        var outcome = Updater.Apply(profile, Event(EventTypes.CartItemAdded, TestEvents.CartItem(), id: "evt-1"), Partition, 2);

        Assert.Equal(ApplyOutcome.Duplicate, outcome);
        Assert.Equal(1, Assert.Single(profile.Cart).Quantity);
        Assert.Equal(2, profile.AppliedOffsets[Partition]);
    }

    [Fact]
    public void Apply_OrderPlaced_OpensOrderCountsSpendAndEmptiesOrderedCartLines()
    {
        var profile = new CustomerProfile { CustomerId = "cust-1" };
        Updater.Apply(profile, Event(EventTypes.CartItemAdded, TestEvents.CartItem()), Partition, 1);

        Updater.Apply(profile, Event(EventTypes.OrderPlaced, Order("o-1", TestEvents.Now.AddDays(2))), "nba.orders/0", 1);

        Assert.Empty(profile.Cart);
        Assert.Equal("o-1", Assert.Single(profile.OpenOrders).OrderId);
        Assert.Equal(1, profile.OrderCount);
        Assert.Equal(799m, profile.TotalSpend);
    }

    [Fact]
    public void Apply_DeliveredAfterPromise_RecordsBrokenPromise()
    {
        var profile = new CustomerProfile { CustomerId = "cust-1" };
        var promised = TestEvents.Now.AddDays(-3);
        Updater.Apply(profile, Event(EventTypes.OrderPlaced, Order("o-1", promised), time: TestEvents.Now.AddDays(-5)), "nba.orders/0", 1);

        Updater.Apply(profile, Event(EventTypes.OrderDelivered,
            new JsonObject { ["orderId"] = "o-1", ["deliveredAt"] = promised.AddDays(1).ToString("O") }), "nba.orders/0", 2);

        Assert.Empty(profile.OpenOrders);
        Assert.Equal("o-1", Assert.Single(profile.BrokenPromises).OrderId);
        Assert.Equal(1, profile.BrokenPromisesSince(TestEvents.Now.AddDays(-90)));
        Assert.Equal(0, profile.KeptPromises);
    }

    [Fact]
    public void Apply_DeliveredOnTime_CountsKeptPromise()
    {
        var profile = new CustomerProfile { CustomerId = "cust-1" };
        var promised = TestEvents.Now.AddDays(-1);
        Updater.Apply(profile, Event(EventTypes.OrderPlaced, Order("o-1", promised), time: TestEvents.Now.AddDays(-3)), "nba.orders/0", 1);

        Updater.Apply(profile, Event(EventTypes.OrderDelivered,
            new JsonObject { ["orderId"] = "o-1", ["deliveredAt"] = promised.AddHours(-2).ToString("O") }), "nba.orders/0", 2);

        Assert.Empty(profile.BrokenPromises);
        Assert.Equal(1, profile.KeptPromises);
    }

    [Fact]
    public void LateOpenOrders_PromiseInThePast_IsLate()
    {
        var profile = new CustomerProfile { CustomerId = "cust-1" };
        Updater.Apply(profile, Event(EventTypes.OrderPlaced, Order("o-1", TestEvents.Now.AddHours(-1)), time: TestEvents.Now.AddDays(-2)), "nba.orders/0", 1);

        Assert.Single(profile.LateOpenOrders(TestEvents.Now));
        Assert.Empty(profile.LateOpenOrders(TestEvents.Now.AddHours(-2)));
    }

    [Fact]
    public void Apply_ManyCartLines_KeepsTheNewestWithinTheLimit()
    {
        var profile = new CustomerProfile { CustomerId = "cust-1" };
        for (var i = 0; i < ProfileLimits.CartLines + 10; i++)
        {
            Updater.Apply(profile, Event(EventTypes.CartItemAdded, TestEvents.CartItem($"p-{i}")), Partition, i);
        }

        Assert.Equal(ProfileLimits.CartLines, profile.Cart.Count);
        Assert.Equal($"p-{ProfileLimits.CartLines + 9}", profile.Cart[^1].ProductId);
        Assert.True(profile.RecentEvents.Count <= ProfileRules.Default.DuplicateWindowMaxEvents);
    }

    [Fact]
    public void Apply_EventWithoutProfileEffect_IsMarkedSoItIsNotReapplied()
    {
        var profile = new CustomerProfile { CustomerId = "cust-1" };

        var outcome = Updater.Apply(profile, Event(EventTypes.PageViewed, new JsonObject { ["url"] = "/" }), Partition, 3);

        Assert.Equal(ApplyOutcome.NoProfileEffect, outcome);
        Assert.Equal(3, profile.AppliedOffsets[Partition]);
    }
}
