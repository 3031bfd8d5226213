using System.Text.Json;
using NextBestAction.Contracts;
using NextBestAction.Simulator;

namespace NextBestAction.UnitTests.Simulator;

public sealed class SimulatedEventJsonTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 10, 15, 0, TimeSpan.Zero);

    [Fact]
    public void ToUtf8Json_OrderPlaced_WritesTheContractEnvelopeWithUtcTimesAndNumericMoney()
    {
        var order = new OrderPlacedData(
            "ord-1", [new OrderItem("p-galaxy-s-25", "phones", "galaxy-s", 899.00m, 1, true)], 899.00m, "EUR", Now.AddMinutes(2));
        var e = new SimulatedEvent("evt-1", WebshopModel.WebshopSource, EventTypes.OrderPlaced, Now.ToOffset(TimeSpan.FromHours(1)), "cust-00042", order);

        using var json = JsonDocument.Parse(SimulatedEventJson.ToUtf8Json(e));
        var root = json.RootElement;

        Assert.Equal(
            ["specversion", "id", "source", "type", "time", "subject", "datacontenttype", "data"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("1.0", root.GetProperty("specversion").GetString());
        Assert.Equal("/simulator/webshop", root.GetProperty("source").GetString());
        Assert.Equal("2026-11-23T10:15:00Z", root.GetProperty("time").GetString());
        Assert.Equal("application/json", root.GetProperty("datacontenttype").GetString());
        var data = root.GetProperty("data");
        Assert.Equal(Now.AddMinutes(2), data.GetProperty("promisedDeliveryDate").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Number, data.GetProperty("total").ValueKind);
        Assert.Equal(899.00m, data.GetProperty("items")[0].GetProperty("price").GetDecimal());
        Assert.True(data.GetProperty("items")[0].GetProperty("gift").GetBoolean());
    }

    [Fact]
    public void ToUtf8Json_ConsentWithOneField_OmitsTheUnchangedOnes()
    {
        var e = new SimulatedEvent("evt-2", WebshopModel.WebshopSource, EventTypes.ConsentChanged, Now, "cust-00001",
            new ConsentChangedData(false, null, null));

        using var json = JsonDocument.Parse(SimulatedEventJson.ToUtf8Json(e));

        Assert.Equal(["marketing"], json.RootElement.GetProperty("data").EnumerateObject().Select(p => p.Name));
    }

    [Theory]
    [InlineData(EventTypes.ProductViewed, "nba.clickstream")]
    [InlineData(EventTypes.NotificationOpened, "nba.clickstream")]
    [InlineData(EventTypes.LocationReported, "nba.clickstream")]
    [InlineData(EventTypes.OrderCancelled, "nba.orders")]
    [InlineData(EventTypes.ServiceContactResolved, "nba.service")]
    [InlineData(EventTypes.ProductBackInStock, "nba.catalog")]
    [InlineData(EventTypes.OfferDeclined, "nba.feedback")]
    [InlineData(EventTypes.ConsentChanged, "nba.consent")]
    public void TopicFor_ContractType_IsTheTopicOfItsFamily(string type, string topic)
    {
        Assert.Equal(topic, SimulatedEvent.TopicFor(type, new TopicNames()));
    }

    [Fact]
    public void TopicFor_EveryContractType_HasAnInputTopic()
    {
        var topics = new TopicNames();

        Assert.All(EventReader.KnownTypes, t => Assert.Contains(SimulatedEvent.TopicFor(t, topics), topics.Inputs));
    }

    [Fact]
    public void TopicFor_UnknownType_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SimulatedEvent.TopicFor("order.teleported", new TopicNames()));
    }
}
