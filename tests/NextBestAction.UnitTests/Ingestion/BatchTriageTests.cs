using System.Text;
using System.Text.Json.Nodes;
using NextBestAction.Contracts;
using NextBestAction.Ingestion;

namespace NextBestAction.UnitTests.Ingestion;

public sealed class BatchTriageTests
{
    private static readonly TopicNames Topics = new();

    private static IncomingMessage Message(string topic, long offset, byte[]? value, string? key) =>
        new(topic, 0, offset, key is null ? null : Encoding.UTF8.GetBytes(key), value);

    private static IncomingMessage CartItemAdded(string customer, long offset, string? key = "same") =>
        Message(Topics.Clickstream, offset, TestEvents.Json(EventTypes.CartItemAdded, customer, TestEvents.CartItem()), key == "same" ? customer : key);

    private static IncomingMessage PriceChanged(string productId, long offset) =>
        Message(Topics.Catalog, offset,
            TestEvents.Json(EventTypes.ProductPriceChanged, productId, new JsonObject { ["productId"] = productId, ["oldPrice"] = 800m, ["newPrice"] = 700m }),
            productId);

    private static TriagedBatch Sort(params IncomingMessage[] batch) => BatchTriage.Sort(batch, TestEvents.Now, EventLimits.Default, Topics);

    [Fact]
    public void CustomerEvents_AreGroupedByCustomer_InBatchOrder()
    {
        var triaged = Sort(CartItemAdded("cust-1", 10), CartItemAdded("cust-2", 11), CartItemAdded("cust-1", 12));

        Assert.Equal(["cust-1", "cust-2"], triaged.ByCustomer.Keys);
        Assert.Equal([10L, 12L], triaged.ByCustomer["cust-1"].Select(e => e.Message.Offset));
        Assert.All(triaged.ByCustomer["cust-1"], e => Assert.Equal("cust-1", e.Event.Subject));
        Assert.Empty(triaged.Rejected);
        Assert.Empty(triaged.CatalogEvents);
    }

    [Fact]
    public void UnreadableMessage_IsDeadLetteredWithoutAType()
    {
        var triaged = Sort(Message(Topics.Clickstream, 0, Encoding.UTF8.GetBytes("{ not json"), "cust-1"));

        var (message, reason, type) = Assert.Single(triaged.Rejected);
        Assert.Equal(0, message.Offset);
        Assert.False(string.IsNullOrWhiteSpace(reason));
        Assert.Null(type);
        Assert.Empty(triaged.ByCustomer);
    }

    [Fact]
    public void UnknownType_IsCounted_NeitherDeadLetteredNorApplied()
    {
        var triaged = Sort(Message(Topics.Clickstream, 0, TestEvents.Json("com.example.unheard_of", "cust-1", new JsonObject()), "cust-1"));

        Assert.Equal(1, triaged.UnknownTypes);
        Assert.Empty(triaged.Rejected);
        Assert.Empty(triaged.ByCustomer);
    }

    [Fact]
    public void EventOnAnotherFamilysTopic_IsDeadLetteredNamingItsTopic()
    {
        var onOrders = Message(Topics.Orders, 0, TestEvents.Json(EventTypes.CartItemAdded, "cust-1", TestEvents.CartItem()), "cust-1");

        var (_, reason, type) = Assert.Single(Sort(onOrders).Rejected);
        Assert.Equal(EventTypes.CartItemAdded, type);
        Assert.Contains(Topics.Clickstream, reason, StringComparison.Ordinal);
    }

    [Fact]
    public void KeyOtherThanTheSubject_IsDeadLettered_AndAMissingKeyIsAccepted()
    {
        var triaged = Sort(CartItemAdded("cust-1", 0, key: "cust-2"), CartItemAdded("cust-3", 1, key: null));

        var (message, reason, _) = Assert.Single(triaged.Rejected);
        Assert.Equal(0, message.Offset);
        Assert.Contains("subject", reason, StringComparison.Ordinal);
        Assert.Equal(["cust-3"], triaged.ByCustomer.Keys);
    }

    [Fact]
    public void CatalogEvent_GoesToTheObservers_NotToAnyProfile()
    {
        var triaged = Sort(PriceChanged("p-5", 0), CartItemAdded("cust-1", 1));

        Assert.Equal(EventTypes.ProductPriceChanged, Assert.Single(triaged.CatalogEvents).Type);
        Assert.Equal(["cust-1"], triaged.ByCustomer.Keys);
    }

    [Fact]
    public void EventOlderThanTheMaximumAge_IsDeadLettered_AgainstTheClockPassedIn()
    {
        var old = Message(Topics.Clickstream, 0,
            TestEvents.Json(EventTypes.CartItemAdded, "cust-1", TestEvents.CartItem(), time: TestEvents.Now.AddDays(-2)), "cust-1");
        var limits = EventLimits.Default with { MaxEventAge = TimeSpan.FromDays(1) };

        Assert.Single(BatchTriage.Sort([old], TestEvents.Now, limits, Topics).Rejected);
        Assert.Empty(BatchTriage.Sort([old], TestEvents.Now, EventLimits.Default, Topics).Rejected);
    }
}
