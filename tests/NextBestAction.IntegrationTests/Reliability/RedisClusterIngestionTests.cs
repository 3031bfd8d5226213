using Microsoft.AspNetCore.Hosting;
using NextBestAction.IntegrationTests.Fixtures;
using NextBestAction.IntegrationTests.Notifications;
using NextBestAction.Notifications;

namespace NextBestAction.IntegrationTests.Reliability;

/// <summary>
/// Ingestion and decisions against a real three-master Redis Cluster: CloudEvents produced to Kafka become profiles
/// spread over the masters (hash-tagged keys), and decisions read them back; a wishlist price drop fans out over a
/// product index whose shards are spread over the masters.
/// </summary>
public sealed class RedisClusterIngestionTests(KafkaFixture kafka, RedisServerFixture redis, RedisClusterFixture cluster, ITestOutputHelper output)
    : RunningServerTests<RedisClusterIngestionTests.ClusterFactory>(new ClusterFactory(kafka, redis, cluster)), IClassFixture<RedisClusterFixture>
{
    private const int Customers = 60;
    private static readonly string[] ProductLines = ["iphone", "pixel", "galaxy-s", "airpods", "sony-wh", "lego-technic"];
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task CartEvents_IngestedIntoRedisCluster_ProfilesSpreadOverMastersAndDecisionsReflectThem()
    {
        var customers = Enumerable.Range(0, Customers).Select(i => (Id: $"cust-{Factory.Suffix}-{i:D2}", Line: ProductLines[i % ProductLines.Length])).ToList();
        foreach (var (id, line) in customers)
        {
            await kafka.ProduceAsync(Factory.Topics.Clickstream, id, CloudEvents.Create("cart.item_added", id,
                new { productId = $"p-{line}-1", category = "electronics", productLine = line, price = 100.0, quantity = 1 }));
        }

        var store = Factory.ProfileStore;
        var stored = await Wait.UntilAsync(
            async () => (await Task.WhenAll(customers.Select(c => store.GetAsync(c.Id, DateTimeOffset.UtcNow)))).All(p => p?.Cart.Count == 1),
            MaxWait, TimeSpan.FromMilliseconds(200));
        Assert.True(stored, "not every profile reached the cluster");
        var profiles = await Task.WhenAll(customers.Select(c => store.GetAsync(c.Id, DateTimeOffset.UtcNow)));
        Assert.Equal(customers.Select(c => c.Line), profiles.Select(p => Assert.Single(p!.Cart).ProductLine));

        using var client = Factory.CreateWebshopClient();
        var (customer, productLine) = customers[0];
        var decision = await NbaServerFactory.DecideUntilAsync(client, new { customerId = customer, touchpoint = "checkout", channel = "web" },
            d => d.Actions[0].ActionId == $"bundle-{productLine}", MaxWait);
        Assert.False(decision.Degraded);
        Assert.Equal($"bundle-{productLine}", decision.Actions[0].ActionId);

        var keysPerMaster = await cluster.CountKeysPerMasterAsync(store.Keys.Profile("*"));
        output.WriteLine($"profile keys per master: {string.Join(", ", keysPerMaster)}");
        Assert.Equal(3, keysPerMaster.Count);
        Assert.Equal(Customers, keysPerMaster.Values.Sum());
        Assert.True(keysPerMaster.Values.Count(n => n > 0) >= 2, $"all keys on one master: {string.Join(", ", keysPerMaster)}");
    }

    [Fact]
    public async Task WishlistPriceDrop_OnRedisCluster_IndexShardsSpreadOverMastersAndEveryWishlistNotified()
    {
        var customers = Enumerable.Range(0, 40).Select(i => $"cust-{Factory.Suffix}-w{i:D2}").ToList();
        foreach (var id in customers)
        {
            await kafka.ProduceAsync(Factory.Topics.Consent, id, CloudEvents.Create("consent.changed", id, new { marketing = true }));
            await kafka.ProduceAsync(Factory.Topics.Clickstream, id, CloudEvents.Create("wishlist.item_added", id,
                new { productId = "p-cluster", category = "phones", productLine = "pixel", price = 900.0 }));
        }

        var store = Factory.ProfileStore;
        Assert.True(await Wait.UntilAsync(
            async () => (await Task.WhenAll(customers.Select(c => store.GetAsync(c, DateTimeOffset.UtcNow)))).All(p => p is { Wishlist.Count: 1, Consent.Marketing: true }),
            MaxWait, TimeSpan.FromMilliseconds(200)), "not every wishlist and consent reached the cluster");

        await kafka.ProduceAsync(Factory.Topics.Catalog, "p-cluster", CloudEvents.Create("product.price_changed", "p-cluster", new { productId = "p-cluster", oldPrice = 900.0, newPrice = 800.0 }));

        using var reader = new NotificationReader(kafka.BootstrapServers, Factory.Topics.Notifications);
        var notified = new HashSet<string>();
        foreach (var id in customers)
        {
            if (reader.ReadUntil(id, r => r.Any(n => n.Type == NotificationTypes.WishlistPriceDrop), MaxWait).Count > 0)
            {
                notified.Add(id);
            }
        }

        Assert.Equal(customers.Count, notified.Count);
        var shardsPerMaster = await cluster.CountKeysPerMasterAsync($"{store.KeyPrefix}:{{p-cluster#*}}:wishlist");
        output.WriteLine($"wishlist index shards per master: {string.Join(", ", shardsPerMaster)}");
        Assert.True(shardsPerMaster.Values.Count(n => n > 0) >= 2, $"all index shards on one master: {string.Join(", ", shardsPerMaster)}");
    }

    public sealed class ClusterFactory(KafkaFixture kafka, RedisServerFixture redis, RedisClusterFixture cluster) : NotificationServerFactory(kafka, redis)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Redis:Configuration", cluster.Configuration);
        }
    }
}
