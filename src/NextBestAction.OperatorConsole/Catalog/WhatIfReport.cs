using NextBestAction.Learning.Evaluation;

namespace NextBestAction.OperatorConsole.Catalog;

/// <summary>One action of a catalog's first slot for one decision, with the probability the catalog now shows it first.</summary>
public readonly record struct SlotChoice(string ActionId, double Probability);

/// <summary>
/// One logged decision replayed on today's profile: what the logging policy showed first, with the probability it
/// had of doing so and the reward that followed (the action's value when accepted, else 0), and the first-slot
/// distribution of the live and of the draft catalog for the same customer now (empty: the catalog shows nothing).
/// </summary>
public sealed record ReplayedDecision(
    string LoggedAction,
    double LoggingProbability,
    double Reward,
    IReadOnlyList<SlotChoice> Live,
    IReadOnlyList<SlotChoice> Draft);

/// <summary>How often an action would be shown first, under each catalog, as a share of the replayed decisions.</summary>
public sealed record OfferMixRow(string ActionId, double LiveShare, double DraftShare)
{
    public double Change => DraftShare - LiveShare;
}

/// <summary>Customers whose most likely first offer moves from one action to another (<see cref="WhatIf.Nothing"/>: no offer).</summary>
public sealed record OfferTransition(string From, string To, int Customers);

/// <summary>An off-policy estimate of a catalog's value per decision (EUR) with its 95% interval.</summary>
/// <param name="Matched">Logged decisions whose shown action the catalog could show first; only they carry weight.</param>
/// <param name="EffectiveSampleSize">How many on-policy decisions the estimate is worth.</param>
public sealed record PolicyValue(double Value, double Lower, double Upper, int Matched, double EffectiveSampleSize);

/// <summary>What a draft would change against the live catalog on the replayed decisions.</summary>
/// <param name="LoggedValue">The mean reward the served decisions actually earned, for reference.</param>
/// <param name="Difference">Draft minus live, paired decision by decision, with its interval; null when not estimable.</param>
/// <param name="EstimateProblem">Why no estimate could be made (no decision the draft or live catalog could have shown), if so.</param>
public sealed record WhatIfReport(
    int Decisions,
    IReadOnlyList<OfferMixRow> Mix,
    int GainAnOffer,
    int LoseTheirOffer,
    int ChangeOffer,
    IReadOnlyList<OfferTransition> Transitions,
    double LoggedValue,
    PolicyValue? Live,
    PolicyValue? Draft,
    PolicyValue? Difference,
    string? EstimateProblem);

/// <summary>
/// The what-if's arithmetic, pure: the offer mix of each catalog (expected first-slot shares, exploration included),
/// who gains, loses or changes their most likely first offer, and each catalog's value per decision by self-normalised
/// inverse propensity scoring on the logged rewards, the estimator the quality benchmark checks against the true value.
/// </summary>
public static class WhatIf
{
    /// <summary>The "action" of a catalog that shows nothing first.</summary>
    public const string Nothing = "(no offer)";

    public static WhatIfReport Compare(IReadOnlyList<ReplayedDecision> decisions)
    {
        ArgumentNullException.ThrowIfNull(decisions);
        var n = decisions.Count;
        var live = new Dictionary<string, double>(StringComparer.Ordinal);
        var draft = new Dictionary<string, double>(StringComparer.Ordinal);
        var transitions = new Dictionary<(string, string), int>();
        int gain = 0, lose = 0, change = 0;
        foreach (var decision in decisions)
        {
            AddShares(live, decision.Live);
            AddShares(draft, decision.Draft);
            var (from, to) = (MostLikely(decision.Live), MostLikely(decision.Draft));
            if (from == to)
            {
                continue;
            }

            if (from == Nothing)
            {
                gain++;
            }
            else if (to == Nothing)
            {
                lose++;
            }
            else
            {
                change++;
            }

            transitions[(from, to)] = transitions.GetValueOrDefault((from, to)) + 1;
        }

        var mix = live.Keys.Union(draft.Keys)
            .Select(a => new OfferMixRow(a, n == 0 ? 0 : live.GetValueOrDefault(a) / n, n == 0 ? 0 : draft.GetValueOrDefault(a) / n))
            .OrderByDescending(r => Math.Max(r.LiveShare, r.DraftShare)).ThenBy(r => r.ActionId, StringComparer.Ordinal)
            .ToList();
        var moves = transitions.Select(t => new OfferTransition(t.Key.Item1, t.Key.Item2, t.Value))
            .OrderByDescending(t => t.Customers).ThenBy(t => t.From, StringComparer.Ordinal).ThenBy(t => t.To, StringComparer.Ordinal)
            .ToList();
        var logged = n == 0 ? 0 : decisions.Average(d => d.Reward);
        var (liveValue, draftValue, difference, problem) = Estimate(decisions);
        return new WhatIfReport(n, mix, gain, lose, change, moves, logged, liveValue, draftValue, difference, problem);
    }

