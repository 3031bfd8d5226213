using NextBestAction.Decisioning.DecisionLog;
using NextBestAction.Learning.Evaluation;

namespace NextBestAction.Training.Evaluation;

/// <summary>What one group's decisions earned: how many, how many offers were accepted, and the mean reward (EUR per decision).</summary>
/// <param name="Group"><c>treatment</c> or <c>control</c>.</param>
/// <param name="StandardError">Of <paramref name="ValuePerDecision"/>.</param>
internal sealed record GroupOutcome(string Group, int Decisions, int Accepted, double AcceptanceRate, double ValuePerDecision, double StandardError);

/// <summary>
/// The real policy against the control group, measured on what happened rather than estimated: the difference of the mean
/// reward per decision (treatment - control) with a 95% interval (Welch's normal approximation), and the same relative
/// to the control group. The groups are disjoint customer sets picked by hash, so the comparison is a randomised trial.
/// </summary>
internal sealed record HoldoutUplift(GroupOutcome Treatment, GroupOutcome Control, double Uplift, double Lower, double Upper, double? RelativeUplift)
{
    private const double Z95 = 1.959963984540054;

    /// <summary>The uplift, or null when either group has no decisions (no holdout configured).</summary>
    public static HoldoutUplift? From(IReadOnlyList<LoggedSample<LoggedDecision>> samples)
    {
        // Decisions a challenger served are neither: the uplift is the live model's.
        var treatment = Outcome(DecisionGroups.Treatment, samples.Where(s => s.Context.Record.Group == DecisionGroups.Treatment).ToList());
        var control = Outcome(DecisionGroups.Control, samples.Where(s => s.Context.Record.Group == DecisionGroups.Control).ToList());
        if (treatment is null || control is null)
        {
            return null;
        }

        var uplift = treatment.ValuePerDecision - control.ValuePerDecision;
        var error = Math.Sqrt((treatment.StandardError * treatment.StandardError) + (control.StandardError * control.StandardError));
        return new HoldoutUplift(treatment, control, uplift, uplift - (Z95 * error), uplift + (Z95 * error),
            control.ValuePerDecision > 0 ? uplift / control.ValuePerDecision : null);
    }

    /// <summary>What one group's decisions earned, or null when it has none.</summary>
    public static GroupOutcome? Outcome(string group, List<LoggedSample<LoggedDecision>> samples)
    {
        if (samples.Count == 0)
        {
            return null;
        }

        var n = samples.Count;
        var mean = samples.Average(s => s.Reward);
        var error = n > 1 ? Math.Sqrt(samples.Sum(s => (s.Reward - mean) * (s.Reward - mean)) / (n - 1) / n) : 0;
        // Catalog values are positive, so a positive reward is an accepted offer.
        var accepted = samples.Count(s => s.Reward > 0);
        return new GroupOutcome(group, n, accepted, accepted / (double)n, mean, error);
    }
}
