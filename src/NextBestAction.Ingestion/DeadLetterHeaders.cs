namespace NextBestAction.Ingestion;

/// <summary>
/// Kafka headers on a <c>nba.deadletter</c> record. The value is the original message bytes, untouched;
/// the key is the original key.
/// </summary>
public static class DeadLetterHeaders
{
    public const string Reason = "nba-dlq-reason";
    public const string Topic = "nba-dlq-topic";
    public const string Partition = "nba-dlq-partition";
    public const string Offset = "nba-dlq-offset";
    public const string EventType = "nba-dlq-event-type";
    public const string RejectedAt = "nba-dlq-rejected-at";
}
