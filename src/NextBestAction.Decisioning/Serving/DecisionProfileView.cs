using System.Text.Json.Serialization.Metadata;
using NextBestAction.Profiles;

namespace NextBestAction.Decisioning.Serving;

/// <summary>
/// How the decision service reads a stored profile: without ingestion's bookkeeping, tombstones and history that no
/// rule attribute, feature or model reads. Parsing the profile is the largest CPU cost of a decision after Kestrel,
/// and these parts are about half of its bytes. A test decides every simulated profile both ways and requires the
/// same decision, so a new attribute that reads one of these properties fails it until it is taken off this list.
/// </summary>
public static class DecisionProfileView
{
    public static readonly IReadOnlyList<string> LeftOut =
    [
        nameof(CustomerProfile.UpdatedAt),
        nameof(CustomerProfile.SeasonalInterest),
        nameof(CustomerProfile.RecentViews),
        nameof(CustomerProfile.RecentSearches),
        nameof(CustomerProfile.CartRemovals),
        nameof(CustomerProfile.WishlistRemovals),
        nameof(CustomerProfile.ClosedOrders),
        nameof(CustomerProfile.OrdersPerWeek),
        nameof(CustomerProfile.ResolvedTickets),
        nameof(CustomerProfile.CampaignResponses),
        nameof(CustomerProfile.NotificationOpensByChannel),
        nameof(CustomerProfile.Preferences),
        nameof(CustomerProfile.AppliedOffsets),
        nameof(CustomerProfile.RecentEvents),
        nameof(CustomerProfile.RecentEventHashes),
    ];

    public static JsonTypeInfo<CustomerProfile> TypeInfo { get; } = RedisProfileStore.ViewWithout(LeftOut);
}
