using System.Text.Json.Nodes;
using NextBestAction.IntegrationTests.Fixtures;
using NextBestAction.Profiles;
using NextBestAction.Simulator;

namespace NextBestAction.IntegrationTests.Reliability;

/// <summary>
/// Every event is produced twice with the same CloudEvents source and id: the copy is serialized differently and
/// arrives later, often after newer events of the same customer, and events also arrive out of time order. Each
/// event must count once: every profile equals the oracle, which applies each event exactly once.
/// </summary>
public sealed class DuplicateDeliveryTests(KafkaFixture kafka, RedisServerFixture redis, ITestOutputHelper output)
    : RunningServerTests<NbaServerFactory>(new NbaServerFactory(kafka, redis))
{
    private const int Customers = 300;
    private const int Events = 6_000;

    /// <summary>
    /// How many records of the same customer may lie between an event and its copy. The profile remembers events for
    /// <see cref="ProfileRules.DuplicateWindowHours"/> of the customer's event time, at most
    /// <see cref="ProfileRules.DuplicateWindowMaxEvents"/> of them; the whole workload spans well under a minute.
    /// </summary>
    private const int MaxCopyDistance = 16;

    [Fact]
    public async Task Ingestion_EveryEventProducedTwiceAndReordered_EachEventCountsOnce()
    {
        var seed = Random.Shared.Next();
        var random = new Random(seed);
        output.WriteLine($"seed {seed}, suffix {Factory.Suffix}");
        var events = ClickstreamWorkload.Generate(Customers, Events, seed, $"dup-{Factory.Suffix}");
        using var reliabilityKafka = new ReliabilityKafka(kafka.BootstrapServers);

        var records = await reliabilityKafka.ProduceAsync(Factory.Topics.Clickstream, WithLateCopies(events, random));

        var oracle = ProfileOracle.Replay(records, DateTimeOffset.UtcNow);
        Assert.Equal((Events * 2, Events), (oracle.ValidRecords, oracle.DistinctEvents));
        var store = Factory.ProfileStore;
        var caughtUp = await Wait.UntilAsync(async () => await oracle.CountPendingAsync(store) == 0, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(250));
        Assert.True(caughtUp, $"{await oracle.CountPendingAsync(store)} customers never caught up");

        // Bookkeeping differs by design: the service also records the offsets of the copies it skipped.
        var mismatches = await oracle.FindMismatchesAsync(store, includeBookkeeping: false);
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {oracle.Profiles.Count} profiles differ from the oracle:\n{string.Join('\n', mismatches.Take(10))}");
    }

    /// <summary>
    /// Per customer: neighbouring events swapped now and then (late events), and a copy of every event placed up to
    /// <see cref="MaxCopyDistance"/> records later. Customers' streams are then interleaved at random.
    /// </summary>
    private static List<(string Key, byte[] Value)> WithLateCopies(List<SimulatedEvent> events, Random random)
    {
        var streams = new List<List<(string Key, byte[] Value)>>();
        foreach (var customer in events.GroupBy(e => e.Subject))
        {
            var own = customer.Select(ClickstreamWorkload.AsMessage).ToList();
            for (var i = 0; i + 1 < own.Count; i++)
            {
                if (random.NextDouble() < 0.2)
                {
                    (own[i], own[i + 1]) = (own[i + 1], own[i]);
                }
            }

            var stream = new List<(string Key, byte[] Value)>(own);
            foreach (var original in own)
            {
                var at = stream.IndexOf(original) + 1 + random.Next(MaxCopyDistance);
                stream.Insert(Math.Min(at, stream.Count), (original.Key, Reserialized(original.Value)));
            }

            streams.Add(stream);
        }

        var interleaved = new List<(string Key, byte[] Value)>(events.Count * 2);
        var positions = new int[streams.Count];
        var open = Enumerable.Range(0, streams.Count).ToList();
        while (open.Count > 0)
        {
            var pick = random.Next(open.Count);
            var s = open[pick];
            interleaved.Add(streams[s][positions[s]++]);
            if (positions[s] == streams[s].Count)
            {
                open.RemoveAt(pick);
            }
        }

        return interleaved;
    }

    /// <summary>The same event with its envelope members in reverse order: a duplicate by source and id, not by bytes.</summary>
    private static byte[] Reserialized(byte[] json)
    {
        var original = JsonNode.Parse(json)!.AsObject();
        var reversed = new JsonObject();
        foreach (var (name, value) in original.Reverse().ToList())
        {
            reversed[name] = value?.DeepClone();
        }

        return System.Text.Encoding.UTF8.GetBytes(reversed.ToJsonString());
    }
}
