using NextBestAction.Contracts;
using NextBestAction.Decisioning.DecisionLog;
using NextBestAction.Learning.Evaluation;
using NextBestAction.Training.History;

namespace NextBestAction.Training.Evaluation;

/// <summary>A logged decision as the candidate policy sees it: the record, the candidate model's propensity of each
/// logged candidate (in logged order) and the candidate the greedy policy ranks first.</summary>
public sealed record LoggedDecision(DecisionLogRecord Record, IReadOnlyList<double> Propensities, string GreedyActionId);

/// <summary>What reading and joining found.</summary>
public sealed record SampleCounts(
    long DecisionEvents,
    int Decisions,
    int DuplicateDecisions,
    int DecisionsWithoutChoice,
    int ChosenWithoutCandidate,
    long OutcomeEvents,
    int Accepted,
    long UnreadableEvents,
    long OtherEvents,
    int NotLoggedByModel,
    IReadOnlyList<string> Problems)
{
    /// <summary>Sealed decisions whose customer's key is gone (erased): skipped, as erasure intends.</summary>
    public long ShreddedDecisions { get; init; }

    /// <summary>Decisions of customers who object to profiling or whose processing is restricted: skipped.</summary>
    public long WithheldDecisions { get; init; }
}

/// <summary>
/// Turns the decision log and the feedback topic into off-policy samples: one per decision's first slot, its candidates
/// the logged candidates in logged order, the chosen action and its logged probability, and as reward the action's
/// value when an <c>offer.accepted</c> names the decision and action, else 0. The reward model (for DR and the direct
/// method) is the candidate model's propensity x value. The candidate policy ranks like the engine: the logged
/// arbitration's family first (it reads only features, not the model), then propensity x context weight x value x
/// lever, then the action id. Events may come in any order; decisions logged twice count once.
/// </summary>
/// <param name="access">Opens sealed decision-log records; null reads plain records only.</param>
public sealed class LoggedDecisionSamples(IDecisionLogAccess? access = null)
{
    private readonly HashSet<(string DecisionId, string ActionId)> accepted = [];
    private readonly LoggedEventReader reader = new(access);
    private readonly List<DecisionLogRecord> records = [];

    /// <summary>The decisions read so far, once each, in the order read.</summary>
    public IReadOnlyList<DecisionLogRecord> Records => records;

    /// <summary>An event from the feedback topic: acceptances are kept, everything else only counted.</summary>
    public void AddOutcome(byte[] json, string where)
    {
        // A reward of 0 needs no event: every decision without an acceptance gets it.
        if (reader.ReadOutcome(json, where) is { Type: EventTypes.OfferAccepted } outcome)
        {
            accepted.Add((outcome.DecisionId, outcome.ActionId));
        }
    }

    /// <summary>An event from the decision log.</summary>
    public void AddDecision(byte[] json, string where)
    {
        if (reader.ReadDecision(json, where) is { } record)
        {
            records.Add(record);
        }
    }

    /// <summary>The samples for <paramref name="model"/>, with what was read and skipped.</summary>
    /// <param name="model">The candidate model: ranks the candidates and predicts the rewards.</param>
    /// <param name="loggedByModel">When given, counts the decisions it rejects (e.g. logged by another model than the prior).</param>
    public (IReadOnlyList<LoggedSample<LoggedDecision>> Samples, SampleCounts Counts) Build(ICandidatePropensity model, Func<DecisionLogRecord, bool>? loggedByModel = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var samples = new List<LoggedSample<LoggedDecision>>(records.Count);
        int withoutChoice = 0, withoutCandidate = 0, notLoggedByModel = 0;
        foreach (var record in records)
        {
            if (record.Chosen.Count == 0)
            {
                withoutChoice++;
                continue;
            }

            var choice = record.Chosen[0];
            var chosen = -1;
            var propensities = new double[record.Candidates.Count];
            var predicted = new double[record.Candidates.Count];
            for (var i = 0; i < propensities.Length; i++)
            {
                var candidate = record.Candidates[i];
                chosen = candidate.ActionId == choice.ActionId ? i : chosen;
                propensities[i] = model.Propensity(record, candidate);
                predicted[i] = propensities[i] * candidate.Value;
            }

            if (chosen < 0)
            {
                withoutCandidate++;
                continue;
            }

            if (loggedByModel is not null && !loggedByModel(record))
            {
                notLoggedByModel++;
            }

            var reward = accepted.Contains((record.DecisionId, choice.ActionId)) ? record.Candidates[chosen].Value : 0;
            samples.Add(new LoggedSample<LoggedDecision>(
                new LoggedDecision(record, propensities, Greedy(record, propensities)),
                [.. record.Candidates.Select(c => c.ActionId)],
                choice.ActionId,
                choice.Probability,
                reward,
                predicted) { Id = record.DecisionId });
        }

        var counts = new SampleCounts(reader.DecisionEvents, records.Count, reader.DuplicateDecisions, withoutChoice, withoutCandidate, reader.OutcomeEvents,
            accepted.Count, reader.Unreadable, reader.Other, notLoggedByModel, [.. reader.Problems])
        {
            ShreddedDecisions = reader.Shredded,
            WithheldDecisions = reader.Withheld,
        };
        return (samples, counts);
    }

    /// <summary>The candidate policy: greedy, or epsilon spread evenly over the candidates as <c>EpsilonGreedyPolicy</c> does for the first slot.</summary>
    public static ITargetPolicy<LoggedDecision> Policy(double epsilon) => epsilon == 0
        ? TargetPolicy.Deterministic<LoggedDecision>(s => s.Context.GreedyActionId)
        : TargetPolicy.EpsilonGreedy<LoggedDecision>(s => s.Context.GreedyActionId, epsilon);

    /// <summary>The candidate the engine would rank first with these propensities: the arbitrated family, then the score, then the id.</summary>
    public static string Greedy(DecisionLogRecord record, IReadOnlyList<double> propensities)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(propensities);
        var family = record.Arbitration?.Family;
        LoggedCandidate? best = null;
        var bestScore = 0.0;
        for (var i = 0; i < record.Candidates.Count; i++)
        {
            var c = record.Candidates[i];
            // The engine's product, in its order, so equal scores stay equal.
            var score = propensities[i] * c.ContextWeight * c.Value * c.Lever;
            if (best is null || Better(c, score, best, bestScore, family))
            {
                (best, bestScore) = (c, score);
            }
        }

        return best?.ActionId ?? throw new ArgumentException($"decision {record.DecisionId} has no candidates", nameof(record));
    }

    private static bool Better(LoggedCandidate c, double score, LoggedCandidate best, double bestScore, string? family)
    {
        var inFamily = c.Kind == family;
        if (inFamily != (best.Kind == family))
        {
            return inFamily;
        }

        return score != bestScore ? score > bestScore : string.CompareOrdinal(c.ActionId, best.ActionId) < 0;
    }
}
