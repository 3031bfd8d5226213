using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using NextBestAction.Decisioning.Catalog;
using NextBestAction.Profiles;

namespace NextBestAction.Decisioning.Engine;

/// <summary>
/// What the engine is asked: everything it needs, already read. The clock is an input too. With
/// <see cref="Explain"/> false the picks come without explanations (<see cref="EngineDecision.Actions"/> stays empty):
/// for a shadow decision that is only logged.
/// </summary>
public sealed record DecisionInput(
    CustomerProfile? Profile,
    ContactHistory Contacts,
    string Touchpoint,
    string Channel,
    IReadOnlyList<EngineCartItem> Cart,
    DateTimeOffset Now,
    int MaxActions,
    bool Debug = false,
    bool ProfileUnavailable = false,
    ulong ExplorationSeed = 0,
    bool Holdout = false,
    bool Explain = true);

/// <summary>An action that passed every filter, with its score parts.</summary>
public sealed record ScoredCandidate(CatalogAction Action, double Propensity, double ContextWeight, double Score)
{
    /// <summary>The model's propensity before the adaptive correction; what the correction's expected counts add up.</summary>
    public double ModelPropensity { get; init; } = Propensity;
}

/// <summary>What the engine decided, with what the decision log needs to replay it.</summary>
public sealed record EngineDecision(
    IReadOnlyList<ChosenAction> Actions,
    Arbitration Arbitration,
    IReadOnlyList<ScoredCandidate> Candidates,
    IReadOnlyList<(ScoredCandidate Candidate, double Probability)> Picks,
    IReadOnlyList<ScoredCandidate> Ranked,
    IReadOnlyList<double> FirstSlotProbabilities,
    DecisionFeatures Features,
    int FilteredCount,
    DecisionDebug? Debug)
{
    /// <summary>The version of the propensity model that scored this decision.</summary>
    public string ModelVersion { get; init; } = "";
}

