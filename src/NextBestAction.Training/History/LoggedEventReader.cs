using System.Text.Json;
using NextBestAction.Contracts;
using NextBestAction.Decisioning.DecisionLog;

namespace NextBestAction.Training.History;

/// <summary>
/// Reads the decision log's and the feedback topic's CloudEvents for training and evaluation alike: parses and checks
/// each event, counts what it read, skipped and found twice, and keeps the first few problems with where they were read.
/// </summary>
internal sealed class LoggedEventReader(IDecisionLogAccess? access = null)
{
    private const int MaxProblems = 5;

    private readonly HashSet<string> decisionIds = new(StringComparer.Ordinal);
    private readonly List<string> problems = [];

    public long DecisionEvents { get; private set; }

    public long OutcomeEvents { get; private set; }

    /// <summary>Events that could not be read: not JSON, not a CloudEvent, or data of the wrong shape.</summary>
    public long Unreadable { get; private set; }

    /// <summary>Events of other types, skipped.</summary>
    public long Other { get; private set; }

    /// <summary>Sealed records whose customer's key is gone (erased, or past its retention): they can no longer be read.</summary>
    public long Shredded { get; private set; }

    /// <summary>Decisions of customers who object to profiling or whose processing is restricted: left out while that holds.</summary>
    public long Withheld { get; private set; }

    /// <summary>Decisions logged more than once (Kafka redelivery); only the first counts.</summary>
    public int DuplicateDecisions { get; private set; }

    /// <summary>Distinct decisions read.</summary>
    public int Decisions => decisionIds.Count;

    public IReadOnlyList<string> Problems => problems;

    /// <summary>A decision-log record seen for the first time, or null (unreadable, another type, or a repeat; each counted).</summary>
    public DecisionLogRecord? ReadDecision(byte[] json, string where)
    {
        DecisionEvents++;
        if (Envelope(json, where) is not { } envelope)
        {
            return null;
        }

        if (envelope.Type != DecisionLogEvents.EventType)
        {
            Other++;
            return null;
        }

        DecisionLogRecord? record;
        try
        {
            if (envelope.Data.ValueKind != JsonValueKind.Object)
            {
                record = null;
            }
            else if (envelope.Data.TryGetProperty("sealed", out _))
            {
                if (Open(envelope.Data.Deserialize(DecisionLogJsonContext.Default.SealedDecisionLogRecord), where) is not { } opened)
                {
                    return null;
                }

                record = opened;
            }
            else
            {
                // Plain records: synthetic histories from the simulation, and logs written before records were sealed.
                record = envelope.Data.Deserialize(DecisionLogJsonContext.Default.DecisionLogRecord);
            }
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            Problem(where, $"data is not a decision-log record: {ex.Message}");
            return null;
        }

        // Non-nullable in C#, but a foreign or truncated event can still lack them.
        if (record?.DecisionId is null || record.Features is null || record.Candidates is null || record.Chosen is null)
        {
            Problem(where, "data is not a decision-log record (decisionId, features, candidates and chosen are required)");
            return null;
        }

        if (!decisionIds.Add(record.DecisionId))
        {
            DuplicateDecisions++;
            return null;
        }

        if (record.CustomerId is not null && access?.Withheld(record.CustomerId) is not null)
        {
            Withheld++;
            return null;
        }

        return record;
    }

    /// <summary>
    /// An offer outcome (<c>offer.accepted</c>, <c>offer.declined</c> or <c>offer.ignored</c>) naming its decision and action,
    /// or null (unreadable, another type, or an outcome that names no decision and so cannot be joined; each counted).
    /// </summary>
    public (string Type, string DecisionId, string ActionId)? ReadOutcome(byte[] json, string where)
    {
        OutcomeEvents++;
        if (Envelope(json, where) is not { } envelope)
        {
            return null;
        }

        if (envelope.Type is not (EventTypes.OfferAccepted or EventTypes.OfferDeclined or EventTypes.OfferIgnored))
        {
            Other++;
            return null;
        }

        OfferOutcomeData? data;
        try
        {
            data = envelope.Data.ValueKind == JsonValueKind.Object ? envelope.Data.Deserialize(ContractsJsonContext.Default.OfferOutcomeData) : null;
        }
        catch (JsonException ex)
        {
            Problem(where, $"data is not an offer outcome: {ex.Message}");
            return null;
        }

        var invalid = data is null ? "data is missing" : data.Validate();
        if (invalid is not null)
        {
            // An outcome without a decision id (e.g. a channel's own report) cannot be joined to a logged decision.
            Problem(where, $"{envelope.Type} cannot be joined: {invalid}");
            return null;
        }

        return (envelope.Type, data!.DecisionId!, data.ActionId!);
    }

    /// <summary>The sealed record opened with its customer's key; null (counted) when it cannot be.</summary>
    private DecisionLogRecord? Open(SealedDecisionLogRecord? sealedRecord, string where)
    {
        if (sealedRecord?.Subject is null || sealedRecord.Sealed is null || sealedRecord.DecisionId is null)
        {
            Problem(where, "a sealed decision-log record needs decisionId, subject and sealed");
            return null;
        }

        if (access is null)
        {
            Problem(where, "the record is sealed; give --redis so its customer's key can be read");
            return null;
        }

        if (access.KeyOf(sealedRecord.Subject) is not { } key)
        {
            Shredded++;
            return null;
        }

        if (DecisionLogSealing.Open(sealedRecord, key) is not { } record)
        {
            Problem(where, "the sealed record does not open with its customer's key (altered, or sealed with an older key)");
            return null;
        }

        return record;
    }

    private CloudEvent? Envelope(byte[] json, string where)
    {
        try
        {
            if (JsonSerializer.Deserialize(json, ContractsJsonContext.Default.CloudEvent) is { Type: not null } envelope)
            {
                return envelope;
            }

            Problem(where, "not a CloudEvent (type is missing)");
        }
        catch (JsonException ex)
        {
            Problem(where, $"not valid JSON: {ex.Message}");
        }

        return null;
    }

    private void Problem(string where, string problem)
    {
        Unreadable++;
        if (problems.Count < MaxProblems)
        {
            problems.Add($"{where}: {problem}");
        }
    }
}
