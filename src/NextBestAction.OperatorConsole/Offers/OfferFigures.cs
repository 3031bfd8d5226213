using NextBestAction.Decisioning.DecisionLog;
using NextBestAction.Decisioning.Serving;

namespace NextBestAction.OperatorConsole.Offers;

/// <summary>A difference with its 95 % interval.</summary>
public sealed record Estimate(double Value, double Low, double High);

/// <summary>One group's figures for one action: impressions, acceptances, accepted value, and the rates drawn from them.</summary>
public sealed record GroupFigures(long Impressions, long Accepted, double AcceptedValue, double? AcceptanceRate, double? ValuePerImpression);

/// <summary>One action on the Offers screen, all groups together, with the uplift of treatment over the holdout (null: not enough data).</summary>
public sealed record OfferRow(
    string ActionId,
    string Title,
    long Impressions,
    long Accepted,
    double? AcceptanceRate,
    double AcceptedValue,
    double? ValuePerImpression,
    Estimate? Uplift,
    double? ExplorationShare,
    IReadOnlyDictionary<string, GroupFigures> Groups);

/// <summary>The policy as a whole: decisions and value per decision of each group, and treatment's uplift over control (null: not enough data).</summary>
public sealed record PolicyFigures(
    IReadOnlyDictionary<string, long> Decisions,
    IReadOnlyDictionary<string, double?> ValuePerDecision,
    Estimate? Uplift);

public sealed record OfferReport(IReadOnlyList<OfferRow> Rows, PolicyFigures Policy);

/// <summary>
/// The Offers screen's arithmetic, from the sums the offer statistics keep. Value per impression counts an impression
/// that was not accepted as value 0, so its variance comes from the sum and the sum of squares of accepted values alone.
/// Uplifts are differences of means with Welch's standard error and the normal 95 % interval, computed only when both
/// groups have at least <see cref="MinimumPerGroup"/> units.
/// </summary>
public static class OfferFigures
{
    /// <summary>Fewer impressions (or decisions) than this in a group and the normal approximation is not trusted.</summary>
    public const int MinimumPerGroup = 30;

    /// <summary>The two-sided 95 % quantile of the standard normal distribution.</summary>
    public const double Z95 = 1.959963984540054;

    public static IReadOnlyList<string> Groups { get; } = [DecisionGroups.Treatment, DecisionGroups.Control, DecisionGroups.Challenger];

    /// <summary><paramref name="part"/> of <paramref name="whole"/>; null when there is no whole.</summary>
    public static double? Share(double part, long whole) => whole > 0 ? part / whole : null;

    /// <summary>The unbiased variance of <paramref name="n"/> values with the given sum and sum of squares; null below two values.</summary>
    public static double? Variance(long n, double sum, double squares) =>
        n < 2 ? null : Math.Max(0, (squares - (sum * sum / n)) / (n - 1));

    /// <summary>
    /// Mean of the treatment minus mean of the control, each given by its count, sum and sum of squares, with a 95 %
    /// interval from Welch's standard error; null when either group has fewer than <paramref name="minimum"/> units.
    /// </summary>
    public static Estimate? Uplift(
        (long N, double Sum, double Squares) treatment, (long N, double Sum, double Squares) control, int minimum = MinimumPerGroup)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minimum, 2);
        if (treatment.N < minimum || control.N < minimum)
        {
            return null;
        }

        var difference = (treatment.Sum / treatment.N) - (control.Sum / control.N);
        var standardError = Math.Sqrt(
            (Variance(treatment.N, treatment.Sum, treatment.Squares)!.Value / treatment.N)
            + (Variance(control.N, control.Sum, control.Squares)!.Value / control.N));
        return new Estimate(difference, difference - (Z95 * standardError), difference + (Z95 * standardError));
    }

    /// <summary>
    /// The screen's figures: a row for every action of <paramref name="catalog"/> and every other action the statistics
    /// hold (an action since removed), most shown first.
    /// </summary>
    /// <param name="catalog">The live catalog's actions, id and title, in catalog order.</param>
    public static OfferReport Summarize(OfferStatistics statistics, IReadOnlyList<(string Id, string Title)> catalog, int minimum = MinimumPerGroup)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        ArgumentNullException.ThrowIfNull(catalog);
        var titles = catalog.ToDictionary(a => a.Id, a => a.Title, StringComparer.Ordinal);
        var ids = catalog.Select(a => a.Id)
            .Concat(statistics.Actions.Keys.Select(k => k.ActionId).Where(id => !titles.ContainsKey(id)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
        var rows = ids.Select(id => Row(statistics, id, titles.GetValueOrDefault(id, id + " (not in the live catalog)"), minimum))
            .OrderByDescending(r => r.Impressions)
            .ToList();
        return new OfferReport(rows, Policy(statistics, minimum));
    }

    private static OfferRow Row(OfferStatistics statistics, string actionId, string title, int minimum)
    {
        var all = OfferCounts.Zero;
        var groups = new Dictionary<string, GroupFigures>(StringComparer.Ordinal);
        foreach (var group in Groups)
        {
            var c = statistics.Of(group, actionId);
            all = all.Add(c);
            groups[group] = new GroupFigures(c.Impressions, c.Accepted, c.ValueSum, Share(c.Accepted, c.Impressions), Share(c.ValueSum, c.Impressions));
        }

        var treatment = statistics.Of(DecisionGroups.Treatment, actionId);
        var control = statistics.Of(DecisionGroups.Control, actionId);
        var uplift = Uplift(
            (treatment.Impressions, treatment.ValueSum, treatment.ValueSquares), (control.Impressions, control.ValueSum, control.ValueSquares), minimum);
        // Only the model's groups explore; the holdout's catalog order never does, so its impressions are left out.
        var challenger = statistics.Of(DecisionGroups.Challenger, actionId);
        var exploration = Share(treatment.Explored + challenger.Explored, treatment.Impressions + challenger.Impressions);
        return new OfferRow(actionId, title, all.Impressions, all.Accepted, Share(all.Accepted, all.Impressions), all.ValueSum,
            Share(all.ValueSum, all.Impressions), uplift, exploration, groups);
    }

    /// <summary>
    /// Value per decision: every accepted value of the group over its decisions, those that showed nothing included. The
    /// sum of squares is exact while a decision has at most one accepted offer (one slot); with more it understates the spread.
    /// </summary>
    private static PolicyFigures Policy(OfferStatistics statistics, int minimum)
    {
        var decisions = new Dictionary<string, long>(StringComparer.Ordinal);
        var perDecision = new Dictionary<string, double?>(StringComparer.Ordinal);
        var sums = new Dictionary<string, (long N, double Sum, double Squares)>(StringComparer.Ordinal);
        foreach (var group in Groups)
        {
            var n = statistics.Decisions(group);
            var accepted = statistics.Actions.Where(a => a.Key.Group == group).Select(a => a.Value).ToList();
            var sum = accepted.Sum(c => c.ValueSum);
            decisions[group] = n;
            perDecision[group] = Share(sum, n);
            sums[group] = (n, sum, accepted.Sum(c => c.ValueSquares));
        }

        return new PolicyFigures(decisions, perDecision, Uplift(sums[DecisionGroups.Treatment], sums[DecisionGroups.Control], minimum));
    }
}