/// <summary>
/// Picks the next best action. Pure: no I/O, the clock comes in with the input. The funnel is
/// candidates -> validity and channel -> eligibility rules -> suppression -> consent -> contact policy ->
/// scoring (priority = propensity x context weight x value x lever) -> service-versus-bundle arbitration ->
/// exploration policy. Explanations are built only for the actions returned.
/// </summary>
/// <param name="tracing">When given, each stage (eligibility and contact policy, scoring, arbitration) is a span of its own.</param>
/// <param name="arbitrationMode">How service and bundle are weighed before ranking; the hand-written signals by default.</param>
public sealed class DecisionEngine(
    IPropensityModel model, IExplorationPolicy policy, ProfileRules rules, IAdaptiveCorrection? adaptive = null, ActivitySource? tracing = null,
    ArbitrationMode arbitrationMode = ArbitrationMode.Signals)
{
    private const int MaxReasonsFromContributions = 3;
    private const double AdaptiveMinimum = 0.001;
    private const double AdaptiveMaximum = 0.99;

    /// <summary>The explanation's name for what the adaptive correction added to (or took from) the model's propensity.</summary>
    public const string AdaptiveFeature = "adaptive_correction";

    /// <summary>The version of the model a decision starting now would use.</summary>
    public string ModelVersion => CurrentModel.Version;

    /// <summary>A model source that can swap models (the registry) is read once per decision, so one decision uses one model.</summary>
    private IPropensityModel CurrentModel => model is IPropensityModelSource source ? source.Current : model;

    public string PolicyName => policy.Name;

    /// <summary>The policy of the holdout (control) group.</summary>
    public const string HoldoutPolicyName = "holdout-catalog-order";

    private static readonly GreedyPolicy HoldoutPolicy = new();

    public EngineDecision Decide(DecisionInput input, ActionCatalog catalog)
    {
        var model = CurrentModel;
        var features = DecisionFeatures.Compute(input.Profile, input.Contacts, input.Touchpoint, input.Channel, input.Cart, input.Now, catalog, rules);
        var scope = new RuleScope(features);
        model.CustomerModels?.Apply(scope);
        var filtered = input.Debug ? new List<FilteredAction>() : null;
        var filteredCount = 0;
        var candidates = new List<ScoredCandidate>();
        var weights = new ContextWeights(catalog, features.Touchpoint);
        var eligible = new List<CatalogAction>();

        // Indexed loops over the catalog's lists: foreach over IReadOnlyList allocates an enumerator each time.
        var actions = catalog.Actions;
        using (var stage = tracing?.StartActivity("eligibility and contact policy"))
        {
            for (var a = 0; a < actions.Count; a++)
            {
                scope.Action = actions[a];
                if (IsFiltered(scope, catalog, filtered))
                {
                    filteredCount++;
                }
                else
                {
                    eligible.Add(actions[a]);
                }
            }

            stage?.SetTag("nba.actions", actions.Count);
            stage?.SetTag("nba.candidates", eligible.Count);
        }

        using (var stage = tracing?.StartActivity("scoring"))
        {
            for (var a = 0; a < eligible.Count; a++)
            {
                var action = eligible[a];
                scope.Action = action;
                var modelPropensity = model.Predict(scope, null);
                var propensity = Adapt(modelPropensity, features.Touchpoint, action.Id);
                var weight = weights.Of(action.Kind);
                candidates.Add(new ScoredCandidate(action, propensity, weight, propensity * weight * action.Value * action.Lever) { ModelPropensity = modelPropensity });
            }

            stage?.SetTag("nba.model.version", model.Version);
        }

        using var arbitrating = tracing?.StartActivity("arbitration and exploration");
        var arbitration = FamilyArbitration.Decide(features, candidates, scope, arbitrationMode);
        arbitrating?.SetTag("nba.decision.family", arbitration.Family ?? "none");
        var ranked = new List<ScoredCandidate>(candidates);
        var picks = new List<(ScoredCandidate Candidate, double Probability)>(input.MaxActions);
        var firstSlot = new List<double>(ranked.Count);
        if (input.Holdout)
        {
            // The control group sees what a static rules engine would show: eligible actions in catalog order.
            CollectionsMarshal.AsSpan(ranked).Sort(static (x, y) => x.Action.Index.CompareTo(y.Action.Index));
            HoldoutPolicy.Choose(ranked, input.MaxActions, input.ExplorationSeed, picks, firstSlot);
        }
        else
        {
            CollectionsMarshal.AsSpan(ranked).Sort(new RankOrder(arbitration.Family));
            policy.Choose(ranked, input.MaxActions, input.ExplorationSeed, picks, firstSlot);
        }

        var chosen = new List<ChosenAction>(picks.Count);
        // One buffer for the model's shares of every explained action; each explanation is a list of its own.
        List<FeatureContribution>? contributions = null;
        for (var i = 0; input.Explain && i < picks.Count; i++)
        {
            var (candidate, probability) = picks[i];
            scope.Action = candidate.Action;
            chosen.Add(Explain(model, scope, candidate, probability, input, isFirst: chosen.Count == 0, arbitration, contributions ??= []));
        }

        var debug = filtered is null ? null : new DecisionDebug(filtered,
            [.. ranked.Select(c => new RankedAction(c.Action.Id, c.Action.Kind, Round(c.Score), Round(c.Propensity), c.ContextWeight,
                picks.Exists(p => ReferenceEquals(p.Candidate, c))))]);
        return new EngineDecision(chosen, arbitration, candidates, picks, ranked, firstSlot, features, filteredCount, debug) { ModelVersion = model.Version };
    }

    /// <summary>
    /// True when a stage removes the action. The reason is only formatted when debug output collects it
    /// (the null-conditional call skips building its arguments), so the hot path allocates nothing here.
    /// </summary>
    private static bool IsFiltered(RuleScope scope, ActionCatalog catalog, List<FilteredAction>? filtered)
    {
        var action = scope.Action;
        var f = scope.Features;
        if (!action.IsValidAt(f.Now))
        {
            filtered?.Add(new(action.Id, FilterStages.Validity, $"valid from {Format(action.ValidFrom)} to {Format(action.ValidTo)}"));
            return true;
        }

        if (action.Channels is { } channels && !channels.Contains(f.Channel))
        {
            filtered?.Add(new(action.Id, FilterStages.Channel, $"not offered on channel \"{f.Channel}\" (offered on {string.Join(", ", channels.Order(StringComparer.Ordinal))})"));
            return true;
        }

        var eligibility = action.Eligibility;
        for (var i = 0; i < eligibility.Count; i++)
        {
            var rule = eligibility[i];
            if (!rule.Evaluate(scope))
            {
                filtered?.Add(new(action.Id, FilterStages.Eligibility, $"rule not met: {rule.Text}"));
                return true;
            }
        }

        var suppressions = catalog.Suppressions;
        for (var i = 0; i < suppressions.Count; i++)
        {
            var suppression = suppressions[i];
            if (suppression.AppliesToKind(action.Kind) && suppression.When.Evaluate(scope))
            {
                filtered?.Add(new(action.Id, FilterStages.Suppression, $"{suppression.Id}: {suppression.Reason} ({suppression.When.Text})"));
                return true;
            }
        }

        if (action.Marketing && f.MarketingObjected)
        {
            filtered?.Add(new(action.Id, FilterStages.Consent, f.ProcessingRestricted
                ? "marketing: processing of the customer's data is restricted"
                : "marketing: the customer objected to marketing"));
            return true;
        }

        if (action.Marketing && catalog.MarketingConsent == MarketingConsentMode.OptIn && !f.MarketingConsent)
        {
            filtered?.Add(new(action.Id, FilterStages.Consent, "marketing: no recorded marketing consent (the catalog requires opt-in)"));
            return true;
        }

        return IsCapped(scope, catalog, filtered);
    }

    private static bool IsCapped(RuleScope scope, ActionCatalog catalog, List<FilteredAction>? filtered)
    {
        var action = scope.Action;
        var contacts = scope.Features.Contacts;
        var (today, week) = contacts.Shown(action.Id);
        string? reason = null;
        if (action.MaxPerDay is { } perDay && today >= perDay)
        {
            reason = filtered is null ? "" : $"shown {today} time(s) today; the cap is {perDay} per day";
        }
        else if (action.MaxPerWeek is { } perWeek && week >= perWeek)
        {
            reason = filtered is null ? "" : $"shown {week} time(s) in 7 days; the cap is {perWeek} per week";
        }
        else if (action.Marketing && catalog.MaxPerDayOverall is { } overallDay && contacts.OverallToday >= overallDay)
        {
            reason = filtered is null ? "" : $"{contacts.OverallToday} marketing action(s) shown today; the overall cap is {overallDay} per day";
        }
        else if (action.Marketing && catalog.MaxPerWeekOverall is { } overallWeek && contacts.OverallWeek >= overallWeek)
        {
            reason = filtered is null ? "" : $"{contacts.OverallWeek} marketing action(s) shown in 7 days; the overall cap is {overallWeek} per week";
        }
        else if (action.CooldownAfterDecline > TimeSpan.Zero && LastDeclined(scope) is { } declined && scope.Features.Now < declined + action.CooldownAfterDecline)
        {
            reason = filtered is null ? "" : $"declined at {Format(declined)}; cool-down until {Format(declined + action.CooldownAfterDecline)}";
        }

        if (reason is null)
        {
            return false;
        }

        filtered?.Add(new(action.Id, FilterStages.ContactPolicy, reason));
        return true;
    }

    /// <summary>A decline reported through the outcome route (contact history) or through the feedback topic (profile).</summary>
    private static DateTimeOffset? LastDeclined(RuleScope scope)
    {
        var fromHistory = scope.Features.Contacts.LastDeclined(scope.Action.Id);
        var fromProfile = scope.Features.OfferOutcomes.TryGetValue(scope.Action.Id, out var o) ? o.LastDeclinedAt : null;
        return fromHistory > fromProfile || fromProfile is null ? fromHistory : fromProfile;
    }

    /// <summary>The model's propensity times what outcomes since taught about this action here, kept in the model's bounds.</summary>
    private double Adapt(double modelPropensity, string segment, string actionId) =>
        adaptive is null ? modelPropensity : Math.Clamp(modelPropensity * adaptive.Factor(segment, actionId), AdaptiveMinimum, AdaptiveMaximum);

    private static ChosenAction Explain(
        IPropensityModel model,
        RuleScope scope, ScoredCandidate candidate, double probability, DecisionInput input, bool isFirst, Arbitration arbitration,
        List<FeatureContribution> contributions)
    {
        model.Predict(scope, contributions);
        if (candidate.Propensity != candidate.ModelPropensity)
        {
            contributions.Add(new FeatureContribution(AdaptiveFeature, candidate.Propensity - candidate.ModelPropensity));
        }

        var scale = candidate.ContextWeight * candidate.Action.Value * candidate.Action.Lever;
        var explanation = new List<FeatureContribution>(contributions.Count);
        foreach (var c in contributions)
        {
            explanation.Add(c with { Contribution = Round(c.Contribution * scale) });
        }

        var reasons = new List<string>();
        if (isFirst && arbitration.Family is not null)
        {
            reasons.Add(arbitration.Reason);
        }

        Span<int> strongest = stackalloc int[MaxReasonsFromContributions];
        foreach (var i in strongest[..StrongestWithReason(contributions, strongest)])
        {
            reasons.Add(ReasonCodes.Describe(contributions[i].Feature, scope));
        }

        if (reasons.Count == (isFirst && arbitration.Family is not null ? 1 : 0))
        {
            reasons.Add("DEFAULT_OFFER: no stronger signal in profile or cart");
        }

        if (input.ProfileUnavailable)
        {
            reasons.Add("CONTEXT_ONLY: the profile could not be read in time; decided on the request alone");
        }
        else if (scope.Features.ProcessingRestricted)
        {
            reasons.Add("CONTEXT_ONLY: processing of the customer's data is restricted; decided on the request alone");
        }
        else if (scope.Features.ProfilingObjected)
        {
            reasons.Add("CONTEXT_ONLY: the customer objected to profiling; decided on the request alone");
        }

        var a = candidate.Action;
        return new ChosenAction(a.Id, a.Kind, a.Title,
            Score: Round(candidate.Score),
            Propensity: Round(candidate.Propensity),
            Value: a.Value,
            Probability: probability,
            Reasons: reasons,
            Explanation: explanation)
        {
            ProductLine = a.ProductLine,
            BundleProducts = a.BundleProducts.Count > 0 ? a.BundleProducts : null,
            DiscountPercent = a.DiscountPercent > 0 ? a.DiscountPercent : null,
            Price = a.Price,
        };
    }

    /// <summary>
    /// Fills <paramref name="top"/> with the indexes of the largest positive contributions that have a reason text,
    /// largest first, ties in the model's order (as a stable sort would), and returns how many it found.
    /// </summary>
    private static int StrongestWithReason(List<FeatureContribution> contributions, Span<int> top)
    {
        var count = 0;
        for (var i = 0; i < contributions.Count; i++)
        {
            var c = contributions[i];
            if (!(c.Contribution > 0) || !ReasonCodes.Has(c.Feature))
            {
                continue;
            }

            var at = count;
            while (at > 0 && contributions[top[at - 1]].Contribution < c.Contribution)
            {
                at--;
            }

            if (at == top.Length)
            {
                continue;
            }

            count = Math.Min(count + 1, top.Length);
            top[at..(count - 1)].CopyTo(top[(at + 1)..]);
            top[at] = i;
        }

        return count;
    }

    private static double Round(double value) => Math.Round(value, 6);

    /// <summary>The catalog's context weight of each kind at this touch point, looked up once per decision rather than per candidate.</summary>
    private readonly struct ContextWeights(ActionCatalog catalog, string touchpoint)
    {
        private readonly double bundle = catalog.ContextWeight(touchpoint, ActionKinds.Bundle);
        private readonly double service = catalog.ContextWeight(touchpoint, ActionKinds.Service);

        public double Of(string kind) => kind switch
        {
            ActionKinds.Bundle => bundle,
            ActionKinds.Service => service,
            _ => catalog.ContextWeight(touchpoint, kind),
        };
    }

    /// <summary>
    /// The arbitrated family first, then the higher score, then the action id (ordinal). Ids are unique in a catalog,
    /// so the order is total and an unstable sort ranks exactly as a stable one.
    /// </summary>
    private readonly struct RankOrder(string? family) : IComparer<ScoredCandidate>
    {
        public int Compare(ScoredCandidate? x, ScoredCandidate? y)
        {
            var byFamily = (y!.Action.Kind == family).CompareTo(x!.Action.Kind == family);
            if (byFamily != 0)
            {
                return byFamily;
            }

            var byScore = y.Score.CompareTo(x.Score);
            return byScore != 0 ? byScore : string.CompareOrdinal(x.Action.Id, y.Action.Id);
        }
    }

    private static string Format(DateTimeOffset? time) => time?.ToString("u", CultureInfo.InvariantCulture) ?? "any time";
}
