using System.Text;
using System.Text.Json.Nodes;
using NextBestAction.Contracts;

namespace NextBestAction.UnitTests.Contracts;

public sealed class EventReaderTests
{
    private static ReadResult Read(byte[] bytes) => EventReader.Read(bytes, TestEvents.Now, EventLimits.Default);

    [Fact]
    public void Read_ContractExample_IsValidWithTypedData()
    {
        var bytes = Encoding.UTF8.GetBytes(
            """{"specversion":"1.0","id":"evt-000123","source":"/webshop/eu","type":"product.viewed","time":"2026-11-23T10:15:00Z","subject":"cust-42","datacontenttype":"application/json","data":{"productId":"p-100","category":"phones","productLine":"galaxy-s","price":799.00}}""");

        var result = Read(bytes);

        Assert.Equal(ReadOutcome.Valid, result.Outcome);
        var data = Assert.IsType<ProductViewedData>(result.Event!.Data);
        Assert.Equal("galaxy-s", data.ProductLine);
        Assert.Equal(799.00m, data.Price);
        Assert.Equal("/webshop/eu|evt-000123", result.Event.DedupKey);
    }

    [Fact]
    public void Read_CartItemAdded_IsValid()
    {
        var result = Read(TestEvents.Json(EventTypes.CartItemAdded, "cust-42", TestEvents.CartItem()));

        Assert.Equal(ReadOutcome.Valid, result.Outcome);
        Assert.IsType<CartItemAddedData>(result.Event!.Data);
    }

    [Theory]
    [InlineData("not json at all", "not a CloudEvents JSON object")]
    [InlineData("", "empty message")]
    [InlineData("[1,2]", "not a CloudEvents JSON object")]
    [InlineData("""{"specversion":"0.3","id":"1","source":"s","type":"page.viewed","time":"2026-11-23T10:00:00Z","subject":"c","data":{"url":"/"}}""", "specversion must be \"1.0\"")]
    [InlineData("""{"specversion":"1.0","source":"s","type":"page.viewed","time":"2026-11-23T10:00:00Z","subject":"c","data":{"url":"/"}}""", "id is required")]
    [InlineData("""{"specversion":"1.0","id":"1","source":"s","type":"page.viewed","subject":"c","data":{"url":"/"}}""", "time is required")]
    [InlineData("""{"specversion":"1.0","id":"1","source":"s","type":"page.viewed","time":"2026-11-23T10:00:00Z","data":{"url":"/"}}""", "subject")]
    [InlineData("""{"specversion":"1.0","id":"1","source":"s","type":"page.viewed","time":"2026-11-23T10:00:00Z","subject":"c{1}","data":{"url":"/"}}""", "subject must be")]
    [InlineData("""{"specversion":"1.0","id":"1","source":"s","type":"page.viewed","time":"2026-11-23T10:00:00Z","subject":"c","data":"text"}""", "data must be a JSON object")]
    [InlineData("""{"specversion":"1.0","id":"1","source":"s","type":"cart.item_added","time":"2026-11-23T10:00:00Z","subject":"c","data":{"productId":"p","category":"x","productLine":"l","price":-1,"quantity":1}}""", "data.price must not be negative")]
    [InlineData("""{"specversion":"1.0","id":"1","source":"s","type":"cart.item_added","time":"2026-11-23T10:00:00Z","subject":"c","data":{"productId":"p","category":"x","productLine":"l","price":"cheap","quantity":1}}""", "data does not match cart.item_added")]
    [InlineData("""{"specversion":"1.0","id":"1","source":"s","type":"order.placed","time":"2026-11-23T10:00:00Z","subject":"c","data":{"orderId":"o1","items":[],"total":5,"promisedDeliveryDate":"2026-11-25T00:00:00Z"}}""", "data.items must hold at least one item")]
    [InlineData("""{"specversion":"1.0","id":"1","source":"s","type":"campaign.responded","time":"2026-11-23T10:00:00Z","subject":"c","data":{"campaignId":"x","response":"liked"}}""", "data.response must be one of")]
    public void Read_BadInput_IsInvalidWithReason(string json, string expectedReason)
    {
        var result = Read(Encoding.UTF8.GetBytes(json));

        Assert.Equal(ReadOutcome.Invalid, result.Outcome);
        Assert.Contains(expectedReason, result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_UnknownType_IsCountedNotInvalid()
    {
        var result = Read(TestEvents.Json("loyalty.points_earned", "cust-1", new JsonObject { ["points"] = 5 }));

        Assert.Equal(ReadOutcome.UnknownType, result.Outcome);
        Assert.Equal("loyalty.points_earned", result.Type);
    }

    [Fact]
    public void Read_EventFromTheFarFuture_IsInvalid()
    {
        var result = Read(TestEvents.Json(EventTypes.PageViewed, "cust-1", new JsonObject { ["url"] = "/" }, time: TestEvents.Now.AddHours(1)));

        Assert.Equal(ReadOutcome.Invalid, result.Outcome);
        Assert.Contains("in the future", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_OversizeEvent_IsInvalidBeforeParsing()
    {
        var bytes = TestEvents.Json(EventTypes.SearchPerformed, "cust-1", new JsonObject { ["query"] = new string('x', 2000) });

        var result = EventReader.Read(bytes, TestEvents.Now, new EventLimits(1024, TimeSpan.FromMinutes(5)));

        Assert.Equal(ReadOutcome.Invalid, result.Outcome);
        Assert.Contains("over the limit of 1024 bytes", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void KnownTypes_CoverEveryTypeOfTheContract()
    {
        var declared = typeof(EventTypes).GetFields().Select(f => (string)f.GetValue(null)!).ToHashSet();

        Assert.Equal(27, declared.Count);
        Assert.Equal(declared.Order(), EventReader.KnownTypes.Order());
    }
}
