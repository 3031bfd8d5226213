using System.Globalization;
using NextBestAction.Contracts;

namespace NextBestAction.Profiles;

/// <summary>What applying one event did to a profile.</summary>
public enum ApplyOutcome
{
    Applied,
    Duplicate,
    NoProfileEffect,

    /// <summary>Not applied: the customer was erased after the event's time (the erasure list), so it must not bring them back.</summary>
    Erased,
}

/// <summary>
/// Applies validated events to a customer profile. Pure and deterministic: everything it needs is in the
/// profile, the event and the rules, so every rule is unit-tested without Redis or Kafka. Changes are keyed
/// by event time: a late event never rewinds "last seen", a late "added" older than a removal stays removed,
/// and interest scores do not depend on arrival order.
/// </summary>
public sealed partial class ProfileUpdater(ProfileRules rules)
{
    // How much each kind of attention adds to interest.
    private const double ViewWeight = 1;
    private const double WishlistWeight = 2;
    private const double CartWeight = 3;
    private const double OrderWeight = 5;

    /// <param name="partitionKey">"topic/partition" the event came from, or null when it did not come from Kafka.</param>
    public ApplyOutcome Apply(CustomerProfile profile, ValidEvent e, string? partitionKey, long offset)
    {
        MigrateLegacyEventHashes(profile);
        if (IsRedelivery(profile, e, partitionKey, offset))
        {
            return ApplyOutcome.Duplicate;
        }

        var eventHash = EventHash(e.DedupKey);
        if (profile.RecentEvents.ContainsKey(eventHash))
        {
            MarkOffset(profile, partitionKey, offset);
            return ApplyOutcome.Duplicate;
        }

        var t = e.Time;
        var changed = e.Data switch
        {
            PageViewedData d => TouchSession(profile, d.SessionId, d.Channel, t),
            ProductViewedData d => View(profile, d, t),
            SearchPerformedData d => Search(profile, d, t),
            CartItemAddedData d => AddToCart(profile, d, t),
            ProductRefData d when e.Type == EventTypes.CartItemRemoved => RemoveFromCart(profile, d.ProductId!, t),
            WishlistItemAddedData d => AddToWishlist(profile, d, t),
            ProductRefData d when e.Type == EventTypes.WishlistItemRemoved => RemoveFromWishlist(profile, d.ProductId!, t),
            CheckoutStartedData d => StartCheckout(profile, d, t),
            LocationReportedData d => ReportLocation(profile, d, t),
            CampaignRespondedData d => RespondToCampaign(profile, d, t),
            NotificationOpenedData d => OpenNotification(profile, d, t),
            OrderPlacedData d => PlaceOrder(profile, d, t),
            OrderDeliveredData d => Deliver(profile, d),
            OrderReturnedData => Return(profile, t),
            OrderCancelledData d => Cancel(profile, d.OrderId!, t),
            ServiceContactOpenedData d => OpenContact(profile, d, t),
            ServiceContactResolvedData d => ResolveContact(profile, d, t),
            OfferOutcomeData d => RecordOffer(profile, d, e.Type, t),
            ConsentChangedData d => ChangeConsent(profile, d, t, e.Source),
            PreferencesChangedData d => ChangePreferences(profile, d, t),
            _ => false,
        };

        MarkOffset(profile, partitionKey, offset);
        RememberEvent(profile, eventHash, t);
        if (changed)
        {
            profile.FirstSeenAt = Min(profile.FirstSeenAt, t);
            profile.LastSeenAt = Max(profile.LastSeenAt, t);
            profile.UpdatedAt = Max(profile.UpdatedAt, t);
        }

        return changed ? ApplyOutcome.Applied : ApplyOutcome.NoProfileEffect;
    }

    /// <summary>ISO-8601 week of an instant in UTC, e.g. "2026-W48"; sorts in time order.</summary>
    public static string IsoWeek(DateTimeOffset time)
    {
        var utc = time.UtcDateTime;
        return string.Create(CultureInfo.InvariantCulture, $"{ISOWeek.GetYear(utc)}-W{ISOWeek.GetWeekOfYear(utc):D2}");
    }

    /// <summary>The stored hash of an event's source+id pair (FNV-1a): stable across processes and versions.</summary>
    public static long EventHash(string dedupKey) => unchecked((long)StableHash.Fnv1a64(dedupKey));

    private static DateTimeOffset Max(DateTimeOffset? current, DateTimeOffset t) => current is { } c && c > t ? c : t;

    private static DateTimeOffset Min(DateTimeOffset? current, DateTimeOffset t) => current is { } c && c < t ? c : t;

    private static void TrimFront<T>(List<T> list, int max)
    {
        if (list.Count > max)
        {
            list.RemoveRange(0, list.Count - max);
        }
    }

    /// <summary>Inserts by time and keeps the newest <paramref name="max"/>.</summary>
    private static void InsertByTime<T>(List<T> list, T item, Func<T, DateTimeOffset> time, int max)
    {
        var index = list.FindLastIndex(x => time(x) <= time(item)) + 1;
        list.Insert(index, item);
        TrimFront(list, max);
    }

    /// <summary>Drops the oldest entries of a time-stamped map beyond <paramref name="max"/>.</summary>
    private static void TrimOldest<T>(Dictionary<string, T> map, Func<T, DateTimeOffset> time, int max)
    {
        if (map.Count <= max)
        {
            return;
        }

        foreach (var key in map.OrderBy(kv => time(kv.Value)).Take(map.Count - max).Select(kv => kv.Key).ToList())
        {
            map.Remove(key);
        }
    }
}
