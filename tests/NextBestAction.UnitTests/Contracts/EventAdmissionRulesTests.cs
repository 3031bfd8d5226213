using System.Text;
using System.Text.Json.Nodes;
using NextBestAction.Contracts;

namespace NextBestAction.UnitTests.Contracts;

/// <summary>What the contract refuses beyond the schema: old event times, oversized strings, events on another family's topic.</summary>
public sealed class EventAdmissionRulesTests
{
    private static ReadResult Read(byte[] bytes, EventLimits? limits = null) => EventReader.Read(bytes, TestEvents.Now, limits ?? EventLimits.Default);

    private static JsonObject View(string category = "phones") => new()
    {
        ["productId"] = "p-1", ["category"] = category, ["productLine"] = "pixel", ["price"] = 1m,
    };

    [Fact]
    public void Read_EventTimeInTheYearOne_IsInvalidNamingTheSetting()
    {
        var result = Read(TestEvents.Json(EventTypes.ProductViewed, "cust-1", View(), time: DateTimeOffset.MinValue));

        Assert.Equal(ReadOutcome.Invalid, result.Outcome);
        Assert.Contains("in the past (Ingestion:MaxEventAgeDays)", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_EventOlderThanTheMaximumAge_IsInvalidUnlessAReplayAllowsIt()
    {
        var bytes = TestEvents.Json(EventTypes.ProductViewed, "cust-1", View(), time: TestEvents.Now.AddDays(-31));

        var normal = Read(bytes);
        var replay = Read(bytes, EventLimits.Default with { MaxEventAge = TimeSpan.FromDays(365) });

        Assert.Equal((ReadOutcome.Invalid, ReadOutcome.Valid), (normal.Outcome, replay.Outcome));
    }

    [Fact]
    public void Read_EventWithinTheMaximumAge_IsValid()
    {
        var result = Read(TestEvents.Json(EventTypes.ProductViewed, "cust-1", View(), time: TestEvents.Now.AddDays(-29)));

        Assert.Equal(ReadOutcome.Valid, result.Outcome);
    }

    [Fact]
    public void Read_CategoryOf60000Characters_IsInvalidWithTheField()
    {
        var result = Read(TestEvents.Json(EventTypes.ProductViewed, "cust-1", View(new string('c', 60_000))));

        Assert.Equal(ReadOutcome.Invalid, result.Outcome);
        Assert.Equal("data.category is 60000 characters long, at most 100 are allowed", result.Reason);
    }

    [Fact]
    public void Read_StringsAtTheirLimits_AreValid()
    {
        var data = View(new string('c', FieldLimits.Name));
        data["productId"] = new string('p', FieldLimits.Id);

        Assert.Equal(ReadOutcome.Valid, Read(TestEvents.Json(EventTypes.ProductViewed, "cust-1", data)).Outcome);
    }

    [Theory]
    [InlineData(EventTypes.SearchPerformed, "query", FieldLimits.Query)]
    [InlineData(EventTypes.PageViewed, "url", FieldLimits.Url)]
    [InlineData(EventTypes.NotificationOpened, "notificationId", FieldLimits.Id)]
    [InlineData(EventTypes.CampaignResponded, "campaignId", FieldLimits.Id)]
    public void Read_FieldOverItsLimit_IsInvalidWithTheField(string type, string field, int limit)
    {
        var data = new JsonObject { [field] = new string('x', limit + 1) };
        if (type == EventTypes.CampaignResponded)
        {
            data["response"] = "opened";
        }

        var result = Read(TestEvents.Json(type, "cust-1", data));

        Assert.Equal(ReadOutcome.Invalid, result.Outcome);
        Assert.StartsWith($"data.{field} is {limit + 1} characters long", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_OptionalFieldOverItsLimit_IsInvalid()
    {
        var result = Read(TestEvents.Json(EventTypes.OrderReturned, "cust-1",
            new JsonObject { ["orderId"] = "o-1", ["productId"] = "p-1", ["reason"] = new string('r', FieldLimits.Reason + 1) }));

        Assert.Equal(ReadOutcome.Invalid, result.Outcome);
        Assert.StartsWith("data.reason is", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_OrderWithTooManyItems_IsInvalid()
    {
        var items = new JsonArray([.. Enumerable.Range(0, FieldLimits.OrderItems + 1).Select(i => (JsonNode)TestEvents.CartItem($"p-{i}"))]);

        var result = Read(TestEvents.Json(EventTypes.OrderPlaced, "cust-1", new JsonObject
        {
            ["orderId"] = "o-1", ["items"] = items, ["total"] = 1m, ["promisedDeliveryDate"] = TestEvents.Now.AddDays(2).ToString("O"),
        }));

        Assert.Equal(ReadOutcome.Invalid, result.Outcome);
        Assert.Equal($"data.items holds {FieldLimits.OrderItems + 1} items, at most {FieldLimits.OrderItems} are allowed", result.Reason);
    }

    [Fact]
    public void Read_EnvelopeIdOverItsLimit_IsInvalid()
    {
        var result = Read(TestEvents.Json(EventTypes.ProductViewed, "cust-1", View(), id: new string('i', FieldLimits.EnvelopeAttribute + 1)));

        Assert.Equal(ReadOutcome.Invalid, result.Outcome);
        Assert.StartsWith("id is", result.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(EventTypes.ConsentChanged, "nba.consent")]
    [InlineData(EventTypes.OrderPlaced, "nba.orders")]
    [InlineData(EventTypes.OfferIgnored, "nba.feedback")]
    [InlineData(EventTypes.ProductBackInStock, "nba.catalog")]
    [InlineData(EventTypes.ServiceContactResolved, "nba.service")]
    [InlineData(EventTypes.NotificationOpened, "nba.clickstream")]
    public void InputFor_ContractType_IsItsFamilysTopic(string type, string topic) =>
        Assert.Equal(topic, new TopicNames().InputFor(type));

    [Fact]
    public void InputFor_EveryKnownType_IsAnInputTopicAndUnknownTypesHaveNone()
    {
        var topics = new TopicNames { Orders = "shop.orders" };

        Assert.All(EventReader.KnownTypes, type => Assert.Contains(topics.InputFor(type), topics.Inputs));
        Assert.Equal("shop.orders", topics.InputFor(EventTypes.OrderCancelled));
        Assert.Null(topics.InputFor("loyalty.points_earned"));
    }

    [Fact]
    public void Read_OversizedStringInAnOtherwiseSmallEvent_StaysUnderTheByteLimit()
    {
        // The string limit, not the 64 KiB event limit, is what refuses it.
        var bytes = TestEvents.Json(EventTypes.ProductViewed, "cust-1", View(new string('c', 101)));

        Assert.True(bytes.Length < EventLimits.Default.MaxEventBytes, Encoding.UTF8.GetString(bytes[..80]));
        Assert.Equal(ReadOutcome.Invalid, Read(bytes).Outcome);
    }
}
