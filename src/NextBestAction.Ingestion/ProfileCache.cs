using Microsoft.Extensions.Options;
using NextBestAction.Profiles;

namespace NextBestAction.Ingestion;

/// <summary>
/// The profiles this consumer wrote most recently, with the version it wrote, so the next batch for the same
/// customer skips the Redis read and the JSON parse. Safe because every write is still a compare-and-set:
/// if anyone else changed the profile since (another consumer after a rebalance, an erasure), the version no
/// longer matches, the write is refused, and the profile is read fresh. An entry is taken out while a batch
/// works on it, so a failed write can never leave a half-applied profile behind. Used by the single
/// consumer loop only; least recently used entries go first.
/// </summary>
public sealed class ProfileCache(IOptions<IngestionOptions> options)
{
    private readonly int capacity = options.Value.ProfileCacheSize;
    private readonly Dictionary<string, LinkedListNode<VersionedProfile>> entries = new(StringComparer.Ordinal);
    private readonly LinkedList<VersionedProfile> recency = new();

    public int Count => entries.Count;

    /// <summary>Removes and returns the cached profile of <paramref name="customerId"/>, if any.</summary>
    public bool TryTake(string customerId, out VersionedProfile entry)
    {
        if (entries.Remove(customerId, out var node))
        {
            recency.Remove(node);
            entry = node.Value;
            return true;
        }

        entry = null!;
        return false;
    }

    /// <summary>Keeps a profile as just written at <see cref="VersionedProfile.Version"/>.</summary>
    public void Put(VersionedProfile entry)
    {
        if (capacity == 0)
        {
            return;
        }

        var id = entry.Profile.CustomerId;
        if (entries.Remove(id, out var existing))
        {
            recency.Remove(existing);
        }

        entries[id] = recency.AddFirst(entry);
        if (entries.Count > capacity)
        {
            var oldest = recency.Last!;
            recency.RemoveLast();
            entries.Remove(oldest.Value.Profile.CustomerId);
        }
    }

    /// <summary>Forgets everything, for example when partitions move to another consumer.</summary>
    public void Clear()
    {
        entries.Clear();
        recency.Clear();
    }
}
