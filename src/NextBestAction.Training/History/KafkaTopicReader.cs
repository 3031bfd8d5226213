using System.Diagnostics;
using Confluent.Kafka;

namespace NextBestAction.Training.History;

/// <summary>
/// Reads a whole topic once: every partition from its first retained offset up to the end offset it had when reading
/// began, then stops. No consumer group offsets are committed, so reading changes nothing for anyone else.
/// </summary>
internal static class KafkaTopicReader
{
    private static readonly TimeSpan MetadataTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>With records still due, this long without one means the brokers stopped answering.</summary>
    private static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(60);

    public static long Read(string topic, KafkaSettings kafka, Progress progress, Action<byte[], string> onEvent, CancellationToken cancellationToken)
    {
        var ends = EndOffsets(topic, kafka, out var starts);
        progress.Total = ends.Sum(e => e.Value - starts[e.Key]);
        if (ends.Count == 0)
        {
            progress.Done(0, $"kafka:{topic} is empty");
            return 0;
        }

        using var consumer = new ConsumerBuilder<Ignore, byte[]>(ConsumerConfig(kafka)).Build();
        consumer.Assign(ends.Keys.Select(p => new TopicPartitionOffset(topic, p, starts[p])));
        long events = 0;
        var lastRecord = Stopwatch.GetTimestamp();
        while (ends.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var record = consumer.Consume(PollInterval);
            if (record is null)
            {
                if (Stopwatch.GetElapsedTime(lastRecord) > StallTimeout)
                {
                    throw new HistoryReadException($"kafka:{topic}: no record for {StallTimeout.TotalSeconds:0} s with {ends.Count} partition(s) not read to their end");
                }

                continue;
            }

            lastRecord = Stopwatch.GetTimestamp();
            var partition = record.Partition.Value;
            if (record.IsPartitionEOF || !ends.TryGetValue(partition, out var end))
            {
                ends.Remove(partition);
                continue;
            }

            // Records produced after reading began are left for the next run.
            if (record.Offset.Value < end && record.Message.Value is { } value)
            {
                onEvent(value, $"kafka:{topic}[{partition}]@{record.Offset.Value}");
                events++;
                progress.Report(events, events);
            }

            if (record.Offset.Value + 1 >= end)
            {
                ends.Remove(partition);
            }
        }

        progress.Done(events, $"from kafka:{topic}");
        return events;
    }

    /// <summary>End offset of every partition that holds records, and where its records start.</summary>
    private static Dictionary<Partition, long> EndOffsets(string topic, KafkaSettings kafka, out Dictionary<Partition, long> starts)
    {
        starts = [];
        var ends = new Dictionary<Partition, long>();
        try
        {
            using var admin = new AdminClientBuilder(new AdminClientConfig(Settings(kafka))).Build();
            var metadata = admin.GetMetadata(topic, MetadataTimeout).Topics.SingleOrDefault(t => t.Topic == topic);
            if (metadata is null || metadata.Error.IsError)
            {
                var reason = metadata?.Error.Reason ?? "no metadata returned";
                throw new HistoryReadException($"kafka:{topic}: topic not readable on {kafka.BootstrapServers} ({reason})");
            }

            using var consumer = new ConsumerBuilder<Ignore, byte[]>(ConsumerConfig(kafka)).Build();
            foreach (var partition in metadata.Partitions)
            {
                var offsets = consumer.QueryWatermarkOffsets(new TopicPartition(topic, partition.PartitionId), MetadataTimeout);
                if (offsets.High.Value > offsets.Low.Value)
                {
                    starts[partition.PartitionId] = offsets.Low.Value;
                    ends[partition.PartitionId] = offsets.High.Value;
                }
            }
        }
        catch (KafkaException ex)
        {
            throw new HistoryReadException($"kafka:{topic}: {ex.Error.Reason} (brokers {kafka.BootstrapServers})", ex);
        }

        return ends;
    }

    private static Dictionary<string, string> Settings(KafkaSettings kafka) =>
        new(kafka.Client, StringComparer.Ordinal) { ["bootstrap.servers"] = kafka.BootstrapServers };

    private static ConsumerConfig ConsumerConfig(KafkaSettings kafka) => new(Settings(kafka))
    {
        // A throw-away group: partitions are assigned by hand and nothing is committed.
        GroupId = $"nba-training-{Guid.NewGuid():N}",
        EnableAutoCommit = false,
        EnableAutoOffsetStore = false,
        EnablePartitionEof = true,
        AutoOffsetReset = AutoOffsetReset.Earliest,
    };
}
