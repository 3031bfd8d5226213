using NextBestAction.Testing;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NextBestAction.Contracts;
using NextBestAction.Ingestion;
using NextBestAction.IntegrationTests.Fixtures;
using NextBestAction.Profiles;
using NextBestAction.Profiles.Kpis;
using NextBestAction.Profiles.Privacy;
using NextBestAction.ServiceDefaults;
using NextBestAction.Telemetry;
using StackExchange.Redis;

namespace NextBestAction.IntegrationTests.Reliability;

/// <summary>
/// A consumer that lost its partitions (a zombie) keeps writing for a while. Its writes must never overwrite the
/// newer state of the member that took over: the profile store's compare-and-set refuses a stale version, and the
/// applied-offset markers make a replayed batch a no-op. Each "consumer" has its own Redis connection, as separate
/// processes would; the server is a redis-server of this class's own, because one test pauses its writes.
/// </summary>
public sealed class ZombieWriterTests(KafkaFixture kafka) : IAsyncLifetime
{
    private const int Partition = 0;

    private readonly string keyPrefix = $"zombie{Guid.NewGuid():N}"[..16];
    private readonly int port = RedisServerLauncher.FreePort();
    private readonly ServiceProvider metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly IProducer<byte[]?, byte[]?> deadLetterProducer =
        new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers }).SetLogHandler((_, _) => { }).Build();

    private Process? redis;
    private IConnectionMultiplexer owner = null!;
    private IConnectionMultiplexer zombie = null!;

    public async ValueTask InitializeAsync()
    {
        redis = RedisServerFixture.StartProcess(port);
        owner = await RedisServerLauncher.ConnectWhenReadyAsync($"127.0.0.1:{port}");
        zombie = await RedisServerLauncher.ConnectWhenReadyAsync($"127.0.0.1:{port}");
    }

    public async ValueTask DisposeAsync()
    {
        await owner.DisposeAsync();
        await zombie.DisposeAsync();
        deadLetterProducer.Dispose();
        await metrics.DisposeAsync();
        await RedisServerLauncher.StopAsync(redis);
    }

    [Fact]
    public async Task TryWrite_TwoWritersReadTheSameVersion_StaleWriterIsRefusedAndNewerStateStays()
    {
        var ownerStore = Store(owner);
        var zombieStore = Store(zombie);
        var now = DateTimeOffset.UtcNow;
        await ownerStore.TryWriteAsync([new VersionedProfile(new CustomerProfile { CustomerId = "cust-cas" }, 0)], now);
        var ownerRead = Assert.Single(await ownerStore.LoadAsync(["cust-cas"], now));
        var zombieRead = Assert.Single(await zombieStore.LoadAsync(["cust-cas"], now));
        Assert.Equal(ownerRead.Version, zombieRead.Version);

        ownerRead.Profile.Cart.Add(new CartLine("p-pixel-9", "phones", "pixel", 899m, 1, DateTimeOffset.UtcNow));
        ownerRead.Profile.AppliedOffsets[$"{Topic}/{Partition}"] = 20;
        var ownerWrote = Assert.Single(await ownerStore.TryWriteAsync([ownerRead], now));
        zombieRead.Profile.Cart.Add(new CartLine("p-stale", "phones", "galaxy-s", 1m, 9, DateTimeOffset.UtcNow));
        zombieRead.Profile.AppliedOffsets[$"{Topic}/{Partition}"] = 12;
        var zombieWrote = Assert.Single(await zombieStore.TryWriteAsync([zombieRead], now));

        Assert.True(ownerWrote);
        Assert.False(zombieWrote);
        var stored = Assert.Single(await ownerStore.LoadAsync(["cust-cas"], now));
        Assert.Equal(ownerRead.Version + 1, stored.Version);
        Assert.Equal(ProfileJson.Canonical(ownerRead.Profile, includeBookkeeping: true, now), ProfileJson.Canonical(stored.Profile, includeBookkeeping: true, now));
    }

    [Fact]
    public async Task Process_ZombieReplaysABatchTheNewOwnerAlreadyApplied_ProfileStaysUnchanged()
    {
        const string customer = "cust-replay";
        var messages = CartEvents(customer, firstOffset: 100, count: 14);
        var ownerProcessor = Processor(owner);
        var zombieProcessor = Processor(zombie);

        // The zombie owned the partition and got through offsets 100..102 (it caches that profile) before it lost it.
        var zombieEarlier = await zombieProcessor.ProcessAsync(messages[..3], CancellationToken.None);

        // The new owner resumed from the last commit (offset 100) and got through offset 111.
        var ownerResult = await ownerProcessor.ProcessAsync(messages[..12], CancellationToken.None);
        var before = await RawDocumentAsync(customer);

        // The zombie still had offsets 103..108 in flight, and its cached profile is stale.
        var zombieResult = await zombieProcessor.ProcessAsync(messages[3..9], CancellationToken.None);
        var afterZombie = await RawDocumentAsync(customer);

        // And the owner goes on unhindered.
        var ownerNext = await ownerProcessor.ProcessAsync(messages[12..], CancellationToken.None);

        Assert.Equal(3, zombieEarlier.Applied);
        Assert.Equal((9, 3), (ownerResult.Applied, ownerResult.Duplicates));
        Assert.Equal((0, 6), (zombieResult.Applied, zombieResult.Duplicates));
        Assert.Equal(before, afterZombie);
        Assert.Equal(2, ownerNext.Applied);
        var profile = (await Store(owner).GetAsync(customer, DateTimeOffset.UtcNow))!;
        Assert.Equal(14, profile.Cart.Count);
        Assert.Equal(113, profile.AppliedOffsets[$"{Topic}/{Partition}"]);
    }

    [Fact]
    public async Task Process_OwnerAndZombieLoadTheSameVersions_EachEventIsAppliedOnce()
    {
        var customers = Enumerable.Range(1, 50).Select(i => $"cust-race-{i:D2}").ToList();
        var ownerProcessor = Processor(owner);
        var zombieProcessor = Processor(zombie);
        var records = new List<ProducedRecord>();
        var offset = 0L;
        for (var round = 0; round < 3; round++)
        {
            var batch = customers.SelectMany((c, i) => CartEvents(c, offset + (i * 2L), 2)).ToList();
            offset += batch.Count;
            records.AddRange(batch.Select(m => new ProducedRecord(m.Topic, m.Partition, m.Offset, Encoding.UTF8.GetString(m.Key!), m.Value!)));

            // Writes wait while both members load: each reads the same version of every profile before either
            // writes, so for every customer one compare-and-set must fail and be retried on the newer state.
            await owner.GetServer($"127.0.0.1:{port}").ExecuteAsync("CLIENT", "PAUSE", "1000", "WRITE");
            var results = await Task.WhenAll(
                ownerProcessor.ProcessAsync(batch, CancellationToken.None),
                zombieProcessor.ProcessAsync(batch, CancellationToken.None));

            Assert.Equal(batch.Count, results.Sum(r => r.Applied));
            Assert.Equal(batch.Count, results.Sum(r => r.Duplicates));
        }

        var oracle = ProfileOracle.Replay(records, DateTimeOffset.UtcNow);
        var mismatches = await oracle.FindMismatchesAsync(Store(owner), includeBookkeeping: true);
        Assert.True(mismatches.Count == 0, string.Join('\n', mismatches));
    }

    /// <summary>The processors' clickstream topic: cart events on any other topic would be dead-lettered.</summary>
    private string Topic => ReliabilityKafka.UniqueTopics(keyPrefix).Clickstream;

    private RedisProfileStore Store(IConnectionMultiplexer connection) => new(connection, RedisOptions());

    private IOptions<RedisOptions> RedisOptions() => Options.Create(new RedisOptions { Configuration = $"127.0.0.1:{port}", KeyPrefix = keyPrefix });

    private EventBatchProcessor Processor(IConnectionMultiplexer connection)
    {
        var kafkaOptions = Options.Create(new KafkaOptions
        {
            BootstrapServers = kafka.BootstrapServers,
            Topics = ReliabilityKafka.UniqueTopics(keyPrefix),
        });
        var ingestionOptions = Options.Create(new IngestionOptions());
        var telemetry = new NbaTelemetry(metrics.GetRequiredService<IMeterFactory>());
        var privacyOptions = Options.Create(new PrivacyOptions());
        var erasures = new ErasureList(connection, RedisOptions());
        var subjects = new SubjectHasher(connection, privacyOptions, RedisOptions());
        var eraser = new CustomerEraser(connection, erasures, subjects, RedisOptions(), privacyOptions);
        var privacy = new PrivacyTopicRequests(
            new PrivacyRequests(eraser, new PrivacyReceipts(connection, RedisOptions(), privacyOptions), TimeProvider.System),
            deadLetterProducer, kafkaOptions, telemetry, NullLogger<PrivacyTopicRequests>.Instance);
        return new EventBatchProcessor(
            Store(connection),
            new ProfileCache(ingestionOptions),
            erasures,
            subjects,
            privacy,
            new ProfileUpdater(ProfileRules.Default),
            new DeadLetterPublisher(deadLetterProducer, kafkaOptions, TimeProvider.System, telemetry),
            kafkaOptions,
            ingestionOptions,
            telemetry,
            TimeProvider.System,
            [new KpiIngestionObserver(new RedisKpiStore(connection, RedisOptions()))]);
    }

    private async Task<string?> RawDocumentAsync(string customer) =>
        await owner.GetDatabase().StringGetAsync(Store(owner).Keys.Profile(customer));

    /// <summary>
    /// <paramref name="count"/> cart additions of distinct products for one customer on consecutive offsets from
    /// <paramref name="firstOffset"/> (each adds a cart line, so each is "applied" exactly when it takes effect).
    /// </summary>
    private List<IncomingMessage> CartEvents(string customer, long firstOffset, int count) =>
        [.. Enumerable.Range(0, count).Select(i => new IncomingMessage(
            Topic, Partition, firstOffset + i, Encoding.UTF8.GetBytes(customer),
            CloudEvents.Create("cart.item_added", customer,
                new { productId = $"p-{customer}-{firstOffset + i}", category = "phones", productLine = "pixel", price = 899.0, quantity = 1 },
                DateTimeOffset.UtcNow.AddMinutes(-10).AddSeconds(i))))];
}
