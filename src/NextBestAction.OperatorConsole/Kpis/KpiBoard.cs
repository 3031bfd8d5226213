using Microsoft.Extensions.Options;
using NextBestAction.Profiles;
using NextBestAction.Profiles.Kpis;
using StackExchange.Redis;

namespace NextBestAction.OperatorConsole.Kpis;

/// <summary>One KPI on the page: the <c>/v1/kpis</c> entry, its goal check and its weekly trend (null for engaged customers, which has no weekly figure).</summary>
public sealed record KpiRow(KpiValue Kpi, KpiVerdict Verdict, double?[]? Trend);

/// <summary>The KPI page's data, or why there is none.</summary>
public sealed record KpiBoardView(KpiReport? Report, IReadOnlyList<KpiRow> Rows, IReadOnlyList<string> Weeks, string? Unavailable);

/// <summary>
/// Reads the KPI library with its values in process, the same way <c>GET /v1/kpis</c> does (one read of the KPI
/// store), and adds the goal checks and the weekly trend from the per-week counters the store keeps.
/// </summary>
public sealed class KpiBoard(KpiLibrary library, RedisKpiStore store, IOptions<ProfileRules> rules, TimeProvider clock)
{
    public const int TrendWeeks = 12;

    public async Task<KpiBoardView> ReadAsync()
    {
        var now = clock.GetUtcNow();
        var window = rules.Value.EngagedWindow;
        KpiTotals totals;
        try
        {
            totals = await store.ReadAsync(KpiReports.Days(now, window));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return new KpiBoardView(null, [], [], "The KPI store (Redis) cannot be read right now; reload the page to try again.");
        }

        var report = KpiReports.Aggregate(library, totals, now, window);
        string[] weeks = [.. Enumerable.Range(0, TrendWeeks).Reverse().Select(i => KpiReports.Weeks(now.AddDays(-7 * i)).Current)];
        var rows = report.Kpis.Select(k => new KpiRow(
            k,
            KpiGoalCheck.Decide(k.Id, totals, now),
            k.Id == KpiIds.EngagedCustomers ? null : [.. weeks.Select(w => KpiReports.WeekValue(totals, k.Id, w))])).ToList();
        return new KpiBoardView(report, rows, weeks, null);
    }
}
