using Confluent.Kafka;

namespace NextBestAction.Server.Embedded;

/// <summary>
/// librdkafka's built-in mock cluster: a real Kafka protocol endpoint on loopback, living exactly as long
/// as the client handle that created it, so this object is kept for the process lifetime.
/// Topics are created on first use (CreateTopics is not supported by the mock).
/// </summary>
public sealed class EmbeddedKafka : IDisposable
{
    private readonly IProducer<byte[], byte[]> owner;

    private EmbeddedKafka(IProducer<byte[], byte[]> owner, string bootstrapServers)
    {
        this.owner = owner;
        BootstrapServers = bootstrapServers;
    }

    public string BootstrapServers { get; }

    public static EmbeddedKafka Start(int brokers = 1)
    {
        var config = new ProducerConfig { ClientId = "nba-embedded-kafka" };
        config.Set("test.mock.num.brokers", brokers.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var owner = new ProducerBuilder<byte[], byte[]>(config)
            .SetLogHandler((_, _) => { }) // the mock announces itself on stderr; the host logs the address instead
            .Build();
        try
        {
            using var admin = new DependentAdminClientBuilder(owner.Handle).Build();
            var metadata = admin.GetMetadata(TimeSpan.FromSeconds(10));
            var bootstrap = string.Join(',', metadata.Brokers.Select(b => $"{b.Host}:{b.Port}"));
            return new EmbeddedKafka(owner, bootstrap);
        }
        catch
        {
            owner.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Creates the topics now, so a consumer that subscribes to them is assigned their partitions at its first join. A
    /// topic that appears later is only seen at the consumer's next metadata refresh (5 minutes by default). The mock has
    /// no CreateTopics; a producer's metadata request for a topic auto-creates it (4 partitions).
    /// </summary>
    public void CreateTopics(IEnumerable<string> topics)
    {
        using var metadata = new DependentAdminClientBuilder(owner.Handle).Build();
        foreach (var topic in topics)
        {
            var created = metadata.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.SingleOrDefault(t => t.Topic == topic);
            if (created is null || created.Error.IsError || created.Partitions.Count == 0)
            {
                throw new InvalidOperationException($"topic {topic} was not created on the embedded Kafka: {created?.Error.Reason ?? "no metadata"}");
            }
        }
    }

    public void Dispose() => owner.Dispose();
}
