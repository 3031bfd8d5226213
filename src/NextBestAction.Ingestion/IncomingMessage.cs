using System.Diagnostics;

namespace NextBestAction.Ingestion;

/// <summary>One Kafka record as the processor sees it: original key and value bytes plus its position.</summary>
/// <param name="ProducedAt">The Kafka record timestamp, for event-to-profile freshness.</param>
/// <param name="TraceContext">The producer's span from the message headers (W3C trace context); default when it sent none.</param>
public sealed record IncomingMessage(
    string Topic, int Partition, long Offset, byte[]? Key, byte[]? Value, DateTimeOffset? ProducedAt = null, ActivityContext TraceContext = default)
{
    public string PartitionKey => $"{Topic}/{Partition}";
}
