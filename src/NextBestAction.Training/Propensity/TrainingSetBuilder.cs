using System.Text.Json;
using NextBestAction.Contracts;
using NextBestAction.Decisioning.Api;
using NextBestAction.Decisioning.DecisionLog;
using NextBestAction.Decisioning.Models;
using NextBestAction.Training.Customers;

namespace NextBestAction.Training.Propensity;

/// <summary>
/// Joins logged decisions with outcomes: one example per chosen action of each <c>decision.logged</c> event, accepted
/// when an <c>offer.accepted</c> names that decision and action. Features are the decision's customer-level values plus
/// the chosen candidate's <c>action.*</c> values and derived features, in the model's order. Events may come in any
/// order; labels are settled in <see cref="Build"/>. Decisions logged twice (Kafka redelivery) count once.
/// </summary>
internal sealed class TrainingSetBuilder
{
    private const int MaxProblems = 5;

    private readonly IReadOnlyList<string> features;
    private readonly bool[] actionLevel;
    private readonly int[] missing;
    private readonly HashSet<(string DecisionId, string ActionId)> accepted = [];
    private readonly HashSet<(string DecisionId, string ActionId)> notAccepted = [];
    private readonly HashSet<string> decisionIds = new(StringComparer.Ordinal);
    private readonly List<TrainingExample> examples = [];
    private readonly List<CustomerSnapshot> snapshots = [];
    private readonly List<string> problems = [];
    private long decisionEvents, outcomeEvents, unreadable, other;
    private int duplicates, withoutChoice, chosenWithoutCandidate, declined, ignored;

    public TrainingSetBuilder(IReadOnlyList<string> features)
    {
        this.features = features;
        actionLevel = [.. features.Select(ModelFeatures.IsActionLevel)];
        missing = new int[features.Count];
    }

    /// <summary>Every distinct logged decision's customer-level features: the customer models' snapshots.</summary>
    public IReadOnlyList<CustomerSnapshot> Snapshots => snapshots;

    /// <summary>An event from the feedback topic: outcomes are kept, other types counted and skipped.</summary>
    public void AddOutcome(byte[] json, string where)
    {
        outcomeEvents++;
        if (Envelope(json, where) is not { } envelope)
        {
            return;
        }

        if (envelope.Type is not (EventTypes.OfferAccepted or EventTypes.OfferDeclined or EventTypes.OfferIgnored))
        {
            other++;
            return;
        }

        OfferOutcomeData? data;
        try
        {
            data = envelope.Data.ValueKind == JsonValueKind.Object ? envelope.Data.Deserialize(ContractsJsonContext.Default.OfferOutcomeData) : null;
        }
        catch (JsonException ex)
        {
            Problem(where, $"data is not an offer outcome: {ex.Message}");
            return;
        }

        var invalid = data is null ? "data is missing" : data.Validate();
        if (invalid is not null)
        {
            // An outcome without a decision id (e.g. a channel's own report) cannot be joined to a logged decision.
            Problem(where, $"{envelope.Type} cannot be joined: {invalid}");
            return;
        }

        var key = (data!.DecisionId!, data.ActionId!);
        switch (envelope.Type)
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
        decisionEvents++;
        if (Envelope(json, where) is not { } envelope)
        {
            return;
        }

        if (envelope.Type != DecisionLogPublisher.EventType)
        {
            other++;
            return;
        }

        DecisionLogRecord? record;
        try
        {
            record = envelope.Data.ValueKind == JsonValueKind.Object ? envelope.Data.Deserialize(DecisionJsonContext.Default.DecisionLogRecord) : null;
        }
        catch (JsonException ex)
        {
            Problem(where, $"data is not a decision-log record: {ex.Message}");
            return;
        }

        // The record's properties are non-nullable in C#, but a foreign or truncated event can still lack them.
        if (record?.DecisionId is null || record.Features is null || record.Candidates is null || record.Chosen is null)
        {
            Problem(where, "data is not a decision-log record (decisionId, features, candidates and chosen are required)");
            return;
        }

        if (!decisionIds.Add(record.DecisionId))
        {
            duplicates++;
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
            DecisionEvents = decisionEvents,
            Decisions = decisionIds.Count,
            DuplicateDecisions = duplicates,
            DecisionsWithoutChoice = withoutChoice,
            ChosenWithoutCandidate = chosenWithoutCandidate,
            OutcomeEvents = outcomeEvents,
            Accepted = accepted.Count,
            Declined = declined,
            Ignored = ignored,
            ConflictingOutcomes = accepted.Count(notAccepted.Contains),
            AcceptedWithoutDecision = accepted.Count(a => !joined.Contains(a)),
            UnreadableEvents = unreadable,
            OtherEvents = other,
            Rows = labelled.Count,
            Positives = labelled.Count(e => e.Accepted),
            MissingFeatureValues = features.Select((name, i) => (name, missing[i])).Where(m => m.Item2 > 0).ToDictionary(m => m.name, m => m.Item2),
            Problems = [.. problems],
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

    private CloudEvent? Envelope(byte[] json, string where)
    {
        try
        {
            var envelope = JsonSerializer.Deserialize(json, ContractsJsonContext.Default.CloudEvent);
            if (envelope?.Type is null)
            {
                Problem(where, "not a CloudEvent (type is missing)");
                return null;
            }

            return envelope;
        }
        catch (JsonException ex)
        {
            Problem(where, $"not valid JSON: {ex.Message}");
            return null;
        }
    }

    private void Problem(string where, string problem)
    {
        unreadable++;
        if (problems.Count < MaxProblems)
        {
            problems.Add($"{where}: {problem}");
        }
    }
}
