using System.Text.Json.Nodes;
using NextBestAction.Contracts;
using NextBestAction.Profiles;

namespace NextBestAction.UnitTests.Notifications;

/// <summary>Profiles built through the real updater from contract events, as ingestion builds them.</summary>
internal static class NotificationTestData
{
    public static readonly ProfileUpdater Updater = new(ProfileRules.Default);

    private static long offset;

    public static ValidEvent Event(string type, JsonObject data, DateTimeOffset? time = null, string subject = "cust-1")
    {
        // Read when it happened: the scenarios place events days apart, beyond any clock skew or maximum age from one reading time.
        var result = EventReader.Read(TestEvents.Json(type, subject, data, time: time), time ?? TestEvents.Now, EventLimits.Default);
        Assert.Equal(ReadOutcome.Valid, result.Outcome);
        return result.Event!;
    }

    public static ValidEvent Apply(CustomerProfile profile, string type, JsonObject data, DateTimeOffset? time = null)
    {
        var e = Event(type, data, time, profile.CustomerId);
        Assert.Equal(ApplyOutcome.Applied, Updater.Apply(profile, e, "t/0", Interlocked.Increment(ref offset)));
        return e;
    }

    public static JsonObject Order(string orderId, DateTimeOffset promised, params (string ProductId, string Category, decimal Price)[] items) => new()
    {
        ["orderId"] = orderId,
        ["items"] = new JsonArray([.. items.Select(i => (JsonNode)new JsonObject
        {
            ["productId"] = i.ProductId,
            ["category"] = i.Category,
            ["productLine"] = "line-" + i.ProductId,
            ["price"] = i.Price,
            ["quantity"] = 1,
        })]),
        ["total"] = items.Sum(i => i.Price),
        ["promisedDeliveryDate"] = promised.ToString("O"),
    };

    public static CustomerProfile Consenting(string customerId = "cust-1")
    {
        var profile = new CustomerProfile { CustomerId = customerId };
        Apply(profile, EventTypes.ConsentChanged, new JsonObject { ["marketing"] = true }, TestEvents.Now.AddDays(-10));
        return profile;
    }

    public static CustomerProfile WithWishlist(string productId, decimal price = 799m)
    {
        var profile = Consenting();
        Apply(profile, EventTypes.WishlistItemAdded, new JsonObject
        {
            ["productId"] = productId, ["category"] = "phones", ["productLine"] = "galaxy-s", ["price"] = price,
        }, TestEvents.Now.AddDays(-3));
        return profile;
    }
}
