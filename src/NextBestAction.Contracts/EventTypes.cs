namespace NextBestAction.Contracts;

/// <summary>The CloudEvents <c>type</c> values of the contract (docs/contracts.md).</summary>
/// <remarks>
/// Adding an event type:
/// 1. Its constant here.
/// 2. Its data record in EventData.cs, with <c>Validate</c> (required fields, ranges, <c>FieldLimits</c>).
/// 3. The record in <see cref="ContractsJsonContext"/>.
/// 4. The type's line in <see cref="EventReader"/>'s table (type to data record).
/// 5. Its topic in <see cref="TopicNames.InputFor"/>; each input topic takes only its own family.
/// 6. Its effect on the profile: a case in <c>ProfileUpdater.Apply</c> (src/NextBestAction.Profiles), handled in the
///    ProfileUpdater part of its family; a new per-customer list gets a cap and a place in the profile trimmer.
/// 7. If notifications should react: see <c>NotificationTriggers</c> (adding a notification trigger).
/// 8. The simulator emits it (src/NextBestAction.Simulator, <c>WebshopModel</c>), so the embedded mode and the
///    benchmarks exercise it.
/// 9. Its row in docs/contracts.md (<c>DocumentationTests</c> fails without it), and the count in
///    <c>EventReaderTests.KnownTypes_CoverEveryTypeOfTheContract</c>.
/// </remarks>
public static class EventTypes
{
    public const string PageViewed = "page.viewed";
    public const string ProductViewed = "product.viewed";
    public const string SearchPerformed = "search.performed";
    public const string CartItemAdded = "cart.item_added";
    public const string CartItemRemoved = "cart.item_removed";
    public const string WishlistItemAdded = "wishlist.item_added";
    public const string WishlistItemRemoved = "wishlist.item_removed";
    public const string CheckoutStarted = "checkout.started";
    public const string LocationReported = "location.reported";
    public const string CampaignResponded = "campaign.responded";
    public const string NotificationOpened = "notification.opened";

    public const string OrderPlaced = "order.placed";
    public const string OrderDelivered = "order.delivered";
    public const string OrderReturned = "order.returned";
    public const string OrderCancelled = "order.cancelled";

    public const string ServiceContactOpened = "service.contact_opened";
    public const string ServiceContactResolved = "service.contact_resolved";

    public const string ProductPriceChanged = "product.price_changed";
    public const string ProductBackInStock = "product.back_in_stock";
    public const string ProductVersionReleased = "product.version_released";

    public const string OfferAccepted = "offer.accepted";
    public const string OfferDeclined = "offer.declined";

    /// <summary>An extension of the contract: the offer was shown and neither accepted nor declined.</summary>
    public const string OfferIgnored = "offer.ignored";

    public const string ConsentChanged = "consent.changed";

    /// <summary>An extension of the contract: how and when the customer wants to be notified (on <c>nba.consent</c>).</summary>
    public const string PreferencesChanged = "customer.preferences_changed";

    /// <summary>An extension of the contract: erase everything held about the subject (GDPR Art. 17), on <c>nba.privacy</c>.</summary>
    public const string ErasureRequested = "customer.erasure_requested";

    /// <summary>An extension of the contract: the service erased the subject; downstream systems purge their copies (on <c>nba.privacy</c>).</summary>
    public const string CustomerErased = "customer.erased";
}
