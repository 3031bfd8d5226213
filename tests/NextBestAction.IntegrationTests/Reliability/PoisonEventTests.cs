using System.Text;
using System.Text.Json;
using NextBestAction.Contracts;
using NextBestAction.Ingestion;
using NextBestAction.IntegrationTests.Fixtures;

namespace NextBestAction.IntegrationTests.Reliability;

/// <summary>
/// Poison records (malformed JSON, schema-invalid data, oversize, far-future time, incomplete envelope) are scattered
/// through a stream of good events, together with events of a type the contract does not know. Exactly the poison
/// is dead-lettered, byte for byte; unknown types are ignored; every good event is applied.
/// </summary>
public sealed class PoisonEventTests(KafkaFixture kafka, RedisServerFixture redis, ITestOutputHelper output)
    : RunningServerTests<NbaServerFactory>(new NbaServerFactory(kafka, redis))
{
    private const int Customers = 200;
    private const int GoodEvents = 4_000;
    private const int PerPoisonKind = 5;
    private const int UnknownTypeEvents = 10;

    [Fact]
    public async Task Ingestion_PoisonInterleavedWithGoodEvents_DeadLettersExactlyThePoisonAndAppliesTheRest()
    {
        var seed = Random.Shared.Next();
        var random = new Random(seed);
        output.WriteLine($"seed {seed}, suffix {Factory.Suffix}");
        var topic = Factory.Topics.Clickstream;
        var good = ClickstreamWorkload.Generate(Customers, GoodEvents, seed, $"poison-{Factory.Suffix}").Select(ClickstreamWorkload.AsMessage).ToList();
        var customers = good.Select(m => m.Key).Distinct().ToList();
        var poison = new List<(string Key, byte[] Value)>();
        for (var i = 0; i < PerPoisonKind; i++)
        {
            poison.AddRange(PoisonFor(customers[random.Next(customers.Count)], i));
        }

        var unknown = Enumerable.Range(0, UnknownTypeEvents)
            .Select(i => customers[random.Next(customers.Count)])
            .Select((customer, i) => (customer, Envelope(customer, $"unknown-{i}", "loyalty.points_earned", DateTimeOffset.UtcNow.AddHours(-1), new { points = 10 })))
            .ToList();
        using var reliabilityKafka = new ReliabilityKafka(kafka.BootstrapServers);

        var records = await reliabilityKafka.ProduceAsync(topic, InsertBeforeLastOfSameKey(good, [.. poison, .. unknown], random));

        var oracle = ProfileOracle.Replay(records, DateTimeOffset.UtcNow);
        Assert.Equal((poison.Count, GoodEvents), (oracle.RejectedRecords, oracle.DistinctEvents));
        var store = Factory.ProfileStore;
        var caughtUp = await Wait.UntilAsync(async () => await oracle.CountPendingAsync(store) == 0, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(250));
        Assert.True(caughtUp, $"{await oracle.CountPendingAsync(store)} customers never caught up");
        var mismatches = await oracle.FindMismatchesAsync(store, includeBookkeeping: true);
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {oracle.Profiles.Count} profiles differ from the oracle:\n{string.Join('\n', mismatches.Take(10))}");

        // Every poison record precedes a good event of its customer, in the same partition, and that event is applied;
        // dead letters are acknowledged before a batch's profile writes, so they are all in the topic now.
        Assert.Equal(poison.Count, reliabilityKafka.CountRecords(Factory.Topics.DeadLetter));
        var deadLetters = reliabilityKafka.ReadAll(Factory.Topics.DeadLetter, poison.Count, TimeSpan.FromSeconds(30));
        Assert.Equal(
            poison.Select(p => (p.Key, Convert.ToBase64String(p.Value))).Order(),
            deadLetters.Select(d => (Encoding.UTF8.GetString(d.Message.Key!), Convert.ToBase64String(d.Message.Value!))).Order());
        Assert.All(deadLetters, d =>
        {
            Assert.Equal(topic, Encoding.UTF8.GetString(d.Message.Headers.GetLastBytes(DeadLetterHeaders.Topic)));
            Assert.NotEmpty(Encoding.UTF8.GetString(d.Message.Headers.GetLastBytes(DeadLetterHeaders.Reason)));
        });
    }

    /// <summary>One record of each kind of poison for <paramref name="customer"/>.</summary>
    private IEnumerable<(string Key, byte[] Value)> PoisonFor(string customer, int n)
    {
        var past = DateTimeOffset.UtcNow.AddHours(-1);
        var cart = new { productId = "p-iphone-16", category = "phones", productLine = "iphone", price = 969.0, quantity = 1 };
        yield return (customer, Encoding.UTF8.GetBytes($"{{\"specversion\":\"1.0\",\"id\":\"bad-json-{n}\",\"type\":\"cart.item_added\", not json"));
        yield return (customer, Envelope(customer, $"bad-quantity-{n}", "cart.item_added", past, cart with { quantity = 0 }));
        yield return (customer, Envelope(customer, $"bad-price-{n}", "product.viewed", past,
            new { productId = "p-iphone-16", category = "phones", productLine = "iphone", price = "expensive" }));
        yield return (customer, Envelope(customer, $"oversize-{n}", "page.viewed", past,
            new { url = "/" + new string('x', EventLimits.Default.MaxEventBytes + 1024), sessionId = "s-1", channel = "web" }));
        yield return (customer, Envelope(customer, $"future-{n}", "cart.item_added", DateTimeOffset.UtcNow.AddDays(1), cart));
        yield return (customer, Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
        {
            specversion = "1.0", source = "/integration-tests", type = "cart.item_added", time = past, subject = customer, data = cart,
        })));
    }

    private byte[] Envelope(string customer, string id, string type, DateTimeOffset time, object data) =>
        CloudEvents.Create(type, customer, data, time, $"{id}-{Factory.Suffix}");

    /// <summary>
    /// Puts each extra record somewhere before the last good record of its key, so that record being applied proves
    /// the extra one was handled.
    /// </summary>
    private static List<(string Key, byte[] Value)> InsertBeforeLastOfSameKey(
        List<(string Key, byte[] Value)> good, List<(string Key, byte[] Value)> extra, Random random)
    {
        var stream = new List<(string Key, byte[] Value)>(good);
        foreach (var record in extra)
        {
            var last = stream.FindLastIndex(m => m.Key == record.Key);
            stream.Insert(random.Next(last + 1), record);
        }

        return stream;
    }
}
