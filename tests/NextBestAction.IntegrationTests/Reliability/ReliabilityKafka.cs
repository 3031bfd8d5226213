using Confluent.Kafka;
using NextBestAction.Contracts;

namespace NextBestAction.IntegrationTests.Reliability;

/// <summary>
/// Kafka plumbing the reliability tests need beyond <see cref="Fixtures.KafkaFixture"/>: a compressing producer
/// that keeps where each record landed, record counts from watermarks, and reading a topic without a group.
/// </summary>
internal sealed class ReliabilityKafka(string bootstrapServers) : IDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    // Idempotence keeps each partition in send order even when a batch is retried, so the log order is the
    // order the records were handed over in. Compression matters on the mock cluster: it keeps only the newest
    // 5 MiB of each partition and silently drops older batches, which 100k plain JSON events would exceed.
    private readonly IProducer<string, byte[]> producer = new ProducerBuilder<string, byte[]>(new ProducerConfig
    {
        BootstrapServers = bootstrapServers,
        Acks = Acks.All,
        EnableIdempotence = true,
        LingerMs = 5,
        CompressionType = CompressionType.Zstd,
        MessageMaxBytes = 1024 * 1024,
    }).SetLogHandler((_, _) => { }).Build();

    /// <summary>Topic names of their own for one test: nothing else produces to or consumes from them.</summary>
    public static TopicNames UniqueTopics(string suffix) => new()
    {
        Clickstream = $"rel.clickstream.{suffix}",
        Orders = $"rel.orders.{suffix}",
        Service = $"rel.service.{suffix}",
        Catalog = $"rel.catalog.{suffix}",
        Feedback = $"rel.feedback.{suffix}",
        Consent = $"rel.consent.{suffix}",
        Notifications = $"rel.notifications.{suffix}",
        Decisions = $"rel.decisions.{suffix}",
        DeadLetter = $"rel.deadletter.{suffix}",
        Privacy = $"rel.privacy.{suffix}",
    };

    /// <summary>Settings that point a host at these topics (every one, so no default topic is touched).</summary>
    public static Dictionary<string, string> TopicSettings(TopicNames topics) =>
        typeof(TopicNames).GetProperties()
            .Where(p => p.PropertyType == typeof(string))
            .ToDictionary(p => $"Kafka:Topics:{p.Name}", p => (string)p.GetValue(topics)!);

    /// <summary>Produces the messages in order and returns where each one landed, in the same order.</summary>
    public async Task<List<ProducedRecord>> ProduceAsync(string topic, IEnumerable<(string Key, byte[] Value)> messages)
    {
        var sent = messages.Select(m => (m.Key, m.Value, Delivery: producer.ProduceAsync(topic, new Message<string, byte[]> { Key = m.Key, Value = m.Value })))
            .ToList();
        await Task.WhenAll(sent.Select(s => s.Delivery));
        return [.. sent.Select(s => new ProducedRecord(topic, s.Delivery.Result.Partition.Value, s.Delivery.Result.Offset.Value, s.Key, s.Value))];
    }

    /// <summary>
    /// Partitions of <paramref name="topic"/> whose log no longer starts at offset 0: the mock cluster trimmed them
    /// (it keeps 5 MiB per partition), so a consumer can no longer see every record that was produced.
    /// </summary>
    public List<TopicPartition> TrimmedPartitions(IEnumerable<TopicPartition> partitions)
    {
        using var consumer = NewConsumer($"rel-marks-{Guid.NewGuid():N}");
        return [.. partitions.Where(p => consumer.QueryWatermarkOffsets(p, RequestTimeout).Low.Value > 0)];
    }

    /// <summary>Records in <paramref name="topic"/> right now (high minus low watermark over its partitions); 0 when it does not exist.</summary>
    public int CountRecords(string topic)
    {
        using var consumer = NewConsumer($"rel-count-{Guid.NewGuid():N}");
        return Partitions(topic).Sum(p =>
        {
            var marks = consumer.QueryWatermarkOffsets(p, RequestTimeout);
            return (int)(marks.High.Value - marks.Low.Value);
        });
    }

    /// <summary>Reads every partition of a topic from the start until <paramref name="count"/> records arrived or the wait ran out.</summary>
    public List<ConsumeResult<byte[]?, byte[]?>> ReadAll(string topic, int count, TimeSpan maxWait)
    {
        using var consumer = NewConsumer($"rel-reader-{Guid.NewGuid():N}");
        // Assigned, not subscribed: no group join to wait for.
        consumer.Assign(Partitions(topic).Select(p => new TopicPartitionOffset(p, Offset.Beginning)));
        var records = new List<ConsumeResult<byte[]?, byte[]?>>();
        var deadline = DateTime.UtcNow + maxWait;
        while (records.Count < count && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { IsPartitionEOF: false } record)
            {
                records.Add(record);
            }
        }

        return records;
    }

    /// <summary>The partitions of <paramref name="topic"/>; none when it does not exist.</summary>
    private List<TopicPartition> Partitions(string topic)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).SetLogHandler((_, _) => { }).Build();
        var metadata = admin.GetMetadata(topic, RequestTimeout).Topics.SingleOrDefault(t => t.Topic == topic);
        return metadata is null || metadata.Error.IsError
            ? []
            : [.. metadata.Partitions.Select(p => new TopicPartition(topic, p.PartitionId))];
    }

    private IConsumer<byte[]?, byte[]?> NewConsumer(string groupId) =>
        new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = groupId,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            AllowAutoCreateTopics = false,
        }).SetLogHandler((_, _) => { }).Build();

    public void Dispose()
    {
        producer.Flush(RequestTimeout);
        producer.Dispose();
    }
}
