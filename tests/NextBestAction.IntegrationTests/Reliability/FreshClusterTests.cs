using Confluent.Kafka;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using NextBestAction.Ingestion;
using NextBestAction.IntegrationTests.Fixtures;
using NextBestAction.Server.Embedded;

namespace NextBestAction.IntegrationTests.Reliability;

/// <summary>
/// A disaster-recovery failover or a recreated topic: the profiles stay in Redis, the topics of the same names start
/// again at offset 0 on a new cluster (each mock cluster gives its topics new topic ids). New events of existing
/// customers must be applied, and a record redelivered on the new cluster must still count once.
/// </summary>
public sealed class FreshClusterTests(KafkaFixture kafka, RedisServerFixture redis, ITestOutputHelper output)
{
    private const string Customer = "cust-failover";
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(60);

    private readonly string suffix = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Ingestion_SameTopicsOnAFreshCluster_AppliesNewEventsOfExistingCustomersAndRedeliveriesOnce()
    {
        output.WriteLine($"suffix {suffix}");
        var topics = ReliabilityKafka.UniqueTopics(suffix);

        // The first cluster: three cart lines land at offsets 0..2 of the customer's partition.
        using (var first = EmbeddedKafka.Start())
        {
            await using var server = new ClusterFactory(kafka, redis, first, suffix, groupId: "first");
            server.CreateClient().Dispose();
            using var producer = Producer(first);
            for (var i = 0; i < 3; i++)
            {
                await producer.ProduceAsync(topics.Clickstream, CartItem($"p-before-{i}"));
            }

            Assert.True(await WaitForCartAsync(server, lines => lines == 3), "the first cluster's events were not applied");
        }

        // The failover target: the same topic names, offsets from 0 again.
        using var second = EmbeddedKafka.Start();
        using var secondProducer = Producer(second);
        await using (var server = new ClusterFactory(kafka, redis, second, suffix, groupId: "second"))
        {
            server.CreateClient().Dispose();
            await secondProducer.ProduceAsync(topics.Clickstream, CartItem("p-after-failover"));
            Assert.True(await WaitForProcessedAsync(server, 1), "ingestion on the fresh cluster processed nothing");

            var profile = (await server.ProfileStore.GetAsync(Customer, DateTimeOffset.UtcNow))!;
            Assert.Contains(profile.Cart, line => line.ProductId == "p-after-failover");
            Assert.Equal(4, profile.Cart.Count);
        }

        // A new consumer group on the same cluster reads from the start: offset 0 is a redelivery now.
        await using (var server = new ClusterFactory(kafka, redis, second, suffix, groupId: "replay"))
        {
            server.CreateClient().Dispose();
            await secondProducer.ProduceAsync(topics.Clickstream, CartItem("p-after-replay"));
            Assert.True(await WaitForProcessedAsync(server, 2), "the replaying consumer group did not get through both records");

            var profile = (await server.ProfileStore.GetAsync(Customer, DateTimeOffset.UtcNow))!;
            Assert.Equal(5, profile.Cart.Count);
            Assert.All(profile.Cart, line => Assert.Equal(1, line.Quantity));
        }
    }

    private static IProducer<string, byte[]> Producer(EmbeddedKafka cluster) =>
        new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers, Acks = Acks.All })
            .SetLogHandler((_, _) => { }).Build();

    private static Message<string, byte[]> CartItem(string productId) => new()
    {
        Key = Customer,
        Value = CloudEvents.Create("cart.item_added", Customer,
            new { productId, category = "phones", productLine = "pixel", price = 899.0, quantity = 1 }, DateTimeOffset.UtcNow.AddSeconds(-30)),
    };

    private static Task<bool> WaitForCartAsync(NbaServerFactory server, Func<int, bool> lines) =>
        Wait.UntilAsync(
            async () => await server.ProfileStore.GetAsync(Customer, DateTimeOffset.UtcNow) is { } p && lines(p.Cart.Count),
            MaxWait, TimeSpan.FromMilliseconds(100));

    private static Task<bool> WaitForProcessedAsync(NbaServerFactory server, long messages)
    {
        var ingestion = server.Services.GetRequiredService<IngestionService>();
        return Wait.UntilAsync(() => Task.FromResult(ingestion.ProcessedMessages >= messages), MaxWait, TimeSpan.FromMilliseconds(50));
    }

    /// <summary>The server on <paramref name="cluster"/>, with topic names and a Redis key prefix that stay the same across clusters.</summary>
    private sealed class ClusterFactory(KafkaFixture kafka, RedisServerFixture redis, EmbeddedKafka cluster, string suffix, string groupId)
        : NbaServerFactory(kafka, redis)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            var topics = ReliabilityKafka.UniqueTopics(suffix);
            cluster.CreateTopics(topics.All);
            builder.UseSetting("Kafka:BootstrapServers", cluster.BootstrapServers);
            builder.UseSetting("Kafka:GroupId", $"nba-ingestion-{suffix}-{groupId}");
            builder.UseSetting("Redis:KeyPrefix", $"fc{suffix}");
            foreach (var (key, value) in ReliabilityKafka.TopicSettings(topics))
            {
                builder.UseSetting(key, value);
            }
        }
    }
}
