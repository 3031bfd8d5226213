namespace NextBestAction.IntegrationTests.Reliability;

/// <summary>One record as Kafka stored it. Its partition and offset decide the order the consumer applies it in.</summary>
internal sealed record ProducedRecord(string Topic, int Partition, long Offset, string Key, byte[] Value)
{
    /// <summary>"topic/partition", the same key the ingestion uses for its applied-offset bookkeeping.</summary>
    public string PartitionKey => $"{Topic}/{Partition}";
}
