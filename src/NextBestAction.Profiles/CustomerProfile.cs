using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace NextBestAction.Profiles;

/// <summary>
/// Everything the service keeps about one customer for good (until erasure). Stored in two parts, each a Redis value
/// of its own under the customer's hash tag: <see cref="Decision"/>, what a decision reads, and <see cref="Bookkeeping"/>,
/// ingestion's guards and the history only ingestion and notifications read, so a decision fetches and decodes its
/// part alone. Both are written together, with the version, in one compare-and-set, so the bookkeeping that guards a
/// change is written atomically with it. Short-lived data (location, session) lives in <see cref="Temporary"/>, a
/// value of its own that expires. Every list and map is bounded (<see cref="ProfileLimits"/>). Updates are keyed by
/// event time, so late or reordered events land where they belong. The properties below read and write the parts;
/// the JSON of this class (the HTTP API, and the stored format of release 1) shows them as one object.
/// </summary>
public sealed class CustomerProfile
{
    public CustomerProfile()
    {
    }

    /// <summary>
    /// A profile over stored parts. A reader that decodes only the decision part passes no bookkeeping: an empty one is
    /// made if anything asks for it, which a decision never does, so its read allocates none.
    /// </summary>
    [SetsRequiredMembers]
    public CustomerProfile(string customerId, ProfileDecisionPart decision, ProfileBookkeeping? bookkeeping = null)
    {
        CustomerId = customerId;
        Decision = decision;
        this.bookkeeping = bookkeeping;
    }

    private ProfileBookkeeping? bookkeeping;

    public required string CustomerId { get; init; }

    /// <summary>The part a decision reads.</summary>
    [JsonIgnore]
    public ProfileDecisionPart Decision { get; private set; } = new();

    /// <summary>Ingestion's bookkeeping and the history decisions do not read.</summary>
    [JsonIgnore]
    public ProfileBookkeeping Bookkeeping => bookkeeping ??= new();

    /// <summary>
    /// The duplicate window as release 1 stored it before it had times (the last 32 hashes): read from such JSON
    /// profiles, moved into <see cref="RecentEvents"/> on the customer's next event or write, and never written again.
    /// </summary>
    public List<long>? RecentEventHashes { get; set; }

    /// <summary>Location and session context; stored apart from the profile and removed when it expires.</summary>
    [JsonIgnore]
    public TemporaryData Temporary { get; set; } = new();

    /// <inheritdoc cref="ProfileDecisionPart.FirstSeenAt"/>
    public DateTimeOffset? FirstSeenAt { get => Decision.FirstSeenAt; set => Decision.FirstSeenAt = value; }

    /// <inheritdoc cref="ProfileDecisionPart.LastSeenAt"/>
    public DateTimeOffset? LastSeenAt { get => Decision.LastSeenAt; set => Decision.LastSeenAt = value; }

    /// <inheritdoc cref="ProfileBookkeeping.UpdatedAt"/>
    public DateTimeOffset? UpdatedAt { get => Bookkeeping.UpdatedAt; set => Bookkeeping.UpdatedAt = value; }

    /// <inheritdoc cref="ProfileDecisionPart.CategoryInterest"/>
    public Dictionary<string, DecayingScore> CategoryInterest { get => Decision.CategoryInterest; set => Decision.CategoryInterest = value; }

    /// <inheritdoc cref="ProfileDecisionPart.ProductLineInterest"/>
    public Dictionary<string, DecayingScore> ProductLineInterest { get => Decision.ProductLineInterest; set => Decision.ProductLineInterest = value; }

    /// <inheritdoc cref="ProfileBookkeeping.SeasonalInterest"/>
    public Dictionary<string, DecayingScore> SeasonalInterest { get => Bookkeeping.SeasonalInterest; set => Bookkeeping.SeasonalInterest = value; }

    /// <inheritdoc cref="ProfileDecisionPart.LifeStageSince"/>
    public Dictionary<string, DateTimeOffset> LifeStageSince { get => Decision.LifeStageSince; set => Decision.LifeStageSince = value; }

    /// <inheritdoc cref="ProfileBookkeeping.RecentViews"/>
    public List<ProductView> RecentViews { get => Bookkeeping.RecentViews; set => Bookkeeping.RecentViews = value; }

