using System.Globalization;
using System.Text;
using NextBestAction.Decisioning.DecisionLog;
using NextBestAction.Learning.Evaluation;

namespace NextBestAction.Training.Evaluation;

/// <summary>
/// The challenger beside the champion on the same logged decisions: both policies' off-policy estimates, the paired
/// difference (challenger - champion) per estimator, what each arm really earned where the challenger served a share of
/// traffic, and a sentence saying which arm the evidence favours. For a person deciding on promotion.
/// </summary>
internal sealed record ChallengerComparison
{
    /// <summary>The estimator the verdict reads: unbiased when either the logged probabilities or the reward model are right, and the tightest of those.</summary>
    public const string VerdictMethod = "DR";

    public required string Champion { get; init; }

    public required string Challenger { get; init; }

    /// <summary>The challenger policy's IPS, SNIPS, DR and DM (the champion's are the report's <c>estimates</c>).</summary>
    public required IReadOnlyList<PolicyValue> Estimates { get; init; }

    /// <summary>Challenger - champion per estimator, paired over the same decisions.</summary>
    public required IReadOnlyList<PolicyDifference> Differences { get; init; }

    /// <summary>What each arm earned on the decisions it served; null when the log holds no challenger-served decisions.</summary>
    public ArmOutcomes? Arms { get; init; }

    /// <summary>Logged decisions carrying this challenger's shadow decision, i.e. made while it ran beside the champion.</summary>
    public required int ShadowDecisions { get; init; }

    /// <summary>Which arm the evidence favours, and whether the interval excludes 0.</summary>
    public required string Verdict { get; init; }

    /// <exception cref="OffPolicyDataException">A sample is invalid, or no logged action matches a policy.</exception>
    public static ChallengerComparison Compare(
        IReadOnlyList<LoggedSample<LoggedDecision>> champion, IReadOnlyList<LoggedSample<LoggedDecision>> challenger,
        string championName, string challengerName, double epsilon, OffPolicyOptions options)
    {
        var policy = LoggedDecisionSamples.Policy(epsilon);
        var championEvaluation = OffPolicyEvaluation.Create(champion, policy, options);
        var challengerEvaluation = OffPolicyEvaluation.Create(challenger, policy, options);
        var methods = new[] { OffPolicyMethod.Ips, OffPolicyMethod.SelfNormalizedIps, OffPolicyMethod.DoublyRobust, OffPolicyMethod.DirectMethod };
        var differences = methods.Select(m => PolicyDifference.From(challengerEvaluation.DifferenceFrom(championEvaluation, m))).ToList();
        var arms = ArmOutcomes.From(challenger, championName, challengerName);
        return new ChallengerComparison
        {
            Champion = championName,
            Challenger = challengerName,
            Estimates = [.. challengerEvaluation.EstimateAll().Select(PolicyValue.From)],
            Differences = differences,
            Arms = arms,
            ShadowDecisions = challenger.Count(s => s.Context.Record.Shadow?.ModelVersion == challengerName),
            Verdict = VerdictOf(differences.Single(d => d.Method == VerdictMethod), arms, championName, challengerName),
        };
    }

    private static string VerdictOf(PolicyDifference estimate, ArmOutcomes? arms, string champion, string challenger)
    {
        var text = new StringBuilder(Sentence(
            $"Off-policy, by {estimate.Method}: the challenger {challenger} earns {estimate.Value:+0.0000;-0.0000} EUR per decision against the champion {champion}",
            estimate.Value, estimate.Lower, estimate.Upper, challenger, champion));
        if (arms is not null)
        {
            text.Append(' ').Append(Sentence(
                $"Measured on the traffic it served: the challenger's arm earned {arms.Difference:+0.0000;-0.0000} EUR per decision against the champion's",
                arms.Difference, arms.Lower, arms.Upper, challenger, champion));
        }

        return text.ToString();
    }

    private static string Sentence(FormattableString what, double value, double lower, double upper, string challenger, string champion)
    {
        var interval = string.Create(CultureInfo.InvariantCulture, $"95% interval {lower:0.0000} .. {upper:0.0000}");
        var start = what.ToString(CultureInfo.InvariantCulture);
        if (lower > 0 || upper < 0)
        {
            var favoured = value > 0 ? $"the challenger {challenger}" : $"the champion {champion}";
            return $"{start} ({interval}, which excludes 0): the evidence favours {favoured}.";
        }

        return $"{start} ({interval}, which includes 0): the evidence does not yet favour either arm.";
    }

