using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Confluent.Kafka;
using NextBestAction.Contracts;
using NextBestAction.Decisioning.DecisionLog;
using NextBestAction.IntegrationTests.Fixtures;
using NextBestAction.IntegrationTests.Notifications;
using NextBestAction.IntegrationTests.Reliability;
using NextBestAction.Notifications;
using NextBestAction.Profiles;
using NextBestAction.Profiles.Privacy;
using StackExchange.Redis;

namespace NextBestAction.IntegrationTests.Privacy;

/// <summary>
/// Erasure (GDPR Art. 17) on the real server: a customer with data in every Redis key family is erased over HTTP, after
/// which no Redis key or value holds their id, the receipt is kept, a second erasure is harmless, and an event from before
/// the erasure (as a replay of the input topics would bring) is dropped while a later one starts a new profile.
/// </summary>
public sealed class ErasureTests(KafkaFixture kafka, RedisServerFixture redis)
    : RunningServerTests<NotificationServerFactory>(new NotificationServerFactory(kafka, redis))
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(45);

    private string Customer(string name) => $"cust-{Factory.Suffix}-{name}";

    private async Task Produce(string topic, string customer, string type, object data, DateTimeOffset? time = null) =>
        await kafka.ProduceAsync(topic, customer, CloudEvents.Create(type, customer, data, time));

    [Fact]
    public async Task Erase_CustomerWithDataInEveryFamily_LeavesTheirIdInNoKeyOrValue()
    {
        var customer = Customer("erased");
        var bystander = Customer("bystander");
        await SeedEverywhereAsync(customer);
        await Produce(Factory.Topics.Clickstream, bystander, "cart.item_added", new { productId = "p-by-1", category = "phones", productLine = "galaxy-s", price = 10.0, quantity = 1 });
        await ProfileWhenAsync(bystander, p => p.Cart.Count == 1);
        var subject = await Factory.Services.GetRequiredService<SubjectHasher>().HashAsync(customer);
        var logKeys = Factory.Services.GetRequiredService<DecisionLogKeys>();
        var logged = LoggedDecision(subject);
        Assert.DoesNotContain(customer, Encoding.UTF8.GetString(logged.Raw), StringComparison.Ordinal);
        var sealedRecord = logged.Data.Deserialize(DecisionLogJsonContext.Default.SealedDecisionLogRecord)!;
        Assert.Equal(customer, DecisionLogSealing.Open(sealedRecord, logKeys.Get(subject)!)?.CustomerId);

        using var desk = Factory.CreateClientWithKey(NbaServerFactory.PrivacyKey);
        using var erased = await desk.DeleteAsync($"/v1/customers/{customer}");

        Assert.Equal(HttpStatusCode.OK, erased.StatusCode);
        var receipt = (await erased.Content.ReadFromJsonAsync<PrivacyReceipt>(PrivacyJsonContext.Default.PrivacyReceipt))!;
        Assert.Equal(PrivacyReceipt.Erased, receipt.Outcome);
        Assert.DoesNotContain(customer, await erased.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var families = receipt.Removed.Select(f => f.Family).ToHashSet(StringComparer.Ordinal);
        Assert.Superset(new HashSet<string>(
            ["profile", "bookkeeping", "temporary", "version", "contacts", "decisions", "decision-owner", "notification-claims",
             "product-wishlists", "product-buyers", "notification-schedule", "decision-log-key"], StringComparer.Ordinal), families);

        Assert.Empty(await KeysAndValuesHoldingAsync(customer));
        // Crypto-shredding: the record is still on the topic, but nothing opens it any more.
        Assert.Null(logKeys.Get(subject));
        Assert.NotNull(await Factory.ProfileStore.GetAsync(bystander, DateTimeOffset.UtcNow));

        using var kept = await desk.GetAsync($"/v1/privacy/requests/{receipt.RequestId}");
        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
        Assert.Equal(receipt.Subject, (await kept.Content.ReadFromJsonAsync<PrivacyReceipt>(PrivacyJsonContext.Default.PrivacyReceipt))!.Subject);

        using var privacyTopic = new NotificationReader(kafka.BootstrapServers, Factory.Topics.Privacy);
        var announced = privacyTopic.ReadUntil(customer, a => a.Any(e => e.Type == "customer.erased"), MaxWait);
        var announcement = Assert.Single(announced, e => e.Type == "customer.erased");
        Assert.Equal((customer, receipt.RequestId), (announcement.Subject, announcement.Data.GetProperty("requestId").GetString()));

        using var again = await desk.DeleteAsync($"/v1/customers/{customer}");
        var second = (await again.Content.ReadFromJsonAsync<PrivacyReceipt>(PrivacyJsonContext.Default.PrivacyReceipt))!;
        Assert.Equal((PrivacyReceipt.AlreadyErased, receipt.CompletedAt), (second.Outcome, second.PreviousErasureAt));
        Assert.Empty(second.Removed);
    }

    /// <summary>The customer's first record on the decision log, found by the subject hash that stands for them there.</summary>
    private ReceivedNotification LoggedDecision(string subject)
    {
        using var decisionLog = new NotificationReader(kafka.BootstrapServers, Factory.Topics.Decisions);
        var records = decisionLog.ReadUntil(subject, records => records.Count > 0, MaxWait);
        Assert.NotEmpty(records);
        return records[0];
    }

    [Fact]
    public async Task Export_OfACustomerWithDataInEveryFamily_HoldsEachStore_WithoutIngestionInternals()
    {
        var customer = Customer("exported");
        await SeedEverywhereAsync(customer);
        using var desk = Factory.CreateClientWithKey(NbaServerFactory.PrivacyKey);

        using var response = await desk.GetAsync($"/v1/customers/{customer}/export");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var export = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(customer, export.GetProperty("customerId").GetString());
        Assert.True(export.GetProperty("holdsAnything").GetBoolean());
        var profile = export.GetProperty("profile");
        Assert.Equal("p-erase-1", profile.GetProperty("wishlist")[0].GetProperty("productId").GetString());
        Assert.Equal("o-erase-1", profile.GetProperty("openOrders")[0].GetProperty("orderId").GetString());
        Assert.True(profile.GetProperty("consent").GetProperty("marketing").GetBoolean());
        Assert.False(profile.TryGetProperty("appliedOffsets", out _));
        Assert.False(profile.TryGetProperty("recentEvents", out _));
        Assert.True(export.GetProperty("temporary").GetProperty("location").TryGetProperty("expiresAt", out _));
        Assert.NotEmpty(export.GetProperty("impressions").EnumerateArray());
        var decision = Assert.Single(export.GetProperty("decisions").EnumerateArray());
        Assert.Equal("checkout", decision.GetProperty("touchpoint").GetString());
        var explained = decision.GetProperty("explanation").GetProperty("actions")[0];
        Assert.Equal(decision.GetProperty("actionIds")[0].GetString(), explained.GetProperty("actionId").GetString());
        Assert.NotEmpty(explained.GetProperty("reasons").EnumerateArray());
        Assert.Contains(export.GetProperty("notifications").EnumerateArray(), n => n.GetProperty("state").GetString() == "sent");
        var receipt = await desk.GetFromJsonAsync<JsonElement>($"/v1/privacy/requests/{Assert.Single(response.Headers.GetValues("X-Privacy-Request-Id"))}");
        Assert.Equal(("access", "exported", "privacy-desk"),
            (receipt.GetProperty("kind").GetString(), receipt.GetProperty("outcome").GetString(), receipt.GetProperty("requestedBy").GetString()));
        Assert.DoesNotContain(customer, receipt.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_OfAnUnknownCustomer_SaysNothingIsHeld()
    {
        using var desk = Factory.CreateClientWithKey(NbaServerFactory.PrivacyKey);

        var export = await desk.GetFromJsonAsync<JsonElement>($"/v1/customers/{Customer("nobody")}/export");

        Assert.False(export.GetProperty("holdsAnything").GetBoolean());
        Assert.Empty(export.GetProperty("decisions").EnumerateArray());
    }

    [Fact]
    public async Task ProfileRoute_LeavesOutIngestionInternals()
    {
        var customer = Customer("profile-view");
        await Produce(Factory.Topics.Clickstream, customer, "cart.item_added", new { productId = "p-view-1", category = "phones", productLine = "galaxy-s", price = 10.0, quantity = 1 });
        await ProfileWhenAsync(customer, p => p.Cart.Count == 1);
        using var webshop = Factory.CreateWebshopClient();

        var shown = (await webshop.GetFromJsonAsync<JsonElement>($"/v1/customers/{customer}/profile")).GetProperty("profile");

        Assert.Equal("p-view-1", shown.GetProperty("cart")[0].GetProperty("productId").GetString());
        Assert.False(shown.TryGetProperty("appliedOffsets", out _));
        Assert.False(shown.TryGetProperty("recentEvents", out _));
    }

    [Fact]
    public async Task EventFromBeforeTheErasure_IsDropped_WhileALaterOneStartsANewProfile()
    {
        var customer = Customer("replayed");
        await Produce(Factory.Topics.Clickstream, customer, "cart.item_added", new { productId = "p-old-1", category = "phones", productLine = "galaxy-s", price = 10.0, quantity = 1 });
        await ProfileWhenAsync(customer, p => p.Cart.Count == 1);
        using var desk = Factory.CreateClientWithKey(NbaServerFactory.PrivacyKey);
        using var erased = await desk.DeleteAsync($"/v1/customers/{customer}");
        var receipt = (await erased.Content.ReadFromJsonAsync<PrivacyReceipt>(PrivacyJsonContext.Default.PrivacyReceipt))!;

        // What a replay brings: the customer's events again, all with event times before the erasure.
        await Produce(Factory.Topics.Clickstream, customer, "cart.item_added",
            new { productId = "p-old-2", category = "phones", productLine = "galaxy-s", price = 20.0, quantity = 1 }, receipt.CompletedAt.AddMinutes(-1));
        await Produce(Factory.Topics.Clickstream, customer, "wishlist.item_added",
            new { productId = "p-new-1", category = "phones", productLine = "galaxy-s", price = 30.0 }, receipt.CompletedAt.AddSeconds(1));

        var profile = await ProfileWhenAsync(customer, p => p.Wishlist.Count == 1);
        Assert.Empty(profile.Cart);
        Assert.Equal("p-new-1", profile.Wishlist[0].ProductId);
    }

    [Fact]
    public async Task ReplayOfEveryInputTopic_ByAFreshConsumerGroup_DoesNotBringAnErasedCustomerBack()
    {
        var customer = Customer("replayed-whole");
        await Produce(Factory.Topics.Clickstream, customer, "wishlist.item_added", new { productId = "p-replay-1", category = "phones", productLine = "galaxy-s", price = 30.0 });
        await Produce(Factory.Topics.Orders, customer, "order.placed", new
        {
            orderId = "o-replay-1",
            items = new[] { new { productId = "p-replay-2", category = "phones", productLine = "galaxy-s", price = 499.0, quantity = 1 } },
            total = 499.0,
            promisedDeliveryDate = DateTimeOffset.UtcNow.AddDays(3).ToString("O"),
        });
        await ProfileWhenAsync(customer, p => p.Wishlist.Count == 1 && p.OpenOrders.Count == 1);
        using var desk = Factory.CreateClientWithKey(NbaServerFactory.PrivacyKey);
        using var erased = await desk.DeleteAsync($"/v1/customers/{customer}");
        Assert.Equal(HttpStatusCode.OK, erased.StatusCode);

        // A second instance on the same topics and Redis, in a consumer group of its own: it reads every input topic
        // from the beginning, as a new deployment or a reset of offsets would.
        var group = $"replay-{Factory.Suffix}";
        await using var replay = new NotificationServerFactory(kafka, redis) { Extra = { ["Kafka:GroupId"] = group, ["Redis:KeyPrefix"] = $"t{Factory.Suffix}" } };
        foreach (var property in typeof(TopicNames).GetProperties().Where(p => p.PropertyType == typeof(string)))
        {
            replay.Extra[$"Kafka:Topics:{property.Name}"] = (string)property.GetValue(Factory.Topics)!;
        }

        replay.CreateClient().Dispose();
        Assert.True(await Wait.UntilAsync(() => Task.FromResult(UnreadPartitions(group, Factory.Topics.Inputs).Count == 0), MaxWait, TimeSpan.FromMilliseconds(200)),
            $"the replaying consumer group did not reach the end of: {string.Join(", ", UnreadPartitions(group, Factory.Topics.Inputs))}");

        Assert.Null(await Factory.ProfileStore.GetAsync(customer, DateTimeOffset.UtcNow));
        Assert.Empty(await KeysAndValuesHoldingAsync(customer));
    }

    /// <summary>The partitions of <paramref name="topics"/> with records that <paramref name="group"/> has not committed yet.</summary>
    private List<string> UnreadPartitions(string group, IEnumerable<string> topics)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = kafka.BootstrapServers }).Build();
        using var probe = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = kafka.BootstrapServers, GroupId = $"probe-{group}" }).Build();
        var partitions = topics.SelectMany(t => admin.GetMetadata(t, TimeSpan.FromSeconds(5)).Topics.Single().Partitions
            .Select(p => new TopicPartition(t, p.PartitionId))).ToList();
        var committed = admin.ListConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitions(group, partitions)]).GetAwaiter().GetResult()
            .Single().Partitions.ToDictionary(p => p.TopicPartition, p => p.Offset.Value);
        return [.. partitions
            .Select(p => (Partition: p, End: probe.QueryWatermarkOffsets(p, TimeSpan.FromSeconds(5)).High.Value, Committed: committed.GetValueOrDefault(p, -1)))
            .Where(p => p.End > 0 && p.Committed < p.End)
            .Select(p => $"{p.Partition} at {p.Committed} of {p.End}")];
    }

    [Fact]
    public async Task ErasureRequestedOnThePrivacyTopic_ErasesTheCustomer_AnnouncesIt_AndKeepsTheReceipt()
    {
        var customer = Customer("by-kafka");
        await Produce(Factory.Topics.Clickstream, customer, "wishlist.item_added", new { productId = "p-kafka-1", category = "phones", productLine = "galaxy-s", price = 30.0 });
        await ProfileWhenAsync(customer, p => p.Wishlist.Count == 1);

        await Produce(Factory.Topics.Privacy, customer, "customer.erasure_requested", new { });

        using var privacyTopic = new NotificationReader(kafka.BootstrapServers, Factory.Topics.Privacy);
        var announcement = privacyTopic.ReadUntil(customer, a => a.Any(e => e.Type == "customer.erased"), MaxWait).Single(e => e.Type == "customer.erased");
        Assert.Null(await Factory.ProfileStore.GetAsync(customer, DateTimeOffset.UtcNow));
        Assert.Empty(await KeysAndValuesHoldingAsync(customer));
        using var desk = Factory.CreateClientWithKey(NbaServerFactory.PrivacyKey);
        var requestId = announcement.Data.GetProperty("requestId").GetString();
        using var kept = await desk.GetAsync($"/v1/privacy/requests/{requestId}");
        Assert.True(kept.IsSuccessStatusCode, $"receipt {requestId}: {(int)kept.StatusCode} {await kept.Content.ReadAsStringAsync()}");
        var receipt = await kept.Content.ReadFromJsonAsync(PrivacyJsonContext.Default.PrivacyReceipt);
        Assert.Equal(PrivacyReceipt.Erased, receipt!.Outcome);
        Assert.Contains(receipt.Removed, f => f.Family == "product-wishlists");
    }

    [Fact]
    public async Task Erase_UnknownCustomer_IsHarmlessAndSaysNothingWasHeld()
    {
        using var desk = Factory.CreateClientWithKey(NbaServerFactory.PrivacyKey);

        using var response = await desk.DeleteAsync($"/v1/customers/{Customer("never-seen")}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var receipt = (await response.Content.ReadFromJsonAsync<PrivacyReceipt>(PrivacyJsonContext.Default.PrivacyReceipt))!;
        Assert.Equal((PrivacyReceipt.NothingHeld, 0), (receipt.Outcome, receipt.Removed.Count));
    }

    [Theory]
    [InlineData("bad%0D%0Aid")]
    [InlineData("..%2F..%2Fprofile")]
    [InlineData("cust*")]
    public async Task Erase_OddId_IsAProblemAndErasesNothing(string escapedId)
    {
        var bystander = Customer("odd-id-bystander");
        await Produce(Factory.Topics.Clickstream, bystander, "cart.item_added", new { productId = "p-odd-1", category = "phones", productLine = "galaxy-s", price = 10.0, quantity = 1 });
        await ProfileWhenAsync(bystander, p => p.Cart.Count == 1);
        using var desk = Factory.CreateClientWithKey(NbaServerFactory.PrivacyKey);

        using var response = await desk.DeleteAsync($"/v1/customers/{escapedId}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(await Factory.ProfileStore.GetAsync(bystander, DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task Erase_OversizeId_IsAProblem()
    {
        using var desk = Factory.CreateClientWithKey(NbaServerFactory.PrivacyKey);

        using var response = await desk.DeleteAsync($"/v1/customers/{new string('a', 129)}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task PrivacyRoutes_NeedThePrivacyScope()
    {
        using var webshop = Factory.CreateWebshopClient();

        using var erase = await webshop.DeleteAsync($"/v1/customers/{Customer("scoped")}");
        using var receipt = await webshop.GetAsync($"/v1/privacy/requests/{new string('0', 32)}");

        Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.Forbidden), (erase.StatusCode, receipt.StatusCode));
    }

    [Fact]
    public async Task Receipt_UnknownOrMalformedRequestId_IsAProblem()
    {
        using var desk = Factory.CreateClientWithKey(NbaServerFactory.PrivacyKey);

        using var unknown = await desk.GetAsync($"/v1/privacy/requests/{new string('0', 32)}");
        using var malformed = await desk.GetAsync("/v1/privacy/requests/not-a-request");

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.BadRequest), (unknown.StatusCode, malformed.StatusCode));
    }

    /// <summary>
    /// Gives the customer data in every per-customer family and in the shared ones that can name them: profile parts,
    /// temporary data, an open order (buyers index, schedule), a wishlist item (wishlist index), a served decision
    /// (contacts, decisions, decision owner) and a sent notification (its claim and the caps).
    /// </summary>
    private async Task SeedEverywhereAsync(string customer)
    {
        await Produce(Factory.Topics.Consent, customer, "consent.changed", new { marketing = true, location = true });
        await ProfileWhenAsync(customer, p => p.Consent.Marketing == true && p.Consent.Location == true);
        await Produce(Factory.Topics.Clickstream, customer, "wishlist.item_added", new { productId = "p-erase-1", category = "phones", productLine = "galaxy-s", price = 799.0 });
        await Produce(Factory.Topics.Clickstream, customer, "location.reported", new { lat = 52.37, lon = 4.89 });
        await Produce(Factory.Topics.Clickstream, customer, "checkout.started", new { cartValue = 99.0 });
        await Produce(Factory.Topics.Orders, customer, "order.placed", new
        {
            orderId = "o-erase-1",
            items = new[] { new { productId = "p-erase-2", category = "phones", productLine = "galaxy-s", price = 499.0, quantity = 1 } },
            total = 499.0,
            promisedDeliveryDate = DateTimeOffset.UtcNow.AddDays(3).ToString("O"),
        });
        await ProfileWhenAsync(customer, p => p.Wishlist.Count == 1 && p.OpenOrders.Count == 1 && p.Temporary.Location is not null);

        using var webshop = Factory.CreateWebshopClient();
        using var decided = await webshop.PostAsJsonAsync("/v1/decisions", new { customerId = customer, touchpoint = "checkout", channel = "web" });
        decided.EnsureSuccessStatusCode();

        await Produce(Factory.Topics.Catalog, "p-erase-1", "product.price_changed", new { productId = "p-erase-1", oldPrice = 799.0, newPrice = 599.0 });
        var db = redis.Connection.GetDatabase();
        var keys = Factory.ProfileStore.Keys;
        Assert.True(await Wait.UntilAsync(
            async () => await db.KeyExistsAsync(keys.Decisions(customer)) && await NotificationSentAsync(db, customer),
            MaxWait, TimeSpan.FromMilliseconds(100)), "the decision record and the sent notification were not written");
    }

    /// <summary>Whether a notification claim of the customer is marked sent (the last write the notification makes).</summary>
    private async Task<bool> NotificationSentAsync(IDatabase db, string customer)
    {
        foreach (var key in (await AllKeysAsync()).Where(k => k.Contains(customer, StringComparison.Ordinal) && k.Contains(":ntf:", StringComparison.Ordinal)))
        {
            if (((string?)await db.StringGetAsync(key))?.StartsWith(NotificationStore.Sent) == true)
            {
                return true;
            }
        }

        return false;
    }

    private Task<List<string>> AllKeysAsync() =>
        Task.FromResult(redis.Connection.GetServers()[0].Keys(pattern: Factory.ProfileStore.KeyPrefix + ":*", pageSize: 1000).Select(k => (string)k!).ToList());

    /// <summary>Every key of the server's prefix whose name or value holds <paramref name="text"/>.</summary>
    private async Task<List<string>> KeysAndValuesHoldingAsync(string text)
    {
        var db = redis.Connection.GetDatabase();
        var holding = new List<string>();
        foreach (var key in await AllKeysAsync())
        {
            var type = await db.KeyTypeAsync(key);
            IEnumerable<string> values = type switch
            {
                RedisType.String => [(string?)await db.StringGetAsync(key) ?? ""],
                RedisType.Hash => (await db.HashGetAllAsync(key)).SelectMany(e => new[] { (string)e.Name!, (string?)e.Value ?? "" }),
                RedisType.Set => (await db.SetMembersAsync(key)).Select(v => (string)v!),
                RedisType.SortedSet => (await db.SortedSetRangeByRankAsync(key)).Select(v => (string)v!),
                RedisType.List => (await db.ListRangeAsync(key)).Select(v => (string)v!),
                _ => [],
            };
            if (key.Contains(text, StringComparison.Ordinal) || values.Any(v => v.Contains(text, StringComparison.Ordinal)))
            {
                holding.Add($"{key} ({type})");
            }
        }

        return holding;
    }

    private async Task<CustomerProfile> ProfileWhenAsync(string customer, Func<CustomerProfile, bool> accept)
    {
        CustomerProfile? profile = null;
        var ok = await Wait.UntilAsync(async () =>
        {
            profile = await Factory.ProfileStore.GetAsync(customer, DateTimeOffset.UtcNow);
            return profile is not null && accept(profile);
        }, MaxWait, TimeSpan.FromMilliseconds(100));
        Assert.True(ok, $"profile of {customer} did not reach the expected state");
        return profile!;
    }
}