    /// <inheritdoc cref="ProfileBookkeeping.RecentSearches"/>
    public List<SearchEntry> RecentSearches { get => Bookkeeping.RecentSearches; set => Bookkeeping.RecentSearches = value; }

    /// <inheritdoc cref="ProfileDecisionPart.Cart"/>
    public List<CartLine> Cart { get => Decision.Cart; set => Decision.Cart = value; }

    /// <inheritdoc cref="ProfileBookkeeping.CartRemovals"/>
    public Dictionary<string, DateTimeOffset> CartRemovals { get => Bookkeeping.CartRemovals; set => Bookkeeping.CartRemovals = value; }

    /// <inheritdoc cref="ProfileDecisionPart.Wishlist"/>
    public List<WishlistItem> Wishlist { get => Decision.Wishlist; set => Decision.Wishlist = value; }

    /// <inheritdoc cref="ProfileBookkeeping.WishlistRemovals"/>
    public Dictionary<string, DateTimeOffset> WishlistRemovals { get => Bookkeeping.WishlistRemovals; set => Bookkeeping.WishlistRemovals = value; }

    /// <inheritdoc cref="ProfileDecisionPart.OpenOrders"/>
    public List<OpenOrder> OpenOrders { get => Decision.OpenOrders; set => Decision.OpenOrders = value; }

    /// <inheritdoc cref="ProfileBookkeeping.ClosedOrders"/>
    public Dictionary<string, ClosedOrder> ClosedOrders { get => Bookkeeping.ClosedOrders; set => Bookkeeping.ClosedOrders = value; }

    /// <inheritdoc cref="ProfileBookkeeping.OrdersPerWeek"/>
    public Dictionary<string, int> OrdersPerWeek { get => Bookkeeping.OrdersPerWeek; set => Bookkeeping.OrdersPerWeek = value; }

    /// <inheritdoc cref="ProfileDecisionPart.SpendPerWeek"/>
    public Dictionary<string, Dictionary<string, decimal>> SpendPerWeek { get => Decision.SpendPerWeek; set => Decision.SpendPerWeek = value; }

    /// <inheritdoc cref="ProfileDecisionPart.OrderCount"/>
    public int OrderCount { get => Decision.OrderCount; set => Decision.OrderCount = value; }

    /// <inheritdoc cref="ProfileDecisionPart.TotalSpend"/>
    public decimal TotalSpend { get => Decision.TotalSpend; set => Decision.TotalSpend = value; }

    /// <inheritdoc cref="ProfileDecisionPart.LastOrderAt"/>
    public DateTimeOffset? LastOrderAt { get => Decision.LastOrderAt; set => Decision.LastOrderAt = value; }

    /// <inheritdoc cref="ProfileDecisionPart.Returns"/>
    public int Returns { get => Decision.Returns; set => Decision.Returns = value; }

    /// <inheritdoc cref="ProfileDecisionPart.LastReturnAt"/>
    public DateTimeOffset? LastReturnAt { get => Decision.LastReturnAt; set => Decision.LastReturnAt = value; }

    /// <inheritdoc cref="ProfileDecisionPart.Cancellations"/>
    public int Cancellations { get => Decision.Cancellations; set => Decision.Cancellations = value; }

    /// <inheritdoc cref="ProfileDecisionPart.KeptPromises"/>
    public int KeptPromises { get => Decision.KeptPromises; set => Decision.KeptPromises = value; }

    /// <inheritdoc cref="ProfileDecisionPart.BrokenPromises"/>
    public List<BrokenPromise> BrokenPromises { get => Decision.BrokenPromises; set => Decision.BrokenPromises = value; }

    /// <inheritdoc cref="ProfileDecisionPart.BrokenPromiseCount"/>
    public int BrokenPromiseCount { get => Decision.BrokenPromiseCount; set => Decision.BrokenPromiseCount = value; }

    /// <inheritdoc cref="ProfileDecisionPart.OpenContacts"/>
    public List<OpenContact> OpenContacts { get => Decision.OpenContacts; set => Decision.OpenContacts = value; }

