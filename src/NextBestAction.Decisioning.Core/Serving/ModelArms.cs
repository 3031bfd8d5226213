using NextBestAction.Contracts;
using NextBestAction.Decisioning.Catalog;
using NextBestAction.Decisioning.DecisionLog;
using NextBestAction.Decisioning.Engine;

namespace NextBestAction.Decisioning.Serving;

/// <summary>A decision with the arm that served it and, when a second model is beside it, that model's shadow decision.</summary>
/// <param name="Served">What is shown, logged and counted.</param>
/// <param name="Shadow">The other model's decision on the same input and seed; never shown, only logged. Null without a challenger.</param>
/// <param name="Group">The experiment group: <see cref="DecisionGroups"/>.</param>
public sealed record ArmedDecision(EngineDecision Served, EngineDecision? Shadow, string Group);

/// <summary>
/// Champion and challenger. Without a challenger model the champion decides alone, as before. With one, a stable share of
/// customers (<see cref="ServesChallenger"/>) is served by the challenger and everyone else by the champion; either way the
/// other model decides the same input with the same exploration seed as a shadow, for the decision log only. The holdout
/// group sees neither model, so it gets no shadow. Pure: the caller reads the challenger model and does the I/O.
/// </summary>
/// <param name="champion">The live engine (over the registry's current model).</param>
/// <param name="engineFor">Builds an engine over a challenger model: the champion's exploration policy, rules and adaptive correction.</param>
/// <param name="trafficShare">Share of customers the challenger serves, 0 (shadow only) to 0.5.</param>
public sealed class ModelArms(DecisionEngine champion, Func<IPropensityModel, DecisionEngine> engineFor, double trafficShare)
{
    private const int Buckets = 10_000;

    private readonly int challengerBuckets = (int)Math.Round(trafficShare * Buckets);

    // The engine of the last challenger model seen: rebuilt only when the registry loads another one.
    private ChallengerEngine? challenger;

    public double TrafficShare => trafficShare;

    /// <param name="challengerModel">The registry's challenger, read once for this decision; null when there is none.</param>
    /// <param name="withShadow">Whether the shadow is wanted (the decision is logged); a dry run skips it.</param>
    public ArmedDecision Decide(DecisionInput input, ActionCatalog catalog, string customerId, IPropensityModel? challengerModel, bool withShadow)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Holdout)
        {
            return new ArmedDecision(champion.Decide(input, catalog), null, DecisionGroups.Control);
        }

        if (challengerModel is null)
        {
            return new ArmedDecision(champion.Decide(input, catalog), null, DecisionGroups.Treatment);
        }

        var challengerEngine = EngineOf(challengerModel);
        var servesChallenger = ServesChallenger(customerId, challengerModel.Version);
        var (serving, shadowing) = servesChallenger ? (challengerEngine, champion) : (champion, challengerEngine);
        var served = serving.Decide(input, catalog);
        // Debug output is for the response, which the shadow never reaches.
        // Only the shadow's picks and probabilities are logged: no debug output, no explanations.
        var shadow = withShadow ? shadowing.Decide(input with { Debug = false, Explain = false }, catalog) : null;
        return new ArmedDecision(served, shadow, servesChallenger ? DecisionGroups.Challenger : DecisionGroups.Treatment);
    }

    /// <summary>
    /// Whether the challenger serves this customer: a hash of the challenger's version and the customer id, so a customer
    /// stays in one arm for the challenger's whole life, on every instance, and each new challenger draws a new share
    /// (customers who saw the last one are not always the ones who see the next).
    /// </summary>
    public bool ServesChallenger(string customerId, string challengerVersion) =>
        challengerBuckets > 0 && (int)(StableHash.Mixed($"challenger:{challengerVersion}:{customerId}") % Buckets) < challengerBuckets;

    private DecisionEngine EngineOf(IPropensityModel model)
    {
        var known = Volatile.Read(ref challenger);
        if (known is not null && ReferenceEquals(known.Model, model))
        {
            return known.Engine;
        }

        // Two threads may both build one after a swap; either engine is equivalent, and the last written stays.
        var built = new ChallengerEngine(model, engineFor(model));
        Volatile.Write(ref challenger, built);
        return built.Engine;
    }

    private sealed record ChallengerEngine(IPropensityModel Model, DecisionEngine Engine);
}
