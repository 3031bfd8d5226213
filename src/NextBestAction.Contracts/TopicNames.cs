namespace NextBestAction.Contracts;

/// <summary>Kafka topic names; every one can be overridden under <c>Kafka:Topics</c>.</summary>
public sealed class TopicNames
{
    public string Clickstream { get; set; } = "nba.clickstream";
    public string Orders { get; set; } = "nba.orders";
    public string Service { get; set; } = "nba.service";
    public string Catalog { get; set; } = "nba.catalog";
    public string Feedback { get; set; } = "nba.feedback";
    public string Consent { get; set; } = "nba.consent";
    public string Notifications { get; set; } = "nba.notifications";
    public string Decisions { get; set; } = "nba.decisions";
    public string DeadLetter { get; set; } = "nba.deadletter";

    /// <summary>Erasure requests in, erasure announcements out (<see cref="EventTypes.ErasureRequested"/>, <see cref="EventTypes.CustomerErased"/>).</summary>
    public string Privacy { get; set; } = "nba.privacy";

    public IReadOnlyList<string> Inputs => [Clickstream, Orders, Service, Catalog, Feedback, Consent, Privacy];

    public IReadOnlyList<string> All => [.. Inputs, Notifications, Decisions, DeadLetter];

    /// <summary>
    /// The input topic that carries events of <paramref name="type"/> (docs/contracts.md), or null for a type the
    /// contract does not define. Each input topic accepts only its own family's types.
    /// </summary>
    public string? InputFor(string type) => type switch
    {
        EventTypes.PageViewed or EventTypes.ProductViewed or EventTypes.SearchPerformed
            or EventTypes.CartItemAdded or EventTypes.CartItemRemoved
            or EventTypes.WishlistItemAdded or EventTypes.WishlistItemRemoved
            or EventTypes.CheckoutStarted or EventTypes.LocationReported
            or EventTypes.CampaignResponded or EventTypes.NotificationOpened => Clickstream,
        EventTypes.OrderPlaced or EventTypes.OrderDelivered or EventTypes.OrderReturned or EventTypes.OrderCancelled => Orders,
        EventTypes.ServiceContactOpened or EventTypes.ServiceContactResolved => Service,
        EventTypes.ProductPriceChanged or EventTypes.ProductBackInStock or EventTypes.ProductVersionReleased => Catalog,
        EventTypes.OfferAccepted or EventTypes.OfferDeclined or EventTypes.OfferIgnored => Feedback,
        EventTypes.ConsentChanged or EventTypes.PreferencesChanged => Consent,
        EventTypes.ErasureRequested or EventTypes.CustomerErased => Privacy,
        _ => null,
    };
}
