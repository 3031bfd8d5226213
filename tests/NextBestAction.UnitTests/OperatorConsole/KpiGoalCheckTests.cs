using NextBestAction.OperatorConsole.Kpis;
using NextBestAction.Profiles.Kpis;

namespace NextBestAction.UnitTests.OperatorConsole;

public sealed class KpiGoalCheckTests
{
    // A Wednesday in ISO week 2026-W49: W48 is the last complete week, W47 the one before, 2025-W48 the same week last year.
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(8, 10, KpiStanding.OnGoal)]
    [InlineData(7, 10, KpiStanding.OffGoal)]
    public void FirstTimeRight_OffBelowEightyPercentOfTheCurrentWeek(long firstTimeRight, long resolved, KpiStanding expected)
    {
        var totals = Totals(("2026-W49", KpiBatch.FirstTimeRightField, firstTimeRight), ("2026-W49", KpiBatch.ResolvedField, resolved));

        var verdict = KpiGoalCheck.Decide(KpiIds.FirstTimeRight, totals, Now);

        Assert.Equal(expected, verdict.Standing);
        Assert.Contains("2026-W49", verdict.Check, StringComparison.Ordinal);
    }

    [Fact]
    public void FirstTimeRight_NoResolvedContact_NotChecked()
    {
        var verdict = KpiGoalCheck.Decide(KpiIds.FirstTimeRight, Totals(("2026-W48", KpiBatch.ResolvedField, 5)), Now);

        Assert.Equal(KpiStanding.NotChecked, verdict.Standing);
    }

    [Theory]
    [InlineData(95, 5, KpiStanding.OnGoal, KpiStanding.OnGoal)]
    [InlineData(94, 6, KpiStanding.OffGoal, KpiStanding.OffGoal)]
    public void Promises_SharesOfTheWeeksDeliveries(long kept, long broken, KpiStanding keptStanding, KpiStanding brokenStanding)
    {
        var totals = Totals(("2026-W49", KpiBatch.KeptField, kept), ("2026-W49", KpiBatch.BrokenField, broken));

        Assert.Equal(keptStanding, KpiGoalCheck.Decide(KpiIds.PromisesKept, totals, Now).Standing);
        Assert.Equal(brokenStanding, KpiGoalCheck.Decide(KpiIds.PromisesBroken, totals, Now).Standing);
    }

    [Fact]
    public void Promises_NoDeliveryThisWeek_NotChecked()
    {
        var totals = Totals(("2026-W48", KpiBatch.BrokenField, 50));

        Assert.Equal(KpiStanding.NotChecked, KpiGoalCheck.Decide(KpiIds.PromisesKept, totals, Now).Standing);
        Assert.Equal(KpiStanding.NotChecked, KpiGoalCheck.Decide(KpiIds.PromisesBroken, totals, Now).Standing);
    }

    [Theory]
    [InlineData(100, KpiStanding.OnGoal)]
    [InlineData(101, KpiStanding.OffGoal)]
    public void ContactMoments_LastCompleteWeekMustNotRise(long lastCompleteWeek, KpiStanding expected)
    {
        // The running week's low count is not what is judged.
        var totals = Totals(
            ("2026-W47", KpiBatch.ContactMomentsField, 100),
            ("2026-W48", KpiBatch.ContactMomentsField, lastCompleteWeek),
            ("2026-W49", KpiBatch.ContactMomentsField, 1));

        var verdict = KpiGoalCheck.Decide(KpiIds.ContactMoments, totals, Now);

        Assert.Equal(expected, verdict.Standing);
        Assert.Contains("2026-W48", verdict.Check, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(201, KpiStanding.OnGoal)]
    [InlineData(200, KpiStanding.OffGoal)]
    public void Orders_LastCompleteWeekMustGrowOnTheSameWeekLastYear(long lastCompleteWeek, KpiStanding expected)
    {
        var totals = Totals(("2025-W48", KpiBatch.OrdersField, 200), ("2026-W48", KpiBatch.OrdersField, lastCompleteWeek));

        Assert.Equal(expected, KpiGoalCheck.Decide(KpiIds.OrdersPerWeek, totals, Now).Standing);
    }

    [Fact]
    public void Counts_NothingToCompareWith_NotChecked()
    {
        var totals = Totals(("2026-W48", KpiBatch.ContactMomentsField, 500), ("2026-W48", KpiBatch.OrdersField, 1));

        Assert.Equal(KpiStanding.NotChecked, KpiGoalCheck.Decide(KpiIds.ContactMoments, totals, Now).Standing);
        Assert.Equal(KpiStanding.NotChecked, KpiGoalCheck.Decide(KpiIds.OrdersPerWeek, totals, Now).Standing);
    }

    [Fact]
    public void EngagedCustomers_QuarterlyGoal_NotChecked()
    {
        var verdict = KpiGoalCheck.Decide(KpiIds.EngagedCustomers, new KpiTotals(new Dictionary<string, long>(), 1_000), Now);

        Assert.Equal(KpiStanding.NotChecked, verdict.Standing);
    }

    [Fact]
    public void EveryComputedKpi_GetsACheckInWords()
    {
        var totals = Totals(("2026-W49", KpiBatch.ResolvedField, 1));

        Assert.All(KpiLibrary.ComputedIds, id => Assert.False(string.IsNullOrWhiteSpace(KpiGoalCheck.Decide(id, totals, Now).Check)));
    }

    private static KpiTotals Totals(params (string Week, string Counter, long Value)[] counters) =>
        new(counters.ToDictionary(c => KpiBatch.Field(c.Week, c.Counter), c => c.Value), 0);
}
