using NextBestAction.Testing;
using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NextBestAction.Ingestion;
using NextBestAction.IntegrationTests.Fixtures;
using NextBestAction.Profiles;

namespace NextBestAction.IntegrationTests.Reliability;

/// <summary>
/// Redis is killed for 10 s while events stream in, then restarted on the same port from its append-only file.
/// Ingestion must wait instead of skipping or dead-lettering, resume on its own, and end with every profile equal to
/// the oracle over the whole stream (before, during and after the outage).
/// </summary>
public sealed class RedisRestartTests(KafkaFixture kafka, RedisServerFixture sharedRedis, ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MaxWaitToCatchUp = TimeSpan.FromSeconds(60);

    private readonly PersistentRedis redis = new(RedisServerLauncher.FreePort());
    private OwnRedisFactory? factory;

    public async ValueTask InitializeAsync()
    {
        redis.Start();
        (await RedisServerLauncher.ConnectWhenReadyAsync($"127.0.0.1:{redis.Port}")).Dispose();
        factory = new OwnRedisFactory(kafka, sharedRedis, redis.Port);
        factory.CreateClient().Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        if (factory is not null)
        {
            await factory.DisposeAsync();
        }

        await redis.DisposeAsync();
    }

    [Fact]
    public async Task Ingestion_RedisKilledFor10sMidStream_AppliesEveryEventOnceAndDeadLettersNothing()
    {
        var clock = Stopwatch.StartNew();
        var seed = Random.Shared.Next();
        output.WriteLine($"seed {seed}, suffix {factory!.Suffix}");
        var topic = factory.Topics.Clickstream;
        using var reliabilityKafka = new ReliabilityKafka(kafka.BootstrapServers);
        var messages = ClickstreamWorkload.Generate(200, 6_000, seed, $"outage-{factory.Suffix}").Select(ClickstreamWorkload.AsMessage).ToList();
        var ingestion = factory.Services.GetRequiredService<IngestionService>();

        var before = await ProducePacedAsync(reliabilityKafka, topic, messages[..1_500], TimeSpan.FromSeconds(2));
        Assert.True(await Wait.UntilAsync(() => Task.FromResult(ingestion.ProcessedMessages >= 500), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(20)),
            "ingestion did not start consuming");

        // Killed while ingestion works through the stream, which goes on during the outage.
        var producingDuring = ProducePacedAsync(reliabilityKafka, topic, messages[1_500..4_500], Outage - TimeSpan.FromSeconds(1));
        await redis.KillAsync();
        var killedAt = clock.Elapsed;
        output.WriteLine($"{killedAt.TotalSeconds:0.0} s: redis killed; {ingestion.ProcessedMessages} messages processed by then");
        var during = await producingDuring;
        await Task.Delay(Outage - (clock.Elapsed - killedAt));
        var processedWhileDown = ingestion.ProcessedMessages;
        redis.Start();
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: redis back after {(clock.Elapsed - killedAt).TotalSeconds:0.0} s; " +
                         $"{processedWhileDown} of {before.Count + during.Count} messages processed by then");
        var after = await ProducePacedAsync(reliabilityKafka, topic, messages[4_500..], TimeSpan.FromSeconds(2));

        var oracle = ProfileOracle.Replay([.. before, .. during, .. after], DateTimeOffset.UtcNow);
        using var connection = await RedisServerLauncher.ConnectWhenReadyAsync($"127.0.0.1:{redis.Port}");
        var store = new RedisProfileStore(connection, Options.Create(new RedisOptions { Configuration = "unused", KeyPrefix = $"t{factory.Suffix}" }));
        var caughtUp = await Wait.UntilAsync(async () => await oracle.CountPendingAsync(store) == 0, MaxWaitToCatchUp, TimeSpan.FromMilliseconds(250));
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: caught up: {caughtUp}");

        // Nothing that arrived while Redis was down can have been completed (or skipped) before it came back.
        Assert.True(processedWhileDown <= before.Count, $"{processedWhileDown} messages completed, but only {before.Count} arrived before Redis went down");
        Assert.True(caughtUp, $"{await oracle.CountPendingAsync(store)} customers never caught up after Redis came back");
        var mismatches = await oracle.FindMismatchesAsync(store, includeBookkeeping: true);
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {oracle.Profiles.Count} profiles differ from the oracle:\n{string.Join('\n', mismatches.Take(10))}");

        // One malformed event after everything else: once it is dead-lettered, any earlier dead letter would be there too.
        var sentinel = Encoding.UTF8.GetBytes("{\"specversion\":\"1.0\", sentinel, not json");
        await reliabilityKafka.ProduceAsync(topic, [("cust-00001", sentinel)]);
        var deadLetters = await WaitForRecordsAsync(reliabilityKafka, factory.Topics.DeadLetter, 1);
        Assert.Equal(1, deadLetters);
        Assert.Equal(sentinel, Assert.Single(reliabilityKafka.ReadAll(factory.Topics.DeadLetter, 1, TimeSpan.FromSeconds(30))).Message.Value);
    }

    private static async Task<int> WaitForRecordsAsync(ReliabilityKafka kafka, string topic, int atLeast)
    {
        var count = 0;
        await Wait.UntilAsync(() => Task.FromResult((count = kafka.CountRecords(topic)) >= atLeast), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(200));
        return count;
    }

    /// <summary>Produces <paramref name="messages"/> in ten even steps spread over <paramref name="duration"/>.</summary>
    private static async Task<List<ProducedRecord>> ProducePacedAsync(
        ReliabilityKafka kafka, string topic, List<(string Key, byte[] Value)> messages, TimeSpan duration)
    {
        var records = new List<ProducedRecord>(messages.Count);
        foreach (var chunk in messages.Chunk((messages.Count + 9) / 10))
        {
            records.AddRange(await kafka.ProduceAsync(topic, chunk));
            await Task.Delay(duration / 10);
        }

        return records;
    }

    private sealed class OwnRedisFactory(KafkaFixture kafka, RedisServerFixture redis, int port) : NbaServerFactory(kafka, redis)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Redis:Configuration", $"127.0.0.1:{port},connectTimeout=500,syncTimeout=1000,asyncTimeout=1000");
        }
    }
}
