using System.Globalization;
using NextBestAction.Decisioning.Engine;
using NextBestAction.Profiles;
using StackExchange.Redis;

namespace NextBestAction.Decisioning.Serving;

/// <summary>
/// The contact history of each customer in one Redis hash next to the profile (same hash tag): impression
/// counters per action per UTC day (<c>i:{day}:{actionId}</c>, <c>i:{day}:*</c> for marketing overall) and the
/// last decline per action (<c>d:{actionId}</c>, Unix seconds). A script increments and, once the hash has grown
/// past a few dozen fields, prunes days older than a week in the same step (readers ignore old days anyway, so
/// pruning only bounds the size); the key expires after a month without contact.
/// </summary>
public sealed class ContactHistoryStore(RedisProfileStore profiles)
{
    /// <summary>Longer than the longest cool-down a catalog may set, so a decline is remembered for it.</summary>
    public static readonly TimeSpan KeyLifetime = TimeSpan.FromHours(Catalog.CatalogLoader.MaxCooldownHours + 24);

    /// <summary>Fields a hash may hold before the script scans it for old days; most customers never get there.</summary>
    private const int PruneAbove = 48;

    private static readonly LuaScript Increment = LuaScript.Prepare(
        """
        local oldest = tonumber(@oldestDay)
        for field in string.gmatch(@fields, '[^\n]+') do
          redis.call('HINCRBY', @key, field, 1)
        end
        if redis.call('HLEN', @key) > tonumber(@pruneAbove) then
          for _, field in ipairs(redis.call('HKEYS', @key)) do
            if string.sub(field, 1, 2) == 'i:' then
              local day = tonumber(string.sub(field, 3, string.find(field, ':', 3, true) - 1))
              if day ~= nil and day < oldest then
                redis.call('HDEL', @key, field)
              end
            end
          end
        end
        redis.call('PEXPIRE', @key, @lifetimeMs)
        return 1
        """);

    /// <summary>Queues the read on <paramref name="db"/>; turn the result into the history with <c>ContactHistory.FromEntries</c> (<see cref="ContactHistoryEntries"/>).</summary>
    public Task<HashEntry[]> QueueRead(IDatabaseAsync db, string customerId) => db.HashGetAllAsync(profiles.Keys.Contacts(customerId));

    /// <summary>Counts one impression of each shown action, and one overall per marketing action.</summary>
    public Task RecordImpressionsAsync(IDatabaseAsync db, string customerId, IReadOnlyList<(string ActionId, bool Marketing)> shown, DateTimeOffset at)
    {
        var day = ContactHistory.DayNumber(at);
        var fields = new List<string>(shown.Count * 2);
        foreach (var (actionId, marketing) in shown)
        {
            fields.Add(ContactHistory.ImpressionField(day, actionId));
            if (marketing)
            {
                fields.Add(ContactHistory.ImpressionField(day, ContactHistory.OverallField));
            }
        }

        return db.ScriptEvaluateAsync(Increment, new
        {
            key = (RedisKey)profiles.Keys.Contacts(customerId),
            fields = string.Join('\n', fields),
            oldestDay = (day - ContactHistory.WeekDays + 1).ToString(CultureInfo.InvariantCulture),
            pruneAbove = PruneAbove.ToString(CultureInfo.InvariantCulture),
            lifetimeMs = ((long)KeyLifetime.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
        });
    }

    public async Task RecordDeclineAsync(string customerId, string actionId, DateTimeOffset at)
    {
        var db = profiles.Database;
        var key = profiles.Keys.Contacts(customerId);
        var batch = db.CreateBatch();
        var set = batch.HashSetAsync(key, ContactHistory.DeclineField(actionId), at.ToUnixTimeSeconds());
        var expire = batch.KeyExpireAsync(key, KeyLifetime);
        batch.Execute();
        await Task.WhenAll(set, expire);
    }
}
