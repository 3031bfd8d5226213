using NextBestAction.Profiles.Kpis;

namespace NextBestAction.Ingestion;

/// <summary>
/// The change each event of a batch made to its customer's KPI counters, turned into one <see cref="KpiBatch"/> per
/// partition. Events at or below the offset a partition's stored KPIs already include are left out, so a
/// redelivered event is counted once. Pure.
/// </summary>
public sealed class KpiTally
{
    private readonly List<Change> changes = [];

    /// <summary>Records what the event at <paramref name="message"/>'s offset changed (before and after counters may be equal).</summary>
    public void Add(IncomingMessage message, string customerId, KpiCounters before, KpiCounters after, DateTimeOffset eventTime)
    {
        ArgumentNullException.ThrowIfNull(message);
        changes.Add(new Change(message.PartitionKey, message.Offset, customerId, before, after, eventTime));
    }

    /// <summary>
    /// Per partition of <paramref name="countedOffsets"/> (the highest offset its stored KPIs include): that offset,
    /// the guard of the write, and the batch of the changes above it.
    /// </summary>
    public Dictionary<string, (long Expected, KpiBatch Batch)> ToBatches(IReadOnlyDictionary<string, long> countedOffsets)
    {
        ArgumentNullException.ThrowIfNull(countedOffsets);
        var batches = countedOffsets.ToDictionary(kv => kv.Key, kv => (kv.Value, new KpiBatch()), StringComparer.Ordinal);
        foreach (var change in changes)
        {
            var (counted, batch) = batches[change.Partition];
            if (change.Offset > counted)
            {
                batch.Add(change.CustomerId, change.Before, change.After, change.EventTime, change.Offset);
            }
        }

        return batches;
    }

    private readonly record struct Change(string Partition, long Offset, string CustomerId, KpiCounters Before, KpiCounters After, DateTimeOffset EventTime);
}
