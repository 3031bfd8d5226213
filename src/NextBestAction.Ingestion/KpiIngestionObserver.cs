using System.Diagnostics;
using NextBestAction.Contracts;
using NextBestAction.Profiles;
using NextBestAction.Profiles.Kpis;

namespace NextBestAction.Ingestion;

/// <summary>
/// Aggregate KPIs on the ingestion path: each event's change to its customer's counters (read before and after the
/// event) is added to the partition's KPI hash before the profiles are written. If the process dies in between,
/// redelivery finds the KPIs already counted (the offset guard of <see cref="RedisKpiStore"/>) and the profiles not
/// yet changed, and applies each exactly once. Registered ahead of the other observers.
/// </summary>
public sealed class KpiIngestionObserver(RedisKpiStore kpis) : IIngestionObserver
{
    public IIngestionRound BeginRound(WriteRound round)
    {
        ArgumentNullException.ThrowIfNull(round);

        // The KPI deltas come from the first round; a retry after a write conflict must not count them again.
        if (round.Number > 1)
        {
            return NothingToCount.Instance;
        }

        // Read while the profiles load.
        var partitions = round.Messages.Select(m => m.PartitionKey).ToHashSet(StringComparer.Ordinal);
        return new Round(kpis, kpis.LoadOffsetsAsync(partitions));
    }

    /// <summary>Catalog events change no customer's counters.</summary>
    public Task OnCatalogEventsAsync(IReadOnlyList<ValidEvent> events, DateTimeOffset now, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    private sealed class Round(RedisKpiStore kpis, Task<Dictionary<string, long>> countedOffsets) : IIngestionRound
    {
        private readonly KpiTally tally = new();
        private KpiCounters before;

        public void OnApplying(CustomerProfile profile, IncomingMessage message, ValidEvent e) => before = KpiCounters.Of(profile);

        public void OnApplied(CustomerProfile profile, ValidEvent e, ActivityContext trace = default)
        {
        }

        public void OnHandled(CustomerProfile profile, IncomingMessage message, ValidEvent e, ApplyOutcome outcome) =>
            tally.Add(message, profile.CustomerId, before, KpiCounters.Of(profile), e.Time);

        public async Task CompleteAsync(CancellationToken cancellationToken) =>
            await kpis.AddAsync(tally.ToBatches(await countedOffsets));
    }

    private sealed class NothingToCount : IIngestionRound
    {
        public static readonly NothingToCount Instance = new();

        public void OnApplied(CustomerProfile profile, ValidEvent e, ActivityContext trace = default)
        {
        }

        public Task CompleteAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