    /// <summary>The catalog's most likely first action; ties go to the first listed (the higher ranked).</summary>
    public static string MostLikely(IReadOnlyList<SlotChoice> slot)
    {
        ArgumentNullException.ThrowIfNull(slot);
        var best = Nothing;
        var bestProbability = 0.0;
        foreach (var choice in slot)
        {
            if (choice.Probability > bestProbability)
            {
                (best, bestProbability) = (choice.ActionId, choice.Probability);
            }
        }

        return best;
    }

    private static void AddShares(Dictionary<string, double> shares, IReadOnlyList<SlotChoice> slot)
    {
        if (slot.Count == 0)
        {
            shares[Nothing] = shares.GetValueOrDefault(Nothing) + 1;
            return;
        }

        foreach (var choice in slot)
        {
            shares[choice.ActionId] = shares.GetValueOrDefault(choice.ActionId) + choice.Probability;
        }
    }

    private static (PolicyValue? Live, PolicyValue? Draft, PolicyValue? Difference, string? Problem) Estimate(IReadOnlyList<ReplayedDecision> decisions)
    {
        if (decisions.Count == 0)
        {
            return (null, null, null, "there are no logged decisions to replay");
        }

        // Candidates of a sample: every action either catalog may show first, the logged one, and "nothing".
        var samples = decisions.Select(d => new LoggedSample<ReplayedDecision>(
            d,
            [.. d.Live.Select(c => c.ActionId).Union(d.Draft.Select(c => c.ActionId)).Append(d.LoggedAction).Append(Nothing).Distinct(StringComparer.Ordinal)],
            d.LoggedAction,
            d.LoggingProbability,
            d.Reward)).ToList();
        (OffPolicyEvaluation? Evaluation, PolicyValue? Value) live, draft;
        try
        {
            live = Evaluate(samples, s => s.Live);
            draft = Evaluate(samples, s => s.Draft);
        }
        catch (OffPolicyDataException ex)
        {
            return (null, null, null, "the logged decisions cannot be evaluated: " + ex.Message);
        }

        if (live.Value is null || draft.Value is null)
        {
            var which = live.Value is null && draft.Value is null ? "neither catalog" : live.Value is null ? "the live catalog" : "the draft";
            return (live.Value, draft.Value, null,
                $"no logged decision showed an offer that {which} could show first, so its value cannot be estimated from these decisions");
        }

        var difference = draft.Evaluation!.DifferenceFrom(live.Evaluation!, OffPolicyMethod.SelfNormalizedIps);
        return (live.Value, draft.Value,
            new PolicyValue(difference.Value, difference.Interval.Lower, difference.Interval.Upper, Math.Min(live.Value.Matched, draft.Value.Matched),
                Math.Min(live.Value.EffectiveSampleSize, draft.Value.EffectiveSampleSize)),
            null);
    }

    /// <summary>The catalog's evaluation and its estimate; no estimate when no logged offer is one it could show (every weight is 0).</summary>
    private static (OffPolicyEvaluation? Evaluation, PolicyValue? Value) Evaluate(
        List<LoggedSample<ReplayedDecision>> samples, Func<ReplayedDecision, IReadOnlyList<SlotChoice>> slotOf)
    {
        var evaluation = OffPolicyEvaluation.Create(samples, TargetPolicy.FromDistribution<ReplayedDecision>(s => Distribution(s, slotOf(s.Context))));
        if (evaluation.Ips().MatchedCount == 0)
        {
            return (evaluation, null);
        }

        var estimate = evaluation.SelfNormalizedIps();
        return (evaluation, new PolicyValue(estimate.Value, estimate.Interval.Lower, estimate.Interval.Upper, estimate.MatchedCount, estimate.EffectiveSampleSize));
    }

    private static double[] Distribution(LoggedSample<ReplayedDecision> sample, IReadOnlyList<SlotChoice> slot)
    {
        var probabilities = new double[sample.Candidates.Count];
        if (slot.Count == 0)
        {
            probabilities[IndexOf(sample, Nothing)] = 1;
            return probabilities;
        }

        foreach (var choice in slot)
        {
            probabilities[IndexOf(sample, choice.ActionId)] += choice.Probability;
        }

        return probabilities;
    }

    private static int IndexOf(LoggedSample<ReplayedDecision> sample, string actionId)
    {
        for (var i = 0; i < sample.Candidates.Count; i++)
        {
            if (string.Equals(sample.Candidates[i], actionId, StringComparison.Ordinal))
            {
                return i;
            }
        }

        throw new InvalidOperationException($"\"{actionId}\" is not among the sample's candidates");
    }
}
