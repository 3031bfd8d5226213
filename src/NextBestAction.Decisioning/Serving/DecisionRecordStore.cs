using System.Globalization;
using NextBestAction.Profiles;
using StackExchange.Redis;

namespace NextBestAction.Decisioning.Serving;

/// <summary>What the outcome route needs to know about a decision it did not see: whose it was and what was shown.</summary>
public sealed record DecisionRecord(string DecisionId, string CustomerId, IReadOnlyList<string> ActionIds, DateTimeOffset At, string Touchpoint)
{
    /// <summary>Kept by release 1 in a hash of its own outside the customer's slot; its outcomes are stored there too.</summary>
    public bool StoredByRelease1 { get; init; }
}

/// <summary>A decision as the audit route shows it: whose, what was shown and why, and what the customer did.</summary>
public sealed record AuditedDecision(DecisionRecord Record, DecisionExplanation? Explanation, IReadOnlyDictionary<string, string> Outcomes);

/// <summary>The outcome already stored for a decision's action, if any.</summary>
public enum OutcomeWrite
{
    Recorded,
    SameOutcomeAlreadyRecorded,
    OtherOutcomeAlreadyRecorded,
}

/// <summary>
/// Decisions kept for the outcome window, so an outcome can be checked against what was shown and recorded once. Each
/// customer's decisions live in one hash under the customer's hash tag (<see cref="ProfileKeys.Decisions"/>): field
/// <c>r:{decisionId}</c> holds <c>{unix ms}|{touchpoint}|{action ids}</c>, <c>x:{decisionId}</c> its
/// <see cref="DecisionExplanation"/> as JSON, and <c>o:{decisionId}:{actionId}</c> the outcome once reported. A small key per decision (<see cref="ProfileKeys.DecisionOwner"/>, expiring with the window)
/// names the customer, so an outcome is found from the decision id alone. Both are written by
/// <see cref="ServedDecisionWrites"/>.
/// </summary>
public sealed class DecisionRecordStore(RedisProfileStore profiles)
{
    // Release 1's hash per decision, read for outcomes of decisions it made until they pass the outcome window.
    private const string Release1CustomerField = "customer";
    private const string Release1ActionsField = "actions";
    private const string Release1AtField = "at";
    private const string Release1TouchpointField = "touchpoint";

    private ProfileKeys Keys => profiles.Keys;

    /// <summary>The value of a decision's record field: <c>{unix ms}|{touchpoint}|{action ids}</c>.</summary>
    public static string RecordValue(DecisionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return string.Create(CultureInfo.InvariantCulture, $"{record.At.ToUnixTimeMilliseconds()}|{record.Touchpoint}|{string.Join(',', record.ActionIds)}");
    }

    public static string RecordField(string decisionId) => "r:" + decisionId;

    public static string ExplanationField(string decisionId) => "x:" + decisionId;

    /// <summary>
    /// The decision with its explanation and the outcomes reported for its actions, for the audit route; null when
    /// unknown or past the window. Release 1 kept no explanation.
    /// </summary>
    public async Task<AuditedDecision?> GetAuditedAsync(string decisionId) =>
        await GetAsync(decisionId) is { } record ? await AuditAsync(record) : null;

    /// <summary>The same, for a decision whose customer is already known (no look-up of its owner).</summary>
    public async Task<AuditedDecision?> GetAuditedAsync(string decisionId, string customerId) =>
        await ReadRecordAsync(profiles.Database, decisionId, customerId) is { } record ? await AuditAsync(record) : null;

    private async Task<AuditedDecision> AuditAsync(DecisionRecord record)
    {
        var decisionId = record.DecisionId;
        var (key, _) = OutcomeLocation(record, "");
        var fields = record.ActionIds.Select(a => OutcomeLocation(record, a).Field).Prepend(ExplanationField(decisionId)).ToArray();
        var values = await profiles.Database.HashGetAsync(key, fields);
        var outcomes = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < record.ActionIds.Count; i++)
        {
            if (!values[i + 1].IsNull)
            {
                outcomes[record.ActionIds[i]] = values[i + 1]!;
            }
        }

