using System.Text.Json;
using System.Text.Json.Serialization;
using NextBestAction.Contracts;
using NextBestAction.Decisioning.Engine;

namespace NextBestAction.Decisioning.DecisionLog;

/// <summary>
/// The <c>decision.logged</c> CloudEvent: its type and source, the record built from an engine decision, and its
/// bytes. The service's publisher and the training simulation write it with the same code.
/// </summary>
public static class DecisionLogEvents
{
    public const string EventType = "decision.logged";
    public const string EventSource = "/nba/decision-api";

    /// <summary>The event with the record in plain text: for synthetic histories (the training simulation), never for the topic.</summary>
    public static byte[] Serialize(DecisionLogRecord record) =>
        JsonSerializer.SerializeToUtf8Bytes(
            new OutgoingCloudEvent<DecisionLogRecord>(record.DecisionId, EventSource, EventType, record.At, record.CustomerId, record),
            DecisionLogJsonContext.Default.OutgoingCloudEventDecisionLogRecord);

    /// <summary>
    /// The event as it goes to <c>nba.decisions</c>: the record sealed with the customer's key, and the customer named
    /// only by <paramref name="subject"/> (also the event's subject), so no personal field is in plain text.
    /// </summary>
    public static byte[] SerializeSealed(DecisionLogRecord record, string subject, ReadOnlySpan<byte> key)
    {
        var sealedRecord = DecisionLogSealing.Seal(record, subject, key);
        return JsonSerializer.SerializeToUtf8Bytes(
            new OutgoingCloudEvent<SealedDecisionLogRecord>(record.DecisionId, EventSource, EventType, record.At, subject, sealedRecord),
            DecisionLogJsonContext.Default.OutgoingCloudEventSealedDecisionLogRecord);
    }

    /// <summary>The record of one served decision: its request's touch point, channel and cart and what the engine decided.</summary>
    public static DecisionLogRecord ToRecord(
        string decisionId,
        string customerId,
        DateTimeOffset at,
        string? touchpoint,
        string? channel,
        IReadOnlyList<EngineCartItem> cart,
        EngineDecision decision,
        bool degraded,
        string modelVersion,
        string catalogVersion,
        string policy,
        string group)
    {
        var scope = new RuleScope(decision.Features);
        // Customer-level attributes never read the action, so the scope needs none here.
        var customerFeatures = FeatureSchema.Customer.Read(scope);

        // In the policy's ranking, each with its probability of being shown first: the logging policy's
        // distribution that off-policy evaluation needs.
        var ranked = decision.Ranked;
        var candidates = new List<LoggedCandidate>(ranked.Count);
        for (var i = 0; i < ranked.Count; i++)
        {
            var c = ranked[i];
            scope.Action = c.Action;
            candidates.Add(new LoggedCandidate(c.Action.Id, c.Action.Kind, c.Propensity, c.ContextWeight, c.Action.Value, c.Action.Lever, c.Score,
                FeatureSchema.Action.Read(scope)) { Probability = decision.FirstSlotProbabilities[i] });
        }

        return new DecisionLogRecord(decisionId, customerId, at, touchpoint, channel, degraded, modelVersion, catalogVersion, policy, cart,
            customerFeatures, decision.Arbitration, candidates, Choices(decision), decision.FilteredCount) { Group = group };
    }

    /// <summary>The shadow part of a record: ids, probabilities and scores only, no feature values (the served candidates carry them).</summary>
    public static ShadowDecision ToShadow(EngineDecision shadow)
    {
        ArgumentNullException.ThrowIfNull(shadow);
        var ranked = shadow.Ranked;
        var candidates = new List<ShadowCandidate>(ranked.Count);
        for (var i = 0; i < ranked.Count; i++)
        {
            var c = ranked[i];
            candidates.Add(new ShadowCandidate(c.Action.Id, c.Propensity, c.Score, shadow.FirstSlotProbabilities[i]));
        }

        return new ShadowDecision(shadow.ModelVersion, candidates, Choices(shadow));
    }

    private static List<LoggedChoice> Choices(EngineDecision decision)
    {
        var picks = decision.Picks;
        var chosen = new List<LoggedChoice>(picks.Count);
        for (var i = 0; i < picks.Count; i++)
        {
            chosen.Add(new LoggedChoice(picks[i].Candidate.Action.Id, i + 1, picks[i].Probability));
        }

        return chosen;
    }
}

/// <summary>Source-generated JSON of the decision log and the offer-outcome events, with the HTTP API's options (camelCase, nulls left out).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(OutgoingCloudEvent<DecisionLogRecord>))]
[JsonSerializable(typeof(OutgoingCloudEvent<SealedDecisionLogRecord>))]
[JsonSerializable(typeof(DecisionLogRecord))]
[JsonSerializable(typeof(SealedDecisionLogRecord))]
[JsonSerializable(typeof(OutgoingCloudEvent<OfferOutcomeData>))]
public sealed partial class DecisionLogJsonContext : JsonSerializerContext;
