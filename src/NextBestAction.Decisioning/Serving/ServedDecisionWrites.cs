using System.Globalization;
using NextBestAction.Decisioning.Engine;
using NextBestAction.Profiles;
using StackExchange.Redis;

namespace NextBestAction.Decisioning.Serving;

/// <summary>
/// What a served decision leaves in Redis, queued on the recorder's batch: one script on the customer's slot counts
/// its impressions in the contact history (<see cref="ContactHistoryStore"/>) and keeps its record and explanation in
/// the customer's decisions hash (<see cref="DecisionRecordStore"/>), and one <c>SET</c> names the customer under the decision id.
/// Two operations per decision. Each hash is pruned only once it has grown (impression days older than a week,
/// decisions older than the outcome window), so most writes touch a handful of fields.
/// </summary>
public sealed class ServedDecisionWrites(RedisProfileStore profiles)
{
    /// <summary>
    /// Fields a customer's decisions hash may hold before the write scans it for decisions past the window: about 64
    /// decisions, each with its record and explanation and an outcome or two.
    /// </summary>
    private const int DecisionsPruneAbove = 192;

    private static readonly LuaScript Write = LuaScript.Prepare(
        """
        if @impressions ~= '' then
          for field in string.gmatch(@impressions, '[^\n]+') do
            redis.call('HINCRBY', @contacts, field, 1)
          end
          if redis.call('HLEN', @contacts) > tonumber(@contactsPruneAbove) then
            local oldest = tonumber(@oldestDay)
            for _, field in ipairs(redis.call('HKEYS', @contacts)) do
              if string.sub(field, 1, 2) == 'i:' then
                local day = tonumber(string.sub(field, 3, string.find(field, ':', 3, true) - 1))
                if day ~= nil and day < oldest then
                  redis.call('HDEL', @contacts, field)
                end
              end
            end
          end
          redis.call('PEXPIRE', @contacts, @contactsLifetimeMs)
        end
        redis.call('HSET', @decisions, @recordField, @record, @explanationField, @explanation)
        if redis.call('HLEN', @decisions) > tonumber(@decisionsPruneAbove) then
          -- Names first, then only the records' short values: the explanations are far larger and never needed here.
          local cutoff = tonumber(@cutoffMs)
          local names = redis.call('HKEYS', @decisions)
          local records = {}
          for _, name in ipairs(names) do
            if string.sub(name, 1, 2) == 'r:' then
              records[#records + 1] = name
            end
          end
          local gone = {}
          if #records > 0 then
            local values = redis.call('HMGET', @decisions, unpack(records))
            for i, name in ipairs(records) do
              local at = tonumber(string.match(values[i] or '', '^(%d+)'))
              if at ~= nil and at < cutoff then
                gone[string.sub(name, 3)] = true
                redis.call('HDEL', @decisions, name)
              end
            end
          end
          for _, name in ipairs(names) do
            local id = string.match(name, '^o:([^:]+):') or string.match(name, '^x:(.+)$')
            if id ~= nil and gone[id] then
              redis.call('HDEL', @decisions, name)
            end
          end
        end
        redis.call('PEXPIRE', @decisions, @decisionsLifetimeMs)
        return 1
        """);

    /// <summary>Queues the writes of one served decision on <paramref name="db"/>; <paramref name="shown"/> may be empty.</summary>
    /// <param name="explanation">The decision's <see cref="DecisionExplanation"/> as JSON, kept beside its record.</param>
    public Task QueueAsync(IDatabaseAsync db, DecisionRecord record, IReadOnlyList<(string ActionId, bool Marketing)> shown, string explanation, TimeSpan keepFor)
    {
        ArgumentNullException.ThrowIfNull(record);
        var keys = profiles.Keys;
        var day = ContactHistory.DayNumber(record.At);
        var script = db.ScriptEvaluateAsync(Write, new
        {
            contacts = (RedisKey)keys.Contacts(record.CustomerId),
            impressions = string.Join('\n', ContactHistoryStore.ImpressionFields(shown, day)),
            oldestDay = (day - ContactHistory.WeekDays + 1).ToString(CultureInfo.InvariantCulture),
            contactsPruneAbove = ContactHistoryStore.PruneAbove.ToString(CultureInfo.InvariantCulture),
            contactsLifetimeMs = ((long)ContactHistoryStore.KeyLifetime.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
            decisions = (RedisKey)keys.Decisions(record.CustomerId),
            recordField = DecisionRecordStore.RecordField(record.DecisionId),
            record = DecisionRecordStore.RecordValue(record),
            explanationField = DecisionRecordStore.ExplanationField(record.DecisionId),
            explanation,
            decisionsPruneAbove = DecisionsPruneAbove.ToString(CultureInfo.InvariantCulture),
            cutoffMs = (record.At - keepFor).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            decisionsLifetimeMs = ((long)keepFor.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
        });
        var owner = db.StringSetAsync(keys.DecisionOwner(record.DecisionId), record.CustomerId, keepFor);
        return Task.WhenAll(script, owner);
    }
}
