using MemoryPack;

namespace NextBestAction.Profiles;

// Stored with MemoryPack, version tolerant (see ProfileFormat): each member is numbered by its place in the declaration.
// Add new members at the end of a part and never remove, reorder or retype one; anything else needs a new format byte
// in ProfileFormat. The same holds for the records the parts hold (ProfileRecords.cs).
// Adding a stored property to the profile:
// 1. Add it at the end of ProfileDecisionPart if a decision reads it, else at the end of ProfileBookkeeping.
// 2. Add its forwarding property to CustomerProfile (the JSON of the HTTP API shows it from there).
// 3. If it holds something new about the customer, say so in CustomerKeyFamilies' description of the part.

/// <summary>The part of a customer's profile that decisions read: interests, commerce, promises, service, engagement, consent.</summary>
[MemoryPackable(GenerateType.VersionTolerant, SerializeLayout.Sequential)]
public sealed partial class ProfileDecisionPart
{
    public DateTimeOffset? FirstSeenAt { get; set; }

    /// <summary>Latest event time seen; a late event never moves it back.</summary>
    public DateTimeOffset? LastSeenAt { get; set; }

    public Dictionary<string, DecayingScore> CategoryInterest { get; set; } = [];

    public Dictionary<string, DecayingScore> ProductLineInterest { get; set; } = [];

    /// <summary>First event time per life-stage category (for example baby); it stops counting after its horizon.</summary>
    public Dictionary<string, DateTimeOffset> LifeStageSince { get; set; } = [];

    public List<CartLine> Cart { get; set; } = [];

    public List<WishlistItem> Wishlist { get; set; } = [];

    public List<OpenOrder> OpenOrders { get; set; } = [];

    /// <summary>Spend per ISO week and category, most recent weeks only.</summary>
    public Dictionary<string, Dictionary<string, decimal>> SpendPerWeek { get; set; } = [];

    public int OrderCount { get; set; }

    public decimal TotalSpend { get; set; }

    public DateTimeOffset? LastOrderAt { get; set; }

    public int Returns { get; set; }

    public DateTimeOffset? LastReturnAt { get; set; }

    public int Cancellations { get; set; }

    public int KeptPromises { get; set; }

    /// <summary>Late deliveries in the last window (bounded list, for decisions).</summary>
    public List<BrokenPromise> BrokenPromises { get; set; } = [];

    /// <summary>All late deliveries ever, for the KPI.</summary>
    public int BrokenPromiseCount { get; set; }

    public List<OpenContact> OpenContacts { get; set; } = [];

    public int ContactMoments { get; set; }

    public int ResolvedContacts { get; set; }

    public int FirstTimeRightContacts { get; set; }

    public int NotificationsOpened { get; set; }

    public Dictionary<string, OfferOutcomes> OfferOutcomes { get; set; } = [];

    /// <summary>Latest response of the customer (campaign opened or clicked, notification opened, offer accepted).</summary>
    public DateTimeOffset? LastEngagedAt { get; set; }

    public ConsentState Consent { get; set; } = new();
}

/// <summary>
/// The part of a customer's profile that only ingestion and notifications read: the exactly-once guards (applied
/// offsets, the duplicate window), the tombstones that make late events harmless (removals, closed orders, resolved
/// tickets), recent views and searches, weekly order counts, campaign and notification responses, and preferences.
/// </summary>
[MemoryPackable(GenerateType.VersionTolerant, SerializeLayout.Sequential)]
public sealed partial class ProfileBookkeeping
{
    public DateTimeOffset? UpdatedAt { get; set; }

    /// <summary>Gifts and out-of-pattern seasonal purchases: decays fast and never feeds long-term interest.</summary>
    public Dictionary<string, DecayingScore> SeasonalInterest { get; set; } = [];

    public List<ProductView> RecentViews { get; set; } = [];

    public List<SearchEntry> RecentSearches { get; set; } = [];

    /// <summary>When each product last left the cart, so a late "added" older than the removal is ignored.</summary>
    public Dictionary<string, DateTimeOffset> CartRemovals { get; set; } = [];

    public Dictionary<string, DateTimeOffset> WishlistRemovals { get; set; } = [];

    /// <summary>Orders delivered or cancelled, with when: makes late and repeated order events harmless.</summary>
    public Dictionary<string, ClosedOrder> ClosedOrders { get; set; } = [];

    /// <summary>Orders per ISO week ("2026-W48"), most recent weeks only.</summary>
    public Dictionary<string, int> OrdersPerWeek { get; set; } = [];

    /// <summary>Contacts resolved, with when: a late "opened" for a resolved ticket does not reopen it.</summary>
    public Dictionary<string, DateTimeOffset> ResolvedTickets { get; set; } = [];

    public Dictionary<string, int> CampaignResponses { get; set; } = [];

    /// <summary>Notifications opened per channel (push, email, account_manager), read from the notification id.</summary>
    public Dictionary<string, int> NotificationOpensByChannel { get; set; } = [];

    /// <summary>How the customer wants to be notified (<c>customer.preferences_changed</c>).</summary>
    public NotificationPreferences Preferences { get; set; } = new();

    /// <summary>
    /// Highest applied Kafka offset per "topic/partition": redelivered or zombie writes are skipped. A record at or
    /// below it whose event the duplicate window shows was never applied comes from a log whose offsets started again
    /// (see <see cref="ProfileUpdater.IsRedelivery"/>), and is applied.
    /// </summary>
    public Dictionary<string, long> AppliedOffsets { get; set; } = [];

    /// <summary>
    /// The duplicate window: 64-bit hashes of the CloudEvents source+id pairs applied within
    /// <see cref="ProfileRules.DuplicateWindowHours"/> of the customer's latest event time, each with that event clock
    /// when it was applied, at most <see cref="ProfileRules.DuplicateWindowMaxEvents"/>. An event produced again within
    /// the window is applied once. Hashes instead of the ids keep the profile small; a false match needs a 64-bit
    /// collision among a few hundred.
    /// </summary>
    [DuplicateWindowFormat]
    public Dictionary<long, DateTimeOffset> RecentEvents { get; set; } = [];

    /// <summary>
    /// The latest event time the duplicate window has forgotten an applied event from (by age or at its cap); null while
    /// it has forgotten none. Every applied event after it is in <see cref="RecentEvents"/>.
    /// </summary>
    public DateTimeOffset? ForgottenEventsUpTo { get; set; }

    /// <summary>Every consent statement in event-time order, the latest <see cref="ProfileLimits.ConsentHistory"/>: proof of consent.</summary>
    public List<ConsentRecord> ConsentHistory { get; set; } = [];
}
