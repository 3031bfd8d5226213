using System.Text.Json;
using System.Text.Json.Nodes;
using NextBestAction.Contracts;
using NextBestAction.Profiles;

namespace NextBestAction.UnitTests.Profiles;

public sealed class ProfileTrimmerTests
{
    private static readonly ProfileUpdater Updater = new(ProfileRules.Default);

    private static int StoredBytes(CustomerProfile profile) => JsonSerializer.SerializeToUtf8Bytes(profile, ProfilesJsonContext.Default.CustomerProfile).Length;

    private static string Long(string prefix, int length) => prefix + new string('x', length - prefix.Length);

    private static ValidEvent Read(string type, JsonObject data, string id, DateTimeOffset time)
    {
        var result = EventReader.Read(TestEvents.Json(type, "cust-1", data, id, time), TestEvents.Now, EventLimits.Default);
        Assert.True(result.Outcome == ReadOutcome.Valid, result.Reason);
        return result.Event!;
    }

    /// <summary>60 orders of 40 items and 60 wishlist items, every string as long as the contract allows.</summary>
    private static CustomerProfile Flooded()
    {
        var profile = new CustomerProfile { CustomerId = "cust-1" };
        for (var o = 0; o < 60; o++)
        {
            var time = TestEvents.Now.AddMinutes(-60 + o);
            var items = new JsonArray([.. Enumerable.Range(0, 40).Select(i => (JsonNode)new JsonObject
            {
                ["productId"] = Long($"p-{o}-{i}-", FieldLimits.Id), ["category"] = Long($"c{i}-", FieldLimits.Name),
                ["productLine"] = Long($"l-{o}-{i}-", FieldLimits.Name), ["price"] = 1m, ["quantity"] = 1,
            })]);
            Updater.Apply(profile, Read(EventTypes.OrderPlaced, new JsonObject
            {
                ["orderId"] = Long($"o-{o}-", FieldLimits.Id), ["items"] = items, ["total"] = 40m, ["promisedDeliveryDate"] = TestEvents.Now.AddDays(3).ToString("O"),
            }, $"order-{o}", time), "nba.orders/0", o);
            Updater.Apply(profile, Read(EventTypes.WishlistItemAdded, new JsonObject
            {
                ["productId"] = Long($"w-{o}-", FieldLimits.Id), ["category"] = Long("c-", FieldLimits.Name), ["productLine"] = Long($"l-{o}-", FieldLimits.Name), ["price"] = 1m,
            }, $"wish-{o}", time), "nba.clickstream/0", o);
        }

        return profile;
    }

    [Fact]
    public void TrimToFit_ProfileWithinTheLimit_IsUnchanged()
    {
        var profile = Flooded();
        var before = StoredBytes(profile);

        var steps = ProfileTrimmer.TrimToFit(profile, before, StoredBytes);

        Assert.Equal(0, steps);
        Assert.Equal(before, StoredBytes(profile));
    }

    [Fact]
    public void TrimToFit_FloodOfLargeValidEvents_FitsAndKeepsTheNewestAndEveryCounter()
    {
        var profile = Flooded();
        var (orders, spend, recentEvents) = (profile.OrderCount, profile.TotalSpend, profile.RecentEvents.Count);
        Assert.True(StoredBytes(profile) > 2 * ProfileRules.MinProfileBytes, $"the flood made only {StoredBytes(profile)} bytes");

        var steps = ProfileTrimmer.TrimToFit(profile, ProfileRules.MinProfileBytes, StoredBytes);

        Assert.True(steps > 0);
        Assert.InRange(StoredBytes(profile), 1, ProfileRules.MinProfileBytes);
        Assert.Equal((orders, spend, recentEvents), (profile.OrderCount, profile.TotalSpend, profile.RecentEvents.Count));
        Assert.Equal(Long("o-59-", FieldLimits.Id), profile.OpenOrders[^1].OrderId);

        // The wishlist is worth less to decisions than open orders (promises, delivery delays): it went first.
        Assert.Empty(profile.Wishlist);
    }

    [Fact]
    public void TrimToFit_LeastUsefulPartsGoFirst()
    {
        var profile = Flooded();
        profile.RecentViews.AddRange(Enumerable.Range(0, 20).Select(i =>
            new ProductView(Long($"v-{i}-", FieldLimits.Id), Long("c-", FieldLimits.Name), Long("l-", FieldLimits.Name), 1m, TestEvents.Now.AddMinutes(i - 20))));
        var openOrders = profile.OpenOrders.Count;

        ProfileTrimmer.TrimToFit(profile, StoredBytes(profile) - 1_000, StoredBytes);

        Assert.Equal(10, profile.RecentViews.Count);
        Assert.Equal(TestEvents.Now.AddMinutes(-1), profile.RecentViews[^1].At);
        Assert.Equal(openOrders, profile.OpenOrders.Count);
    }

    [Fact]
    public void TrimToFit_OnlyUntrimmablePartsLeft_StopsWithoutTouchingThem()
    {
        var profile = new CustomerProfile { CustomerId = "cust-1", OrderCount = 3 };
        for (var i = 0; i < 100; i++)
        {
            profile.RecentEvents[i] = TestEvents.Now;
        }

        ProfileTrimmer.TrimToFit(profile, 100, StoredBytes);

        Assert.Equal((100, 3), (profile.RecentEvents.Count, profile.OrderCount));
    }
}
