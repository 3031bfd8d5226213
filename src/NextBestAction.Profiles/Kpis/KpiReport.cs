using System.Globalization;

namespace NextBestAction.Profiles.Kpis;

/// <summary>A KPI with its library entry, its value and the period the value covers.</summary>
public sealed record KpiValue(
    string Id, string Name, string Definition, string Goal, string Interpretation, string Owner, string Unit,
    string Basis, double? Value, double? PreviousValue);

public sealed record KpiReport(string LibraryVersion, DateTimeOffset At, string? CustomerId, IReadOnlyList<KpiValue> Kpis);

/// <summary>Turns raw counters into the KPI library's values. Pure.</summary>
public static class KpiReports
{
    /// <summary>The ISO week of <paramref name="now"/> and the one before.</summary>
    public static (string Current, string Previous) Weeks(DateTimeOffset now) => (ProfileUpdater.IsoWeek(now), ProfileUpdater.IsoWeek(now.AddDays(-7)));

    /// <summary>The days ("2026-11-23") of an engagement window ending at <paramref name="now"/>.</summary>
    public static IReadOnlyList<string> Days(DateTimeOffset now, TimeSpan window) =>
        [.. Enumerable.Range(0, (int)Math.Ceiling(window.TotalDays))
            .Select(i => now.UtcDateTime.AddDays(-i).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))];

    public static KpiReport Aggregate(KpiLibrary library, KpiTotals totals, DateTimeOffset now, TimeSpan engagedWindow)
    {
        var (week, previous) = Weeks(now);
        var values = new Dictionary<string, (string Basis, double? Value, double? Previous)>
        {
            [KpiIds.EngagedCustomers] = ($"last {engagedWindow.TotalDays:0} days", totals.EngagedCustomers, null),
        };
        foreach (var id in KpiLibrary.ComputedIds.Where(id => id != KpiIds.EngagedCustomers))
        {
            values[id] = ($"ISO week {week}", WeekValue(totals, id, week), WeekValue(totals, id, previous));
        }

        return new KpiReport(library.Version, now, null, Combine(library, values));
    }

    /// <summary>
    /// The aggregate value of a weekly KPI in ISO <paramref name="week"/> (the counters are kept per week, so any
    /// stored week can be read), or null for first time right without a resolved contact and for engaged customers,
    /// which is a rolling window rather than a weekly figure.
    /// </summary>
    public static double? WeekValue(KpiTotals totals, string kpiId, string week) => kpiId switch
    {
        KpiIds.ContactMoments => totals.Get(week, KpiBatch.ContactMomentsField),
        KpiIds.OrdersPerWeek => totals.Get(week, KpiBatch.OrdersField),
        KpiIds.FirstTimeRight => totals.Get(week, KpiBatch.ResolvedField) is var resolved and > 0
            ? (double)totals.Get(week, KpiBatch.FirstTimeRightField) / resolved
            : null,
        KpiIds.PromisesKept => totals.Get(week, KpiBatch.KeptField),
        KpiIds.PromisesBroken => totals.Get(week, KpiBatch.BrokenField),
        _ => null,
    };

    public static KpiReport ForCustomer(KpiLibrary library, CustomerProfile profile, DateTimeOffset now, ProfileRules rules)
    {
        var (week, previous) = Weeks(now);
        var values = new Dictionary<string, (string Basis, double? Value, double? Previous)>
        {
            [KpiIds.ContactMoments] = ("all time", profile.ContactMoments, null),
            [KpiIds.OrdersPerWeek] = ($"ISO week {week}", profile.OrdersPerWeek.GetValueOrDefault(week), profile.OrdersPerWeek.GetValueOrDefault(previous)),
            [KpiIds.FirstTimeRight] = ("all time", profile.FirstTimeRightRate, null),
            [KpiIds.EngagedCustomers] = ($"last {rules.EngagedWindowDays} days (1 = engaged)", profile.IsEngaged(now, rules.EngagedWindow) ? 1 : 0, null),
            [KpiIds.PromisesKept] = ("all time", profile.KeptPromises, null),
            [KpiIds.PromisesBroken] = ("all time", profile.BrokenPromiseCount, null),
        };
        return new KpiReport(library.Version, now, profile.CustomerId, Combine(library, values));
    }

    private static List<KpiValue> Combine(KpiLibrary library, Dictionary<string, (string Basis, double? Value, double? Previous)> values) =>
        [.. library.Kpis.Select(k => new KpiValue(k.Id, k.Name, k.Definition, k.Goal, k.Interpretation, k.Owner, k.Unit,
            values[k.Id].Basis, values[k.Id].Value, values[k.Id].Previous))];
}
