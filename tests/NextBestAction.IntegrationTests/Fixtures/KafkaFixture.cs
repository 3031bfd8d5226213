using Confluent.Kafka;
using NextBestAction.Server.Embedded;

[assembly: AssemblyFixture(typeof(NextBestAction.IntegrationTests.Fixtures.KafkaFixture))]

namespace NextBestAction.IntegrationTests.Fixtures;

/// <summary>
/// librdkafka's mock cluster over loopback TCP, shared by the test run. Tests isolate themselves with
/// their own topic names and consumer groups.
/// </summary>
public sealed class KafkaFixture : IDisposable
{
    private readonly EmbeddedKafka cluster = EmbeddedKafka.Start();
    private readonly IProducer<string, byte[]> producer;

    public KafkaFixture()
    {
        producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers, Acks = Acks.All }).Build();
    }

    public string BootstrapServers => cluster.BootstrapServers;

    public Task<DeliveryResult<string, byte[]>> ProduceAsync(string topic, string key, byte[] value, Headers? headers = null) =>
        producer.ProduceAsync(topic, new Message<string, byte[]> { Key = key, Value = value, Headers = headers });

    /// <summary>Creates the topics before a server subscribes to them, so its group is assigned every partition at the first join.</summary>
    public void CreateTopics(IEnumerable<string> topics) => cluster.CreateTopics(topics);

    /// <summary>Reads a topic from the start until <paramref name="enough"/> records arrived or the wait runs out.</summary>
    public List<ConsumeResult<string, byte[]>> Consume(string topic, int enough, TimeSpan maxWait)
    {
        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = BootstrapServers,
            GroupId = $"test-reader-{Guid.NewGuid():N}",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            AllowAutoCreateTopics = true,
        }).Build();
        consumer.Subscribe(topic);
        var records = new List<ConsumeResult<string, byte[]>>();
        var deadline = DateTime.UtcNow + maxWait;
        while (records.Count < enough && DateTime.UtcNow < deadline)
        {
            try
            {
                var record = consumer.Consume(TimeSpan.FromMilliseconds(200));
                if (record is not null && !record.IsPartitionEOF)
                {
                    records.Add(record);
                }
            }
            catch (ConsumeException ex) when (!ex.Error.IsFatal)
            {
                // The topic may not exist until the first record is produced to it.
            }
        }

        consumer.Close();
        return records;
    }

    public void Dispose()
    {
        producer.Dispose();
        cluster.Dispose();
    }
}
