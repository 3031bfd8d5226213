using System.Globalization;
using NextBestAction.Decisioning.Engine;
using NextBestAction.Profiles;
using StackExchange.Redis;

namespace NextBestAction.Decisioning.Serving;

/// <summary>
/// The contact history of each customer in one Redis hash next to the profile (same hash tag): impression
/// counters per action per UTC day (<c>i:{day}:{actionId}</c>, <c>i:{day}:*</c> for marketing overall) and the
/// last decline per action (<c>d:{actionId}</c>, Unix seconds). Impressions are counted with the decision's record
/// (<see cref="ServedDecisionWrites"/>); the key expires after a month without contact.
/// </summary>
public sealed class ContactHistoryStore(RedisProfileStore profiles)
{
    /// <summary>Longer than the longest cool-down a catalog may set, so a decline is remembered for it.</summary>
    public static readonly TimeSpan KeyLifetime = TimeSpan.FromHours(Catalog.CatalogLoader.MaxCooldownHours + 24);

    /// <summary>Fields a hash may hold before the write scans it for old days; most customers never get there.</summary>
    public const int PruneAbove = 48;

    /// <summary>Queues the read on <paramref name="db"/>; turn the result into the history with <c>ContactHistory.FromEntries</c> (<see cref="ContactHistoryEntries"/>).</summary>
    public Task<HashEntry[]> QueueRead(IDatabaseAsync db, string customerId) => db.HashGetAllAsync(profiles.Keys.Contacts(customerId));

    /// <summary>
    /// The impression counters one decision increments: one per shown action, and one overall per marketing action.
    /// <see cref="ServedDecisionWrites"/> increments them and prunes days older than a week once the hash has grown
    /// past <see cref="PruneAbove"/> fields (readers ignore old days anyway, so pruning only bounds the size).
    /// </summary>
    public static List<string> ImpressionFields(IReadOnlyList<(string ActionId, bool Marketing)> shown, int day)
    {
        ArgumentNullException.ThrowIfNull(shown);
        var fields = new List<string>(shown.Count * 2);
        foreach (var (actionId, marketing) in shown)
        {
            fields.Add(ContactHistory.ImpressionField(day, actionId));
            if (marketing)
            {
                fields.Add(ContactHistory.ImpressionField(day, ContactHistory.OverallField));
            }
        }

        return fields;
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
