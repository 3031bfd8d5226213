using NextBestAction.Contracts;
using NextBestAction.Decisioning.DecisionLog;
using NextBestAction.Decisioning.Models;
using NextBestAction.Training.Customers;
using NextBestAction.Training.History;

namespace NextBestAction.Training.Propensity;

/// <summary>
/// Joins logged decisions with outcomes: one example per chosen action of each <c>decision.logged</c> event, accepted
/// when an <c>offer.accepted</c> names that decision and action. Features are the decision's customer-level values plus
/// the chosen candidate's <c>action.*</c> values and derived features, in the model's order. Events may come in any
/// order; labels are settled in <see cref="Build"/>. Decisions logged twice (Kafka redelivery) count once.
/// </summary>
internal sealed class TrainingSetBuilder
{
    private readonly IReadOnlyList<string> features;
    private readonly bool[] actionLevel;
    private readonly int[] missing;
    private readonly HashSet<(string DecisionId, string ActionId)> accepted = [];
    private readonly HashSet<(string DecisionId, string ActionId)> notAccepted = [];
    private readonly LoggedEventReader reader;
    private readonly List<TrainingExample> examples = [];
    private readonly List<CustomerSnapshot> snapshots = [];
    private int withoutChoice, chosenWithoutCandidate, declined, ignored;

    /// <param name="access">Opens sealed decision-log records; null reads plain records only.</param>
    public TrainingSetBuilder(IReadOnlyList<string> features, IDecisionLogAccess? access = null)
    {
        reader = new LoggedEventReader(access);
        this.features = features;
        actionLevel = [.. features.Select(ModelFeatures.IsActionLevel)];
        missing = new int[features.Count];
    }

    /// <summary>Every distinct logged decision's customer-level features: the customer models' snapshots.</summary>
    public IReadOnlyList<CustomerSnapshot> Snapshots => snapshots;

    /// <summary>An event from the feedback topic: outcomes are kept, other types counted and skipped.</summary>
    public void AddOutcome(byte[] json, string where)
    {
        if (reader.ReadOutcome(json, where) is not { } outcome)
        {
            return;
        }

        var key = (outcome.DecisionId, outcome.ActionId);
        switch (outcome.Type)
        {
            case EventTypes.OfferAccepted:
                accepted.Add(key);
                break;
            case EventTypes.OfferDeclined:
                declined++;
                notAccepted.Add(key);
                break;
            default:
                ignored++;
                notAccepted.Add(key);
                break;
        }
    }

    /// <summary>An event from the decision log: each chosen action becomes an example.</summary>
    public void AddDecision(byte[] json, string where)
    {
        if (reader.ReadDecision(json, where) is not { } record)
        {
            return;
        }

        if (record.CustomerId is not null)
        {
            snapshots.Add(new CustomerSnapshot(record.DecisionId, record.CustomerId, record.At, record.Features));
        }

        if (record.Chosen.Count == 0)
        {
            withoutChoice++;
            return;
        }

        foreach (var choice in record.Chosen)
        {
            var candidate = record.Candidates.FirstOrDefault(c => c.ActionId == choice.ActionId);
            if (candidate is null)
            {
                chosenWithoutCandidate++;
                continue;
            }

            examples.Add(new TrainingExample(record.DecisionId, choice.ActionId, record.At, Values(record, candidate), Accepted: false,
                candidate.Propensity, record.ModelVersion ?? "unknown"));
        }
    }

    /// <summary>Labels every example, orders them by decision time (then id) and holds out the latest decisions.</summary>
    /// <param name="holdoutFraction">Share of decisions, the latest, kept for validation; at least one decision on each side.</param>
    public TrainingSet Build(double holdoutFraction)
    {
        var labelled = examples
            .Select(e => e with { Accepted = accepted.Contains((e.DecisionId, e.ActionId)) })
            .OrderBy(e => e.At)
            .ThenBy(e => e.DecisionId, StringComparer.Ordinal)
            .ToList();

        var decisionStarts = new List<int>();
        for (var i = 0; i < labelled.Count; i++)
        {
            if (i == 0 || labelled[i].DecisionId != labelled[i - 1].DecisionId)
            {
                decisionStarts.Add(i);
            }
        }

        var held = decisionStarts.Count < 2 ? 0 : Math.Clamp((int)Math.Round(holdoutFraction * decisionStarts.Count), 1, decisionStarts.Count - 1);
        var cut = held == 0 ? labelled.Count : decisionStarts[^held];
        var joined = labelled.Select(e => (e.DecisionId, e.ActionId)).ToHashSet();

        var counts = new HistoryCounts
        {
            DecisionEvents = reader.DecisionEvents,
            Decisions = reader.Decisions,
            DuplicateDecisions = reader.DuplicateDecisions,
            DecisionsWithoutChoice = withoutChoice,
            ChosenWithoutCandidate = chosenWithoutCandidate,
            OutcomeEvents = reader.OutcomeEvents,
            Accepted = accepted.Count,
            Declined = declined,
            Ignored = ignored,
            ConflictingOutcomes = accepted.Count(notAccepted.Contains),
            AcceptedWithoutDecision = accepted.Count(a => !joined.Contains(a)),
            UnreadableEvents = reader.Unreadable,
            ShreddedDecisions = reader.Shredded,
            WithheldDecisions = reader.Withheld,
            OtherEvents = reader.Other,
            Rows = labelled.Count,
            Positives = labelled.Count(e => e.Accepted),
            MissingFeatureValues = features.Select((name, i) => (name, missing[i])).Where(m => m.Item2 > 0).ToDictionary(m => m.name, m => m.Item2),
            Problems = [.. reader.Problems],
            LoggedModelVersions = labelled.GroupBy(e => e.LoggedModelVersion, StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count()),
        };
        return new TrainingSet(features, labelled[..cut], labelled[cut..], counts);
    }

    private float[] Values(DecisionLogRecord record, LoggedCandidate candidate)
    {
        var values = new float[features.Count];
        for (var i = 0; i < values.Length; i++)
        {
            var name = features[i];
            double value;
            var found = actionLevel[i]
                ? ModelFeatures.TryDerive(name, candidate.Kind, out value) || (candidate.Features is { } logged && logged.TryGetValue(name, out value))
                : record.Features.TryGetValue(name, out value);
            if (!found)
            {
                missing[i]++;
            }

            // ML.NET's feature vectors are single precision; serving compares in single precision too.
            values[i] = (float)value;
        }

        return values;
    }
}