        var explanation = record.StoredByRelease1 ? null : DecisionExplanation.FromJson(values[0]);
        return new AuditedDecision(record, explanation, outcomes);
    }

    /// <summary>The decision, found by its id alone; null when unknown or past the window.</summary>
    public async Task<DecisionRecord?> GetAsync(string decisionId)
    {
        var db = profiles.Database;
        var customerId = (string?)await db.StringGetAsync(Keys.DecisionOwner(decisionId));
        if (customerId is null)
        {
            return await GetRelease1Async(db, decisionId);
        }

        return await ReadRecordAsync(db, decisionId, customerId);
    }

    private async Task<DecisionRecord?> ReadRecordAsync(IDatabaseAsync db, string decisionId, string customerId)
    {
        var value = (string?)await db.HashGetAsync(Keys.Decisions(customerId), RecordField(decisionId));
        if (value?.Split('|', 3) is not [var at, var touchpoint, var actions])
        {
            return null;
        }

        return new DecisionRecord(decisionId, customerId, actions.Length == 0 ? [] : actions.Split(','),
            DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(at, CultureInfo.InvariantCulture)), touchpoint);
    }

    /// <summary>Stores the outcome unless one is already there; says which.</summary>
    public async Task<OutcomeWrite> TryRecordOutcomeAsync(DecisionRecord decision, string actionId, string outcome)
    {
        ArgumentNullException.ThrowIfNull(decision);
        var (key, field) = OutcomeLocation(decision, actionId);
        var db = profiles.Database;
        if (await db.HashSetAsync(key, field, outcome, When.NotExists))
        {
            return OutcomeWrite.Recorded;
        }

        return (string?)await db.HashGetAsync(key, field) == outcome
            ? OutcomeWrite.SameOutcomeAlreadyRecorded
            : OutcomeWrite.OtherOutcomeAlreadyRecorded;
    }

    /// <summary>The explanation kept beside the decision's record; null for release 1's decisions, which kept none.</summary>
    public async Task<DecisionExplanation?> GetExplanationAsync(DecisionRecord decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return decision.StoredByRelease1
            ? null
            : DecisionExplanation.FromJson(await profiles.Database.HashGetAsync(Keys.Decisions(decision.CustomerId), ExplanationField(decision.DecisionId)));
    }

    public async Task<string?> GetOutcomeAsync(DecisionRecord decision, string actionId)
    {
        ArgumentNullException.ThrowIfNull(decision);
        var (key, field) = OutcomeLocation(decision, actionId);
        return await profiles.Database.HashGetAsync(key, field);
    }

    private (RedisKey Key, RedisValue Field) OutcomeLocation(DecisionRecord decision, string actionId) =>
        decision.StoredByRelease1
            ? (Keys.Release1Decision(decision.DecisionId), "outcome:" + actionId)
            : (Keys.Decisions(decision.CustomerId), $"o:{decision.DecisionId}:{actionId}");

    private async Task<DecisionRecord?> GetRelease1Async(IDatabase db, string decisionId)
    {
        var values = await db.HashGetAsync(Keys.Release1Decision(decisionId),
            [Release1CustomerField, Release1ActionsField, Release1AtField, Release1TouchpointField]);
        if (values[0].IsNull)
        {
            return null;
        }

        var actions = values[1].IsNullOrEmpty ? [] : ((string)values[1]!).Split(',');
        return new DecisionRecord(decisionId, values[0]!, actions, DateTimeOffset.FromUnixTimeMilliseconds((long)values[2]),
            (string?)values[3] ?? DecisionService.DefaultTouchpoint)
        {
            StoredByRelease1 = true,
        };
    }

}
