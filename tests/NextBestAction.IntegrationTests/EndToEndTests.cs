using System.Text;
using NextBestAction.Ingestion;
using NextBestAction.IntegrationTests.Fixtures;
using NextBestAction.Profiles;

namespace NextBestAction.IntegrationTests;

/// <summary>Events produced to Kafka change the Redis profile, and the next decision reflects them.</summary>
public sealed class EndToEndTests(KafkaFixture kafka, RedisServerFixture redis)
    : RunningServerTests<NbaServerFactory>(new NbaServerFactory(kafka, redis))
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(45);

    private static object BareRequest(string customerId) => new { customerId, touchpoint = "checkout", channel = "web" };

    [Fact]
    public async Task CartItemAdded_ProducedToKafka_MakesNextDecisionABundleOfThatLine()
    {
        using var client = Factory.CreateWebshopClient();
        var customer = $"cust-{Factory.Suffix}-cart";
        var before = await NbaServerFactory.DecideUntilAsync(client, BareRequest(customer), _ => true, TimeSpan.Zero);
        Assert.NotEqual("bundle", before.Actions[0].Kind);

        await kafka.ProduceAsync(Factory.Topics.Clickstream, customer, CloudEvents.Create("cart.item_added", customer,
            new { productId = "p-iphone-16", category = "phones", productLine = "iphone", price = 969.0, quantity = 1 }));

        var after = await NbaServerFactory.DecideUntilAsync(client, BareRequest(customer), d => d.Actions[0].Kind == "bundle", MaxWait);
        Assert.Equal(("bundle-iphone", "bundle"), (after.Actions[0].ActionId, after.Actions[0].Kind));
        Assert.Contains(after.Actions[0].Reasons, r => r.Contains("iphone", StringComparison.Ordinal));
    }

    [Fact]
    public async Task LateDelivery_ProducedToKafka_MakesNextDecisionAServiceApology()
    {
        using var client = Factory.CreateWebshopClient();
        var customer = $"cust-{Factory.Suffix}-late";
        var placedAt = DateTimeOffset.UtcNow.AddDays(-6);
        var promised = placedAt.AddDays(2);

        await kafka.ProduceAsync(Factory.Topics.Orders, customer, CloudEvents.Create("order.placed", customer, new
        {
            orderId = "o-late-1",
            items = new[] { new { productId = "p-airfryer-xl", category = "kitchen", productLine = "airfryer-xl", price = 199.0, quantity = 1 } },
            total = 199.0,
            promisedDeliveryDate = promised.ToString("O"),
        }, placedAt));
        await kafka.ProduceAsync(Factory.Topics.Orders, customer, CloudEvents.Create("order.delivered", customer,
            new { orderId = "o-late-1", deliveredAt = promised.AddDays(2).ToString("O") }, promised.AddDays(2)));

        var decision = await NbaServerFactory.DecideUntilAsync(client, BareRequest(customer), d => d.Actions[0].Kind == "service" && d.Actions[0].ActionId == "service-delivery-apology", MaxWait);
        Assert.Equal("service-delivery-apology", decision.Actions[0].ActionId);
        Assert.Contains(decision.Actions[0].Reasons, r => r.StartsWith("BROKEN_PROMISE", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MalformedEvent_GoesToDeadLetterWithReason_AndTheNextGoodEventIsApplied()
    {
        using var client = Factory.CreateWebshopClient();
        var customer = $"cust-{Factory.Suffix}-dlq";
        var malformed = Encoding.UTF8.GetBytes("{\"specversion\":\"1.0\",\"type\":\"cart.item_added\", this is not json");

        await kafka.ProduceAsync(Factory.Topics.Clickstream, customer, malformed);
        await kafka.ProduceAsync(Factory.Topics.Clickstream, customer, CloudEvents.Create("cart.item_added", customer,
            new { productId = "p-pixel-9", category = "phones", productLine = "pixel", price = 899.0, quantity = 1 }));

        var decision = await NbaServerFactory.DecideUntilAsync(client, BareRequest(customer), d => d.Actions[0].ActionId == "bundle-pixel", MaxWait);
        Assert.Equal("bundle-pixel", decision.Actions[0].ActionId);

        var dead = Assert.Single(kafka.Consume(Factory.Topics.DeadLetter, 1, MaxWait));
        Assert.Equal(malformed, dead.Message.Value);
        Assert.Equal(customer, dead.Message.Key);
        string Header(string name) => Encoding.UTF8.GetString(dead.Message.Headers.GetLastBytes(name));
        Assert.Equal(Factory.Topics.Clickstream, Header(DeadLetterHeaders.Topic));
        Assert.Contains("not a CloudEvents JSON object", Header(DeadLetterHeaders.Reason), StringComparison.Ordinal);
        Assert.True(long.Parse(Header(DeadLetterHeaders.Offset), System.Globalization.CultureInfo.InvariantCulture) >= 0);
        Assert.True(int.Parse(Header(DeadLetterHeaders.Partition), System.Globalization.CultureInfo.InvariantCulture) >= 0);
    }

    [Fact]
    public async Task SameEventProducedTwice_IsAppliedOnce()
    {
        var customer = $"cust-{Factory.Suffix}-dup";
        var added = CloudEvents.Create("cart.item_added", customer,
            new { productId = "p-lego-42100", category = "toys", productLine = "lego-technic", price = 449.0, quantity = 1 });

        await kafka.ProduceAsync(Factory.Topics.Clickstream, customer, added);
        await kafka.ProduceAsync(Factory.Topics.Clickstream, customer, added);
        await kafka.ProduceAsync(Factory.Topics.Clickstream, customer, CloudEvents.Create("wishlist.item_added", customer,
            new { productId = "p-x", category = "toys", productLine = "lego-technic", price = 10.0 }));

        // The third event follows both copies in the same partition: once offset 2 is applied, both copies were handled.
        var profile = await ProfileWhenAsync(customer, p => HighestOffset(p) >= 2);

        Assert.Equal(2, HighestOffset(profile));
        Assert.Equal(1, Assert.Single(profile!.Cart).Quantity);
    }

    /// <summary>The stored profile once it satisfies <paramref name="accept"/> (or the last one read when the wait ran out).</summary>
    private async Task<CustomerProfile?> ProfileWhenAsync(string customer, Func<CustomerProfile?, bool> accept)
    {
        var deadline = DateTime.UtcNow + MaxWait;
        var profile = await Factory.ProfileStore.GetAsync(customer, DateTimeOffset.UtcNow);
        while (!accept(profile) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
            profile = await Factory.ProfileStore.GetAsync(customer, DateTimeOffset.UtcNow);
        }

        return profile;
    }

    private static long HighestOffset(CustomerProfile? profile) => profile is null ? -1 : profile.AppliedOffsets.Values.DefaultIfEmpty(-1).Max();
}
