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
/// <c>r:{decisionId}</c> holds <c>{unix ms}|{touchpoint}|{action ids}</c>, and <c>o:{decisionId}:{actionId}</c> the
/// outcome once reported. A small key per decision (<see cref="ProfileKeys.DecisionOwner"/>, expiring with the window)
/// names the customer, so an outcome is found from the decision id alone. Decisions older than the window leave the
/// hash when it grows, and the hash expires a window after the customer's last decision.
/// </summary>
public sealed class DecisionRecordStore(RedisProfileStore profiles)
{
    /// <summary>Fields a customer's hash may hold before the save scans it for decisions past the window.</summary>
    private const int PruneAbove = 64;

    private static readonly LuaScript Save = LuaScript.Prepare(
        """
        redis.call('HSET', @key, @field, @record)
        if redis.call('HLEN', @key) > tonumber(@pruneAbove) then
          local cutoff = tonumber(@cutoffMs)
          local fields = redis.call('HGETALL', @key)
          local gone = {}
          for i = 1, #fields, 2 do
            local name = fields[i]
            if string.sub(name, 1, 2) == 'r:' then
              local at = tonumber(string.match(fields[i + 1], '^(%d+)'))
              if at ~= nil and at < cutoff then
                gone[string.sub(name, 3)] = true
                redis.call('HDEL', @key, name)
              end
            end
          end
          for i = 1, #fields, 2 do
            local id = string.match(fields[i], '^o:([^:]+):')
            if id ~= nil and gone[id] then
              redis.call('HDEL', @key, fields[i])
            end
          end
        end
        redis.call('PEXPIRE', @key, @lifetimeMs)
        return 1
        """);

    // Release 1's hash per decision, read for outcomes of decisions it made until they pass the outcome window.
    private const string Release1CustomerField = "customer";
    private const string Release1ActionsField = "actions";
    private const string Release1AtField = "at";
    private const string Release1TouchpointField = "touchpoint";

    private ProfileKeys Keys => profiles.Keys;

    /// <summary>Queues the save of a served decision on <paramref name="db"/> (a batch): its record and its owner key.</summary>
    public Task QueueSave(IDatabaseAsync db, DecisionRecord record, TimeSpan keepFor)
    {
        ArgumentNullException.ThrowIfNull(record);
        var save = db.ScriptEvaluateAsync(Save, new
        {
            key = (RedisKey)Keys.Decisions(record.CustomerId),
            field = RecordField(record.DecisionId),
            record = string.Create(CultureInfo.InvariantCulture, $"{record.At.ToUnixTimeMilliseconds()}|{record.Touchpoint}|{string.Join(',', record.ActionIds)}"),
            pruneAbove = PruneAbove.ToString(CultureInfo.InvariantCulture),
            cutoffMs = (record.At - keepFor).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            lifetimeMs = ((long)keepFor.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
        });
        var owner = db.StringSetAsync(Keys.DecisionOwner(record.DecisionId), record.CustomerId, keepFor);
        return Task.WhenAll(save, owner);
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

    private static RedisValue RecordField(string decisionId) => "r:" + decisionId;
}
