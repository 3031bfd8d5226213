using System.Diagnostics;
using Confluent.Kafka;
using Microsoft.Extensions.Options;
using NextBestAction.IntegrationTests.Fixtures;
using NextBestAction.Profiles;

namespace NextBestAction.IntegrationTests.Reliability;

/// <summary>
/// The ingestion worker process is killed (no shutdown, no consumer close, no final commit) again and again while
/// events stream in, and restarted each time. What was written to Redis but not committed to Kafka is redelivered
/// and must not count twice; nothing may be skipped. Every profile must end equal to the oracle's, bookkeeping
/// (applied offsets, recent event hashes) included.
/// </summary>
public sealed class CrashRecoveryTests(KafkaFixture kafka, RedisServerFixture redis, ITestOutputHelper output)
{
    private const int Customers = 1_000;
    private const int Events = 100_000;
    private const int Kills = 5;

    /// <summary>Production pace: about 1,600 events/s, so the stream lasts as long as the kills and restarts.</summary>
    private const int ChunkSize = 400;

    private static readonly TimeSpan ChunkInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>The last part of the stream is held back until every kill is done, so each kill hits a live stream.</summary>
    private const int HeldBack = 10_000;

    private static readonly TimeSpan MaxWaitForFirstBatch = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan MaxWaitToFinish = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task IngestionWorker_KilledRepeatedlyWhileConsuming_EveryProfileEqualsTheOracle()
    {
        var clock = Stopwatch.StartNew();
        var seed = Random.Shared.Next();
        var random = new Random(seed);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        output.WriteLine($"seed {seed}, suffix {suffix}");

        var topics = ReliabilityKafka.UniqueTopics(suffix);
        var keyPrefix = $"crash{suffix}";
        using var reliabilityKafka = new ReliabilityKafka(kafka.BootstrapServers);
        var messages = ClickstreamWorkload.Generate(Customers, Events, seed, $"crash-{suffix}").Select(ClickstreamWorkload.AsMessage).ToList();
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: {Events} events generated");

        var killsDone = new TaskCompletionSource();
        using var stopProducing = new CancellationTokenSource();
        var production = Task.Run(() => ProduceLiveAsync(reliabilityKafka, topics.Clickstream, messages, killsDone.Task, stopProducing.Token));
        var settings = new Dictionary<string, string>(ReliabilityKafka.TopicSettings(topics))
        {
            ["Kafka:BootstrapServers"] = kafka.BootstrapServers,
            // Every incarnation joins the same consumer group and resumes from what the killed one committed.
            ["Kafka:GroupId"] = $"rel-crash-{suffix}",
            // A killed member stays in the group until its session times out, and the restarted member's join
            // waits for that: 45 s with librdkafka's default. 6 s is the least a real broker accepts by default
            // (group.min.session.timeout.ms), and lets five restarts fit the test.
            ["Kafka:Consumer:session.timeout.ms"] = "6000",
            ["Kafka:Consumer:heartbeat.interval.ms"] = "1000",
            // The mock cluster otherwise holds each fetch for 500 ms.
            ["Kafka:Consumer:fetch.wait.max.ms"] = "10",
            ["Redis:Configuration"] = redis.Configuration,
            ["Redis:KeyPrefix"] = keyPrefix,
        };

        long redelivered = 0;
        try
        {
            for (var incarnation = 0; incarnation < Kills; incarnation++)
            {
                await using var worker = IngestionWorkerProcess.Start(settings);
                var consuming = await Wait.UntilAsync(async () => (await worker.TryReadCountsAsync())?.Handled > 0,
                    MaxWaitForFirstBatch, TimeSpan.FromMilliseconds(20));
                Assert.True(consuming, $"incarnation {incarnation} handled no event in time\n{worker.OutputTail}");

                // A random point in the stream: right in the catch-up after the restart, or later, past an auto-commit.
                await Task.Delay(random.Next(100, 4_000));
                var counts = await worker.TryReadCountsAsync();
                await worker.KillAsync();
                redelivered += counts?.Duplicates ?? 0;
                output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: killed incarnation {incarnation} after {counts?.Handled} events, " +
                                 $"{counts?.Duplicates} of them redelivered duplicates");
            }
        }
        catch
        {
            // Nothing outlives a failed test.
            await stopProducing.CancelAsync();
            await Task.WhenAny(production);
            throw;
        }
        finally
        {
            killsDone.TrySetResult();
        }

        ProfileOracle oracle;
        var store = new RedisProfileStore(redis.Connection, Options.Create(new RedisOptions { Configuration = redis.Configuration, KeyPrefix = keyPrefix }));
        // The last incarnation starts at once and consumes the rest of the live stream.
        await using (var last = IngestionWorkerProcess.Start(settings))
        {
            var records = await production;
            var partitions = records.Select(r => new TopicPartition(r.Topic, r.Partition)).Distinct().ToList();
            Assert.Empty(reliabilityKafka.TrimmedPartitions(partitions));
            oracle = ProfileOracle.Replay(records, DateTimeOffset.UtcNow);
            Assert.Equal(Events, oracle.DistinctEvents);

            var finished = await Wait.UntilAsync(async () => await oracle.CountPendingAsync(store) == 0, MaxWaitToFinish, TimeSpan.FromMilliseconds(250));
            Assert.True(finished, $"{await oracle.CountPendingAsync(store)} customers never caught up\n{last.OutputTail}");
            redelivered += (await last.TryReadCountsAsync())?.Duplicates ?? 0;
        }

        var mismatches = await oracle.FindMismatchesAsync(store, includeBookkeeping: true);
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: {oracle.Profiles.Count} profiles compared, {mismatches.Count} differ; " +
                         $"{redelivered} redelivered events were recognised as duplicates");
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {oracle.Profiles.Count} profiles differ from the oracle:\n{string.Join('\n', mismatches.Take(10))}");
        // The kills landed between profile writes and their offset commits, the case under test.
        Assert.True(redelivered > 0, "no event was redelivered after a kill");
    }

    /// <summary>Produces at a steady pace, holding the last part back until <paramref name="killsDone"/>.</summary>
    private static async Task<List<ProducedRecord>> ProduceLiveAsync(
        ReliabilityKafka kafka, string topic, List<(string Key, byte[] Value)> messages, Task killsDone, CancellationToken stop)
    {
        var records = new List<ProducedRecord>(messages.Count);
        foreach (var chunk in messages.Take(messages.Count - HeldBack).Chunk(ChunkSize))
        {
            records.AddRange(await kafka.ProduceAsync(topic, chunk));
            await Task.Delay(ChunkInterval, stop);
        }

        await killsDone.WaitAsync(stop);
        records.AddRange(await kafka.ProduceAsync(topic, messages.Skip(messages.Count - HeldBack)));
        return records;
    }
}
