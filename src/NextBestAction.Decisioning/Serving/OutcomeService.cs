using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Options;
using NextBestAction.Contracts;
using NextBestAction.Decisioning.Catalog;
using NextBestAction.Decisioning.DecisionLog;
using NextBestAction.Kafka;
using NextBestAction.ServiceDefaults;
using NextBestAction.Telemetry;

namespace NextBestAction.Decisioning.Serving;

/// <summary>Body of <c>POST /v1/decisions/{decisionId}/outcome</c>.</summary>
public sealed record OutcomeRequest(string? ActionId, string? Outcome);

public sealed record OutcomeResponse(string DecisionId, string ActionId, string Outcome, bool AlreadyRecorded);

/// <summary>What became of an outcome report.</summary>
public enum OutcomeResult
{
    Recorded,
    AlreadyRecorded,
    UnknownDecision,
    ActionNotInDecision,
    ConflictingOutcome,
}

/// <summary>
/// Records what the customer did with an offer. A decline starts the action's cool-down in the contact history
/// at once; every outcome is also published to the feedback topic (<c>offer.accepted</c>, <c>offer.declined</c>,
/// <c>offer.ignored</c>) so the profile and the learning loop see it like outcomes reported by other channels.
/// The event id is derived from decision and action, so a retried report is a duplicate downstream too. An acceptance
/// is also counted, with the offer's value, in the offer statistics of the decision's day and group.
/// </summary>
public sealed class OutcomeService(
    DecisionRecordStore records,
    ContactHistoryStore contactHistory,
    IProducer<string, byte[]> producer,
    IOptions<KafkaOptions> kafka,
    NbaTelemetry telemetry,
    TimeProvider clock,
    DecisionRecorder recorder,
    OfferStatisticsStore offerStatistics,
    CatalogProvider catalogs,
    AdaptiveStore? adaptive = null)
{
    public const string Accepted = "accepted";
    public const string Declined = "declined";
    public const string Ignored = "ignored";
    public const string EventSource = "/nba/decision-api/outcomes";

    public static IReadOnlyList<string> All { get; } = [Accepted, Declined, Ignored];

    public async Task<OutcomeResult> RecordAsync(string decisionId, string actionId, string outcome, CancellationToken cancellationToken)
    {
        var decision = await records.GetAsync(decisionId);
        if (decision is null)
        {
            // Reported the moment the response arrived: the record may still be on its way to Redis.
            await recorder.WaitUntilWrittenAsync(decisionId, cancellationToken);
            decision = await records.GetAsync(decisionId);
        }

        if (decision is null)
        {
            return OutcomeResult.UnknownDecision;
        }

        if (!decision.ActionIds.Contains(actionId))
        {
            return OutcomeResult.ActionNotInDecision;
        }

        var existing = await records.GetOutcomeAsync(decision, actionId);
        if (existing is not null)
        {
            return existing == outcome ? OutcomeResult.AlreadyRecorded : OutcomeResult.ConflictingOutcome;
        }

        var now = clock.GetUtcNow();
        // Published before it is stored: a failed publish leaves nothing stored, so the caller's retry goes through.
        await PublishAsync(decision.CustomerId, decisionId, actionId, outcome, now, cancellationToken);
        if (outcome == Declined)
        {
            await contactHistory.RecordDeclineAsync(decision.CustomerId, actionId, now);
        }

        var write = await records.TryRecordOutcomeAsync(decision, actionId, outcome);
        if (write == OutcomeWrite.OtherOutcomeAlreadyRecorded)
        {
            return OutcomeResult.ConflictingOutcome;
        }

        if (write == OutcomeWrite.Recorded && outcome == Accepted)
        {
            await CountAcceptedAsync(decision, actionId);
            if (adaptive is not null)
            {
                await adaptive.RecordAcceptedAsync(decision.Touchpoint, actionId);
            }
        }

        telemetry.Outcomes.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        return write == OutcomeWrite.Recorded ? OutcomeResult.Recorded : OutcomeResult.AlreadyRecorded;
    }

    /// <summary>
    /// The acceptance in the offer statistics, under the group the explanation names and at the value the decision showed
    /// (the live catalog's when the explanation lacks the action). Release 1's decisions kept no explanation and were
    /// never counted as impressions, so their acceptances are not counted either.
    /// </summary>
    private async Task CountAcceptedAsync(DecisionRecord decision, string actionId)
    {
        if (await records.GetExplanationAsync(decision) is not { } explanation)
        {
            return;
        }

        var value = explanation.Actions.FirstOrDefault(a => a.ActionId == actionId)?.Value
            ?? catalogs.Current.ById.GetValueOrDefault(actionId)?.Value
            ?? 0;
        await offerStatistics.RecordAcceptedAsync(decision.At, explanation.Group, actionId, value);
    }

    private Task<DeliveryResult<string, byte[]>> PublishAsync(string customerId, string decisionId, string actionId, string outcome, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var type = outcome switch
        {
            Accepted => EventTypes.OfferAccepted,
            Declined => EventTypes.OfferDeclined,
            _ => EventTypes.OfferIgnored,
        };
        var envelope = new OutgoingCloudEvent<OfferOutcomeData>($"{decisionId}:{actionId}", EventSource, type, at, customerId, new OfferOutcomeData(decisionId, actionId));
        var value = JsonSerializer.SerializeToUtf8Bytes(envelope, DecisionLogJsonContext.Default.OutgoingCloudEventOfferOutcomeData);
        using var send = KafkaTracing.StartSend(telemetry.ActivitySource, kafka.Value.Topics.Feedback);
        return producer.ProduceAsync(kafka.Value.Topics.Feedback, new Message<string, byte[]> { Key = customerId, Value = value, Headers = KafkaTracing.Inject(send) }, cancellationToken);
    }
}
