using NextBestAction.Decisioning.Engine;
using NextBestAction.Decisioning.Models;

namespace NextBestAction.Training.Customers;

/// <summary>The customer-level features a decision logged, at the time it was made.</summary>
internal sealed record CustomerSnapshot(string DecisionId, string CustomerId, DateTimeOffset At, IReadOnlyDictionary<string, double> Features);

/// <summary>
/// One labelled snapshot: the customer's features at a decision, and what they did in the horizon after it: how much they
/// spent (the value label) and whether they ordered at all (no order = lapsed, the churn label). <see cref="LoggedChurnRisk"/>
/// is the churn risk serving used then, the baseline the churn model must beat.
/// </summary>
internal sealed record CustomerExample(string CustomerId, DateTimeOffset At, float[] Features, double Spend, bool Lapsed, double LoggedChurnRisk);

/// <summary>The labelled snapshots split by time (the latest for validation), with what was left out and why.</summary>
internal sealed record CustomerSet(
    IReadOnlyList<string> Features,
    TimeSpan Horizon,
    IReadOnlyList<CustomerExample> Training,
    IReadOnlyList<CustomerExample> Validation,
    int Snapshots,
    int Censored,
    DateTimeOffset? ObservedUntil)
{
    /// <summary>
    /// Every customer-level attribute the decision log records, except the customer models' own outputs: serving computes
    /// them once per decision before any action is looked at.
    /// </summary>
    public static IReadOnlyList<string> FeatureNames { get; } =
        [.. ModelFeatures.All.Where(n => !ModelFeatures.IsActionLevel(n) && !ModelFeatures.Derived.Contains(n) && !CustomerModel.Outputs.Contains(n))];

    /// <summary>
    /// Labels each snapshot whose whole horizon the order history covers; later ones are censored (their future is not known
    /// yet) and left out. Several decisions of one customer within a horizon would give near-copies of one row; only the
    /// first of them is kept, so busy customers do not outweigh the rest.
    /// </summary>
    public static CustomerSet Build(IEnumerable<CustomerSnapshot> snapshots, OrderHistory orders, TimeSpan horizon, double holdoutFraction)
    {
        var all = snapshots.OrderBy(s => s.At).ThenBy(s => s.DecisionId, StringComparer.Ordinal).ToList();
        var until = orders.ObservedUntil;
        var lastKept = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var examples = new List<CustomerExample>();
        var censored = 0;
        foreach (var snapshot in all)
        {
            if (until is null || snapshot.At + horizon > until)
            {
                censored++;
                continue;
            }

            if (lastKept.TryGetValue(snapshot.CustomerId, out var kept) && snapshot.At < kept + horizon)
            {
                continue;
            }

            lastKept[snapshot.CustomerId] = snapshot.At;
            var (count, spend) = orders.Between(snapshot.CustomerId, snapshot.At, snapshot.At + horizon);
            examples.Add(new CustomerExample(
                snapshot.CustomerId,
                snapshot.At,
                [.. FeatureNames.Select(n => (float)snapshot.Features.GetValueOrDefault(n))],
                spend,
                Lapsed: count == 0,
                snapshot.Features.GetValueOrDefault("churn.risk")));
        }

        var held = examples.Count < 2 ? 0 : Math.Clamp((int)Math.Round(holdoutFraction * examples.Count), 1, examples.Count - 1);
        var cut = examples.Count - held;
        return new CustomerSet(FeatureNames, horizon, examples[..cut], examples[cut..], all.Count, censored, until);
    }
}
