namespace NextBestAction.Contracts;

/// <summary>
/// The CloudEvents <c>type</c> values of the contract (shared/contracts.md). Adding one: 1 the constant here, 2 its
/// data record with its field rules (<see cref="EventData"/>), 3 the JSON context, 4 the reader's table
/// (<see cref="EventReader"/>), 5 its topic (<see cref="TopicNames.InputFor"/>), 6 the profile handler, 7 the
/// simulator emits it, 8 the README's contract section.
/// </summary>
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
}