    /// <summary>The report's "Champion and challenger" section.</summary>
    public void Render(StringBuilder md, int samples, IReadOnlyList<PolicyValue> championEstimates)
    {
        Line(md);
        Line(md, $"## Champion and challenger");
        Line(md);
        Line(md, $"Both policies on the same {samples} decisions; the difference is challenger - champion, paired decision by decision. {ShadowDecisions} decisions were logged with {Challenger}'s shadow decision.");
        Line(md);
        Line(md, $"| Estimator | Champion {Champion} | Challenger {Challenger} | Difference | 95% interval of the difference | Excludes 0 |");
        Line(md, $"|---|---:|---:|---:|---:|---|");
        foreach (var d in Differences)
        {
            var championValue = championEstimates.Single(e => e.Method == d.Method).Value;
            var challengerValue = Estimates.Single(e => e.Method == d.Method).Value;
            Line(md, $"| {d.Method} | {championValue:0.0000} | {challengerValue:0.0000} | {d.Value:+0.0000;-0.0000} | {d.Lower:0.0000} .. {d.Upper:0.0000} | {(d.ExcludesZero ? "yes" : "no")} |");
        }

        if (Arms is { } arms)
        {
            Line(md);
            Line(md, $"Measured on the traffic each arm served (its own customers, chosen by hash):");
            Line(md);
            Line(md, $"| Arm | Decisions | Accepted | Acceptance rate | Value per decision | Std. error |");
            Line(md, $"|---|---:|---:|---:|---:|---:|");
            foreach (var g in new[] { arms.Champion, arms.Challenger })
            {
                Line(md, $"| {g.Group} | {g.Decisions} | {g.Accepted} | {g.AcceptanceRate:0.0000} | {g.ValuePerDecision:0.0000} | {g.StandardError:0.0000} |");
            }
        }

        Line(md);
        Line(md, $"{Verdict}");
    }

    private static void Line(StringBuilder md, FormattableString text) => md.Append(text.ToString(CultureInfo.InvariantCulture)).Append('\n');

    private static void Line(StringBuilder md) => md.Append('\n');
}

/// <summary>Challenger - champion by one estimator, with its paired 95% interval.</summary>
internal sealed record PolicyDifference(string Method, double Value, double StandardError, double Lower, double Upper, bool ExcludesZero)
{
    public static PolicyDifference From(OffPolicyDifference difference) => new(
        PolicyValue.NameOf(difference.Method), difference.Value, difference.StandardError, difference.Interval.Lower, difference.Interval.Upper, difference.ExcludesZero);
}

/// <summary>
/// The realised, on-policy value of each arm where the challenger served a share of customers: the champion's arm is the
/// treatment decisions its model logged, the challenger's the <c>challenger</c> group's its model logged. The arms are
/// disjoint customer sets chosen by hash, so their difference (Welch's normal interval) is a randomised comparison.
/// </summary>
internal sealed record ArmOutcomes(GroupOutcome Champion, GroupOutcome Challenger, double Difference, double Lower, double Upper, bool ExcludesZero)
{
    private const double Z95 = 1.959963984540054;

    public static ArmOutcomes? From(IReadOnlyList<LoggedSample<LoggedDecision>> samples, string champion, string challenger)
    {
        var championArm = HoldoutUplift.Outcome("champion", [.. samples.Where(s => s.Context.Record is { Group: DecisionGroups.Treatment } r && r.ModelVersion == champion)]);
        var challengerArm = HoldoutUplift.Outcome("challenger", [.. samples.Where(s => s.Context.Record is { Group: DecisionGroups.Challenger } r && r.ModelVersion == challenger)]);
        if (championArm is null || challengerArm is null)
        {
            return null;
        }

        var difference = challengerArm.ValuePerDecision - championArm.ValuePerDecision;
        var error = Math.Sqrt((championArm.StandardError * championArm.StandardError) + (challengerArm.StandardError * challengerArm.StandardError));
        var (lower, upper) = (difference - (Z95 * error), difference + (Z95 * error));
        return new ArmOutcomes(championArm, challengerArm, difference, lower, upper, lower > 0 || upper < 0);
    }
}
