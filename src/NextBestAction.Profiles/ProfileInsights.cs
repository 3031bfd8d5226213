namespace NextBestAction.Profiles;

/// <summary>Read-side views of a profile at a moment in time, as decisions and KPIs use them.</summary>
public static class ProfileInsights
{
    /// <summary>
    /// Long-term category affinity decayed to <paramref name="now"/>. Life-stage categories past their
    /// horizon are left out; the seasonal bucket never counts here.
    /// </summary>
    public static IReadOnlyDictionary<string, double> CategoryAffinity(this CustomerProfile profile, DateTimeOffset now, ProfileRules rules) =>
        profile.CategoryInterest
            .Where(kv => IsRelevant(profile, kv.Key, now, rules))
            .ToDictionary(kv => kv.Key, kv => kv.Value.ValueAt(now, rules.InterestHalfLife), StringComparer.Ordinal);

    /// <summary>A life-stage category (pregnancy, baby) stops counting once its horizon since the first event has passed.</summary>
    public static bool IsRelevant(this CustomerProfile profile, string category, DateTimeOffset now, ProfileRules rules) =>
        !rules.LifeStageHorizonDays.TryGetValue(category, out var horizonDays)
        || !profile.LifeStageSince.TryGetValue(category, out var since)
        || now - since <= TimeSpan.FromDays(horizonDays);

    /// <summary>Spend in a category in the ISO week of <paramref name="now"/>.</summary>
    public static decimal WeekSpend(this CustomerProfile profile, string category, DateTimeOffset now) =>
        profile.SpendPerWeek.TryGetValue(ProfileUpdater.IsoWeek(now), out var week) ? week.GetValueOrDefault(category) : 0m;
}
