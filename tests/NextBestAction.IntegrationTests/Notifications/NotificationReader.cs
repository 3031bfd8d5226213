using System.Text.Json;
using Confluent.Kafka;

namespace NextBestAction.IntegrationTests.Notifications;

/// <summary>A notification as an app backend reads it from <c>nba.notifications</c>.</summary>
public sealed record ReceivedNotification(string Key, string Id, string Type, string Source, string Subject, JsonElement Data, byte[] Raw)
{
    public string Channel => Data.GetProperty("channel").GetString()!;
    public string Title => Data.GetProperty("title").GetString()!;
    public string Body => Data.GetProperty("body").GetString()!;
    public string DedupKey => Data.GetProperty("dedupKey").GetString()!;
    public DateTimeOffset ExpiresAt => Data.GetProperty("expiresAt").GetDateTimeOffset();
    public IReadOnlyList<string> Reasons => [.. Data.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()!)];
}

/// <summary>
/// Reads a topic from the start of every partition (assigned, no consumer group to join) and keeps what it read,
/// so a test waits for the notifications it expects, bounded by a deadline.
/// </summary>
public sealed class NotificationReader : IDisposable
{
    private readonly IConsumer<string, byte[]> consumer;
    private readonly List<ReceivedNotification> received = [];

    public NotificationReader(string bootstrapServers, string topic)
    {
        consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = $"test-notification-reader-{Guid.NewGuid():N}",
            EnableAutoCommit = false,
            AllowAutoCreateTopics = true,
            TopicMetadataRefreshIntervalMs = 500,
            FetchWaitMaxMs = 10,
        }).Build();
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
        var partitions = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single(t => t.Topic == topic).Partitions;
        consumer.Assign(partitions.Select(p => new TopicPartitionOffset(topic, p.PartitionId, Offset.Beginning)));
    }

    /// <summary>Reads until <paramref name="done"/> holds for what arrived for <paramref name="customer"/>, or the wait ran out; returns those.</summary>
    public List<ReceivedNotification> ReadUntil(string customer, Func<List<ReceivedNotification>, bool> done, TimeSpan maxWait)
    {
        var deadline = DateTime.UtcNow + maxWait;
        while (true)
        {
            var mine = received.Where(n => n.Key == customer).ToList();
            if (done(mine) || DateTime.UtcNow >= deadline)
            {
                return mine;
            }

            var record = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (record is not null && !record.IsPartitionEOF)
            {
                received.Add(Parse(record.Message.Key, record.Message.Value));
            }
        }
    }

    public static ReceivedNotification Parse(string key, byte[] value)
    {
        using var document = JsonDocument.Parse(value);
        var root = document.RootElement;
        return new ReceivedNotification(key, root.GetProperty("id").GetString()!, root.GetProperty("type").GetString()!,
            root.GetProperty("source").GetString()!, root.GetProperty("subject").GetString()!, root.GetProperty("data").Clone(), value);
    }

    public void Dispose()
    {
        consumer.Close();
        consumer.Dispose();
    }
}