    /// <inheritdoc cref="ProfileBookkeeping.ResolvedTickets"/>
    public Dictionary<string, DateTimeOffset> ResolvedTickets { get => Bookkeeping.ResolvedTickets; set => Bookkeeping.ResolvedTickets = value; }

    /// <inheritdoc cref="ProfileDecisionPart.ContactMoments"/>
    public int ContactMoments { get => Decision.ContactMoments; set => Decision.ContactMoments = value; }

    /// <inheritdoc cref="ProfileDecisionPart.ResolvedContacts"/>
    public int ResolvedContacts { get => Decision.ResolvedContacts; set => Decision.ResolvedContacts = value; }

    /// <inheritdoc cref="ProfileDecisionPart.FirstTimeRightContacts"/>
    public int FirstTimeRightContacts { get => Decision.FirstTimeRightContacts; set => Decision.FirstTimeRightContacts = value; }

    /// <inheritdoc cref="ProfileBookkeeping.CampaignResponses"/>
    public Dictionary<string, int> CampaignResponses { get => Bookkeeping.CampaignResponses; set => Bookkeeping.CampaignResponses = value; }

    /// <inheritdoc cref="ProfileDecisionPart.NotificationsOpened"/>
    public int NotificationsOpened { get => Decision.NotificationsOpened; set => Decision.NotificationsOpened = value; }

    /// <inheritdoc cref="ProfileBookkeeping.NotificationOpensByChannel"/>
    public Dictionary<string, int> NotificationOpensByChannel { get => Bookkeeping.NotificationOpensByChannel; set => Bookkeeping.NotificationOpensByChannel = value; }

    /// <inheritdoc cref="ProfileBookkeeping.Preferences"/>
    public NotificationPreferences Preferences { get => Bookkeeping.Preferences; set => Bookkeeping.Preferences = value; }

    /// <inheritdoc cref="ProfileDecisionPart.OfferOutcomes"/>
    public Dictionary<string, OfferOutcomes> OfferOutcomes { get => Decision.OfferOutcomes; set => Decision.OfferOutcomes = value; }

    /// <inheritdoc cref="ProfileDecisionPart.LastEngagedAt"/>
    public DateTimeOffset? LastEngagedAt { get => Decision.LastEngagedAt; set => Decision.LastEngagedAt = value; }

    /// <inheritdoc cref="ProfileDecisionPart.Consent"/>
    public ConsentState Consent { get => Decision.Consent; set => Decision.Consent = value; }

    /// <inheritdoc cref="ProfileBookkeeping.AppliedOffsets"/>
    public Dictionary<string, long> AppliedOffsets { get => Bookkeeping.AppliedOffsets; set => Bookkeeping.AppliedOffsets = value; }

    /// <inheritdoc cref="ProfileBookkeeping.ConsentHistory"/>
    public List<ConsentRecord> ConsentHistory { get => Bookkeeping.ConsentHistory; set => Bookkeeping.ConsentHistory = value; }

    /// <inheritdoc cref="ProfileBookkeeping.RecentEvents"/>
    public Dictionary<long, DateTimeOffset> RecentEvents { get => Bookkeeping.RecentEvents; set => Bookkeeping.RecentEvents = value; }

    /// <inheritdoc cref="ProfileBookkeeping.ForgottenEventsUpTo"/>
    public DateTimeOffset? ForgottenEventsUpTo { get => Bookkeeping.ForgottenEventsUpTo; set => Bookkeeping.ForgottenEventsUpTo = value; }

    public int BrokenPromisesSince(DateTimeOffset since) => BrokenPromises.Count(p => p.DeliveredAt >= since);

    /// <summary>Orders whose promised delivery date has passed without a delivery.</summary>
    public IEnumerable<OpenOrder> LateOpenOrders(DateTimeOffset now) => OpenOrders.Where(o => o.PromisedDeliveryDate < now);

    /// <summary>Share of resolved contacts solved in one contact, or null before the first resolution.</summary>
    public double? FirstTimeRightRate => ResolvedContacts == 0 ? null : (double)FirstTimeRightContacts / ResolvedContacts;

    /// <summary>Engaged: responded (campaign, notification or offer) within <paramref name="window"/> before now.</summary>
    public bool IsEngaged(DateTimeOffset now, TimeSpan window) => LastEngagedAt is { } at && now - at <= window;
}
