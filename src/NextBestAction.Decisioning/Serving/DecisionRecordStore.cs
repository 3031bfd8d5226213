using NextBestAction.Profiles;
using StackExchange.Redis;

namespace NextBestAction.Decisioning.Serving;

/// <summary>What the outcome route needs to know about a decision it did not see: whose it was and what was shown.</summary>
public sealed record DecisionRecord(string DecisionId, string CustomerId, IReadOnlyList<string> ActionIds, DateTimeOffset At, string Touchpoint);

/// <summary>The outcome already stored for a decision's action, if any.</summary>
public enum OutcomeWrite
{
    Recorded,
    SameOutcomeAlreadyRecorded,
    OtherOutcomeAlreadyRecorded,
}

/// <summary>
/// Decisions kept for the outcome window in a hash <c>{prefix}:decision:{decisionId}</c> (fields <c>customer</c>,
/// <c>actions</c>, <c>at</c>, and <c>outcome:{actionId}</c> once reported), so an outcome can be checked
/// against what was shown and recorded once.
/// </summary>
public sealed class DecisionRecordStore(RedisProfileStore profiles)
{
    private const string CustomerField = "customer";
    private const string ActionsField = "actions";
    private const string AtField = "at";
    private const string TouchpointField = "touchpoint";

    public Task SaveAsync(IDatabaseAsync db, DecisionRecord record, TimeSpan keepFor)
    {
        var key = Key(record.DecisionId);
        var set = db.HashSetAsync(key,
        [
            new HashEntry(CustomerField, record.CustomerId),
            new HashEntry(ActionsField, string.Join(',', record.ActionIds)),
            new HashEntry(AtField, record.At.ToUnixTimeMilliseconds()),
            new HashEntry(TouchpointField, record.Touchpoint),
        ]);
        return Task.WhenAll(set, db.KeyExpireAsync(key, keepFor));
    }

    public async Task<DecisionRecord?> GetAsync(string decisionId)
    {
        var values = await profiles.Database.HashGetAsync(Key(decisionId), [CustomerField, ActionsField, AtField, TouchpointField]);
        if (values[0].IsNull)
        {
            return null;
        }

        var actions = values[1].IsNullOrEmpty ? [] : ((string)values[1]!).Split(',');
        return new DecisionRecord(decisionId, values[0]!, actions, DateTimeOffset.FromUnixTimeMilliseconds((long)values[2]), (string?)values[3] ?? DecisionService.DefaultTouchpoint);
    }

    /// <summary>Stores the outcome unless one is already there; says which.</summary>
    public async Task<OutcomeWrite> TryRecordOutcomeAsync(string decisionId, string actionId, string outcome)
    {
        var key = Key(decisionId);
        var field = "outcome:" + actionId;
        if (await profiles.Database.HashSetAsync(key, field, outcome, When.NotExists))
        {
            return OutcomeWrite.Recorded;
        }

        return (string?)await profiles.Database.HashGetAsync(key, field) == outcome
            ? OutcomeWrite.SameOutcomeAlreadyRecorded
            : OutcomeWrite.OtherOutcomeAlreadyRecorded;
    }

    public async Task<string?> GetOutcomeAsync(string decisionId, string actionId) =>
        await profiles.Database.HashGetAsync(Key(decisionId), "outcome:" + actionId);

    private RedisKey Key(string decisionId) => $"{profiles.KeyPrefix}:decision:{decisionId}";
}
