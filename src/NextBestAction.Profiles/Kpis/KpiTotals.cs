namespace NextBestAction.Profiles.Kpis;

/// <summary>Summed aggregate counters for some weeks, and distinct engaged customers over some days.</summary>
public sealed record KpiTotals(IReadOnlyDictionary<string, long> Counters, long EngagedCustomers)
{
    public long Get(string week, string counter) => Counters.GetValueOrDefault(KpiBatch.Field(week, counter));
}
