namespace NextBestAction.Profiles.Kpis;

/// <summary>The profile counters that feed the aggregate KPIs, read before and after an event.</summary>
public readonly record struct KpiCounters(int ContactMoments, int Orders, int Resolved, int FirstTimeRight, int Kept, int Broken, DateTimeOffset? LastEngagedAt)
{
    public static KpiCounters Of(CustomerProfile p) =>
        new(p.ContactMoments, p.OrderCount, p.ResolvedContacts, p.FirstTimeRightContacts, p.KeptPromises, p.BrokenPromiseCount, p.LastEngagedAt);
}

/// <summary>
/// What one batch adds to the aggregate KPIs of one partition: counter deltas per ISO week field, and the
/// customers who engaged per day. Pure; written by <c>RedisKpiStore</c> (NextBestAction.Profiles.Redis) under the partition's offset guard.
/// </summary>
public sealed class KpiBatch
{
    public const string ContactMomentsField = "contact_moments";
    public const string OrdersField = "orders";
    public const string ResolvedField = "resolved";
    public const string FirstTimeRightField = "ftr";
    public const string KeptField = "kept";
    public const string BrokenField = "broken";

    public Dictionary<string, long> Counters { get; } = new(StringComparer.Ordinal);

    /// <summary>Day ("2026-11-23") to the customers who responded that day.</summary>
    public Dictionary<string, HashSet<string>> Engaged { get; } = new(StringComparer.Ordinal);

    public long MaxOffset { get; private set; } = -1;

    public bool IsEmpty => Counters.Count == 0 && Engaged.Count == 0;

    public static string Field(string week, string counter) => $"{week}:{counter}";

    /// <summary>Adds the change one event made to a customer's counters, in the ISO week of the event.</summary>
    public void Add(string customerId, KpiCounters before, KpiCounters after, DateTimeOffset eventTime, long offset)
    {
        MaxOffset = Math.Max(MaxOffset, offset);
        var week = ProfileUpdater.IsoWeek(eventTime);
        Increment(week, ContactMomentsField, after.ContactMoments - before.ContactMoments);
        Increment(week, OrdersField, after.Orders - before.Orders);
        Increment(week, ResolvedField, after.Resolved - before.Resolved);
        Increment(week, FirstTimeRightField, after.FirstTimeRight - before.FirstTimeRight);
        Increment(week, KeptField, after.Kept - before.Kept);
        Increment(week, BrokenField, after.Broken - before.Broken);
        if (after.LastEngagedAt is { } engagedAt && engagedAt != before.LastEngagedAt)
        {
            var day = engagedAt.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            if (!Engaged.TryGetValue(day, out var customers))
            {
                Engaged[day] = customers = new HashSet<string>(StringComparer.Ordinal);
            }

            customers.Add(customerId);
        }
    }

    /// <summary>Marks an offset as handled even when its event changed no KPI.</summary>
    public void Cover(long offset) => MaxOffset = Math.Max(MaxOffset, offset);

    private void Increment(string week, string counter, long delta)
    {
        if (delta != 0)
        {
            var field = Field(week, counter);
            Counters[field] = Counters.GetValueOrDefault(field) + delta;
        }
    }
}
