using System.Globalization;
using NextBestAction.Profiles.Kpis;

namespace NextBestAction.OperatorConsole.Kpis;

public enum KpiStanding
{
    OnGoal,
    OffGoal,

    /// <summary>The goal cannot be checked from what the store keeps, or there is nothing to compare yet.</summary>
    NotChecked,
}

/// <summary>Whether a KPI meets its goal, and the check that decided it, in words for the page.</summary>
public sealed record KpiVerdict(KpiStanding Standing, string Check);

/// <summary>
/// The goals of the KPI library (src/NextBestAction.Profiles/kpis/definitions.json) as checks on the stored
/// weekly counters. Shares are checked on the current week, since a part week gives a fair share; counts are checked on
/// the last complete week, since a part week's count would always look low. Pure.
/// </summary>
public static class KpiGoalCheck
{
    public const double FirstTimeRightGoal = 0.80;
    public const double KeptShareGoal = 0.95;
    public const double BrokenShareGoal = 0.05;

    /// <summary>"Same week last year" is 52 weeks back, as retail calendars compare.</summary>
    private static readonly TimeSpan Year = TimeSpan.FromDays(52 * 7);

    private static readonly TimeSpan Week = TimeSpan.FromDays(7);

    public static KpiVerdict Decide(string kpiId, KpiTotals totals, DateTimeOffset now)
    {
        var week = KpiReports.Weeks(now).Current;
        var complete = KpiReports.Weeks(now).Previous;
        return kpiId switch
        {
            KpiIds.ContactMoments => Lower(totals, kpiId, complete, KpiReports.Weeks(now - Week).Previous),
            KpiIds.OrdersPerWeek => Growth(totals, kpiId, complete, KpiReports.Weeks(now - Year).Previous),
            KpiIds.FirstTimeRight => KpiReports.WeekValue(totals, kpiId, week) is { } rate
                ? Verdict(rate >= FirstTimeRightGoal, $"{Percent(rate)} in {week} against at least {Percent(FirstTimeRightGoal)}")
                : new(KpiStanding.NotChecked, $"no contact resolved in {week} yet"),
            KpiIds.PromisesKept => DeliveryShare(totals, week, KpiBatch.KeptField, share => share >= KeptShareGoal, $"at least {Percent(KeptShareGoal)}"),
            KpiIds.PromisesBroken => DeliveryShare(totals, week, KpiBatch.BrokenField, share => share <= BrokenShareGoal, $"at most {Percent(BrokenShareGoal)}"),
            _ => new(KpiStanding.NotChecked, "the goal is growth per quarter, and the store keeps engaged customers for the rolling window only"),
        };
    }

    private static KpiVerdict Lower(KpiTotals totals, string kpiId, string week, string before) =>
        KpiReports.WeekValue(totals, kpiId, before) is > 0 and var earlier && KpiReports.WeekValue(totals, kpiId, week) is { } value
            ? Verdict(value <= earlier, $"{Count(value)} in {week} against {Count(earlier)} in {before}: should not rise")
            : new(KpiStanding.NotChecked, $"nothing stored for {before} to compare {week} with");

    private static KpiVerdict Growth(KpiTotals totals, string kpiId, string week, string lastYear) =>
        KpiReports.WeekValue(totals, kpiId, lastYear) is > 0 and var earlier && KpiReports.WeekValue(totals, kpiId, week) is { } value
            ? Verdict(value > earlier, $"{Count(value)} in {week} against {Count(earlier)} in {lastYear}: should grow")
            : new(KpiStanding.NotChecked, $"nothing stored for {lastYear}, the same week last year");

    private static KpiVerdict DeliveryShare(KpiTotals totals, string week, string field, Func<double, bool> meets, string goal)
    {
        var deliveries = totals.Get(week, KpiBatch.KeptField) + totals.Get(week, KpiBatch.BrokenField);
        if (deliveries == 0)
        {
            return new(KpiStanding.NotChecked, $"no delivery in {week} yet");
        }

        var share = (double)totals.Get(week, field) / deliveries;
        return Verdict(meets(share), $"{Percent(share)} of {Count(deliveries)} deliveries in {week} against {goal}");
    }

    private static KpiVerdict Verdict(bool meets, string check) => new(meets ? KpiStanding.OnGoal : KpiStanding.OffGoal, check);

    private static string Percent(double share) => (share * 100).ToString("0.#", CultureInfo.InvariantCulture) + " %";

    private static string Count(double value) => value.ToString("0", CultureInfo.InvariantCulture);
}
