namespace NextBestAction.Profiles;

/// <summary>
/// Holds a profile within <see cref="ProfileRules.MaxProfileBytes"/>. Every list and map already has a cap, but large
/// (valid) strings can still make the capped lists big; then the bounded lists give up their oldest or weakest
/// half, least useful to decisions first, until the profile fits. Counters, consent, preferences and the ingestion
/// bookkeeping are never trimmed: their size is bounded on its own, and start-up validation leaves room for it.
/// </summary>
public static class ProfileTrimmer
{
    /// <summary>Each step drops the older (or weaker) half of one part, at least one entry; false when the part is empty.</summary>
    private static readonly Func<CustomerProfile, bool>[] Steps =
    [
        p => DropOldestHalf(p.RecentViews),
        p => DropOldestHalf(p.RecentSearches),
        p => DropOldestHalf(p.CartRemovals, at => at),
        p => DropOldestHalf(p.WishlistRemovals, at => at),
        p => DropOldestHalf(p.ResolvedTickets, at => at),
        p => DropOldestHalf(p.ClosedOrders, c => c.At),
        p => DropOldestHalf(p.SeasonalInterest, s => s.At),
        p => DropOldestHalf(p.LifeStageSince, at => at),
        p => DropOldestHalf(p.OfferOutcomes, o => o.LastAt),
        p => DropOldestWeeks(p.SpendPerWeek),
        p => DropOldestWeeks(p.OrdersPerWeek),
        p => DropOldestHalf(p.ProductLineInterest, s => s.At),
        p => DropOldestHalf(p.CategoryInterest, s => s.At),
        p => DropOldestHalf(p.BrokenPromises),
        p => DropOldestHalf(p.Wishlist),
        p => DropOldestHalf(p.OpenContacts),
        p => DropOldestHalf(p.Cart),
        p => DropOldestHalf(p.OpenOrders),
    ];

    /// <summary>
    /// Trims <paramref name="profile"/> until <paramref name="size"/> (its stored bytes) is at most
    /// <paramref name="maxBytes"/>; returns how many trimming steps it took (0 when it already fit).
    /// </summary>
    public static int TrimToFit(CustomerProfile profile, int maxBytes, Func<CustomerProfile, int> size)
    {
        var steps = 0;
        var next = 0;
        while (size(profile) > maxBytes)
        {
            while (next < Steps.Length && !Steps[next](profile))
            {
                next++;
            }

            if (next == Steps.Length)
            {
                // Only the untrimmable parts are left; the settings validated at start-up leave room for them.
                break;
            }

            steps++;
        }

        return steps;
    }

    /// <summary>Lists are kept in time order, oldest first.</summary>
    private static bool DropOldestHalf<T>(List<T> list)
    {
        if (list.Count == 0)
        {
            return false;
        }

        list.RemoveRange(0, Math.Max(1, list.Count / 2));
        return true;
    }

    private static bool DropOldestHalf<T>(Dictionary<string, T> map, Func<T, DateTimeOffset> time)
    {
        if (map.Count == 0)
        {
            return false;
        }

        foreach (var key in map.OrderBy(kv => time(kv.Value)).ThenBy(kv => kv.Key, StringComparer.Ordinal)
                     .Take(Math.Max(1, map.Count / 2)).Select(kv => kv.Key).ToList())
        {
            map.Remove(key);
        }

        return true;
    }

    /// <summary>ISO week keys ("2026-W48") sort in time order.</summary>
    private static bool DropOldestWeeks<T>(Dictionary<string, T> perWeek)
    {
        if (perWeek.Count == 0)
        {
            return false;
        }

        foreach (var week in perWeek.Keys.Order(StringComparer.Ordinal).Take(Math.Max(1, perWeek.Count / 2)).ToList())
        {
            perWeek.Remove(week);
        }

        return true;
    }
}
