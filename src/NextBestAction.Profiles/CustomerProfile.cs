using System.Text.Json.Serialization;

namespace NextBestAction.Profiles;

/// <summary>
/// Everything the service keeps about one customer for good (until erasure), stored as one Redis value so a
/// decision costs one read. Short-lived data (location, session) lives in <see cref="Temporary"/>, a value of
/// its own that expires. Every list and map is bounded (<see cref="ProfileLimits"/>). Updates are keyed by
/// event time, so late or reordered events land where they belong. The ingestion bookkeeping (applied
/// offsets and recent event ids) is stored in the same value, so it is written atomically with the change it guards.
/// </summary>
public sealed class CustomerProfile
{
    public required string CustomerId { get; init; }

    public DateTimeOffset? FirstSeenAt { get; set; }

    /// <summary>Latest event time seen; a late event never moves it back.</summary>
    public DateTimeOffset? LastSeenAt { get; set; }

    public DateTimeOffset? UpdatedAt { get; set; }

    // Interests: time-decayed affinity; see DecayingScore.
    public Dictionary<string, DecayingScore> CategoryInterest { get; set; } = [];

    public Dictionary<string, DecayingScore> ProductLineInterest { get; set; } = [];

    /// <summary>Gifts and out-of-pattern seasonal purchases: decays fast and never feeds long-term interest.</summary>
    public Dictionary<string, DecayingScore> SeasonalInterest { get; set; } = [];

    /// <summary>First event time per life-stage category (for example baby); it stops counting after its horizon.</summary>
    public Dictionary<string, DateTimeOffset> LifeStageSince { get; set; } = [];

    public List<ProductView> RecentViews { get; set; } = [];

    public List<SearchEntry> RecentSearches { get; set; } = [];

    // Commerce
    public List<CartLine> Cart { get; set; } = [];

    /// <summary>When each product last left the cart, so a late "added" older than the removal is ignored.</summary>
    public Dictionary<string, DateTimeOffset> CartRemovals { get; set; } = [];

    public List<WishlistItem> Wishlist { get; set; } = [];

    public Dictionary<string, DateTimeOffset> WishlistRemovals { get; set; } = [];

    public List<OpenOrder> OpenOrders { get; set; } = [];

    /// <summary>Orders delivered or cancelled, with when: makes late and repeated order events harmless.</summary>
    public Dictionary<string, ClosedOrder> ClosedOrders { get; set; } = [];

    /// <summary>Orders per ISO week ("2026-W48"), most recent weeks only.</summary>
    public Dictionary<string, int> OrdersPerWeek { get; set; } = [];

    /// <summary>Spend per ISO week and category, most recent weeks only.</summary>
    public Dictionary<string, Dictionary<string, decimal>> SpendPerWeek { get; set; } = [];

    public int OrderCount { get; set; }

    public decimal TotalSpend { get; set; }

    public DateTimeOffset? LastOrderAt { get; set; }

    public int Returns { get; set; }

    public DateTimeOffset? LastReturnAt { get; set; }

    public int Cancellations { get; set; }

    // Promises
    public int KeptPromises { get; set; }

    /// <summary>Late deliveries in the last window (bounded list, for decisions).</summary>
    public List<BrokenPromise> BrokenPromises { get; set; } = [];

    /// <summary>All late deliveries ever, for the KPI.</summary>
    public int BrokenPromiseCount { get; set; }

    // Service
    public List<OpenContact> OpenContacts { get; set; } = [];

    /// <summary>Contacts resolved, with when: a late "opened" for a resolved ticket does not reopen it.</summary>
    public Dictionary<string, DateTimeOffset> ResolvedTickets { get; set; } = [];

    public int ContactMoments { get; set; }

    public int ResolvedContacts { get; set; }

    public int FirstTimeRightContacts { get; set; }

    // Engagement
    public Dictionary<string, int> CampaignResponses { get; set; } = [];

    public int NotificationsOpened { get; set; }

    /// <summary>Notifications opened per channel (push, email, account_manager), read from the notification id.</summary>
    public Dictionary<string, int> NotificationOpensByChannel { get; set; } = [];

    /// <summary>How the customer wants to be notified (<c>customer.preferences_changed</c>).</summary>
    public NotificationPreferences Preferences { get; set; } = new();

    public Dictionary<string, OfferOutcomes> OfferOutcomes { get; set; } = [];

    /// <summary>Latest response of the customer (campaign opened or clicked, notification opened, offer accepted).</summary>
    public DateTimeOffset? LastEngagedAt { get; set; }

    public ConsentState Consent { get; set; } = new();

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
    public Dictionary<long, DateTimeOffset> RecentEvents { get; set; } = [];

    /// <summary>
    /// The latest event time the duplicate window has forgotten an applied event from (by age or at its cap); null while
    /// it has forgotten none. Every applied event after it is in <see cref="RecentEvents"/>.
    /// </summary>
    public DateTimeOffset? ForgottenEventsUpTo { get; set; }

    /// <summary>
    /// The window as stored before it had times (the last 32 hashes): read from older profiles, moved into
    /// <see cref="RecentEvents"/> on the customer's next event, and never written again.
    /// </summary>
    public List<long>? RecentEventHashes { get; set; }

    /// <summary>Location and session context; stored apart from the profile and removed when it expires.</summary>
    [JsonIgnore]
    public TemporaryData Temporary { get; set; } = new();

    public int BrokenPromisesSince(DateTimeOffset since) => BrokenPromises.Count(p => p.DeliveredAt >= since);

    /// <summary>Orders whose promised delivery date has passed without a delivery.</summary>
    public IEnumerable<OpenOrder> LateOpenOrders(DateTimeOffset now) => OpenOrders.Where(o => o.PromisedDeliveryDate < now);

    /// <summary>Share of resolved contacts solved in one contact, or null before the first resolution.</summary>
    public double? FirstTimeRightRate => ResolvedContacts == 0 ? null : (double)FirstTimeRightContacts / ResolvedContacts;

    /// <summary>Engaged: responded (campaign, notification or offer) within <paramref name="window"/> before now.</summary>
    public bool IsEngaged(DateTimeOffset now, TimeSpan window) => LastEngagedAt is { } at && now - at <= window;
}

/// <summary>
/// A score that halves every half-life of event time. Stored as its value at <see cref="At"/>; adding an event
/// older than <see cref="At"/> adds its decayed weight, a newer one first decays the score to the event's
/// time. The result does not depend on the order events arrive in.
/// </summary>
public sealed record DecayingScore(double Score, DateTimeOffset At)
{
    public DecayingScore Add(double weight, DateTimeOffset time, TimeSpan halfLife) =>
        time <= At
            ? this with { Score = Score + weight * Factor(At - time, halfLife) }
            : new DecayingScore(Score * Factor(time - At, halfLife) + weight, time);

    public double ValueAt(DateTimeOffset now, TimeSpan halfLife) => now <= At ? Score : Score * Factor(now - At, halfLife);

    private static double Factor(TimeSpan elapsed, TimeSpan halfLife) => Math.Pow(0.5, elapsed / halfLife);
}

public sealed record ProductView(string ProductId, string Category, string ProductLine, decimal Price, DateTimeOffset At);

public sealed record SearchEntry(string Query, DateTimeOffset At);

public sealed record CartLine(string ProductId, string Category, string ProductLine, decimal Price, int Quantity, DateTimeOffset AddedAt);

public sealed record WishlistItem(string ProductId, string Category, string ProductLine, decimal Price, DateTimeOffset AddedAt);

/// <param name="CategorySpend">Spend per category, so a cancellation can take it back out of the weekly figures.</param>
public sealed record OpenOrder(string OrderId, DateTimeOffset PlacedAt, DateTimeOffset PromisedDeliveryDate, decimal Total, IReadOnlyList<string> ProductLines,
    IReadOnlyDictionary<string, decimal>? CategorySpend = null);

public sealed record ClosedOrder(string Outcome, DateTimeOffset At)
{
    public const string Delivered = "delivered";
    public const string Cancelled = "cancelled";
}

public sealed record BrokenPromise(string OrderId, DateTimeOffset PromisedDeliveryDate, DateTimeOffset DeliveredAt);

public sealed record OpenContact(string TicketId, string Channel, string Topic, DateTimeOffset OpenedAt);

/// <summary>Outcomes of one action for this customer; <see cref="LastDeclinedAt"/> drives the contact policy's cool-down.</summary>
public sealed record OfferOutcomes(int Accepted, int Declined, DateTimeOffset LastAt)
{
    public int Ignored { get; init; }

    public DateTimeOffset? LastDeclinedAt { get; init; }
}

/// <summary>Consent per purpose, each with the event time of its last change (the latest change wins).</summary>
public sealed record ConsentState
{
    public bool? Marketing { get; init; }
    public DateTimeOffset? MarketingAt { get; init; }
    public bool? Profiling { get; init; }
    public DateTimeOffset? ProfilingAt { get; init; }
    public bool? Location { get; init; }
    public DateTimeOffset? LocationAt { get; init; }
}

/// <summary>Notification preferences, each field with the event time of its last change (the latest change wins).</summary>
public sealed record NotificationPreferences
{
    /// <summary>IANA time zone for quiet hours and caps per local day; null uses the configured default.</summary>
    public string? TimeZone { get; init; }
    public string? PreferredChannel { get; init; }
    public bool? Push { get; init; }
    public bool? Email { get; init; }
    public bool? ServiceNotifications { get; init; }
    public bool? B2b { get; init; }
    public DateTimeOffset? ChangedAt { get; init; }
}

/// <summary>Data that is only briefly relevant. Each part carries its expiry and is invisible after it.</summary>
public sealed record TemporaryData
{
    public LocationFix? Location { get; init; }
    public SessionContext? Session { get; init; }

    [JsonIgnore]
    public bool IsEmpty => Location is null && Session is null;

    /// <summary>The latest expiry of any part: when the whole value can leave Redis.</summary>
    [JsonIgnore]
    public DateTimeOffset? ExpiresAt => new[] { Location?.ExpiresAt, Session?.ExpiresAt }.Max();

    /// <summary>What a reader at <paramref name="now"/> may see: expired parts are gone.</summary>
    public TemporaryData VisibleAt(DateTimeOffset now) => new()
    {
        Location = Location is { } l && l.ExpiresAt > now ? l : null,
        Session = Session is { } s && s.ExpiresAt > now ? s : null,
    };
}

public sealed record LocationFix(double Lat, double Lon, DateTimeOffset At, DateTimeOffset ExpiresAt);

public sealed record SessionContext(string SessionId, string? Channel, DateTimeOffset StartedAt, DateTimeOffset LastActivityAt, DateTimeOffset ExpiresAt, decimal? CheckoutCartValue);

/// <summary>
/// Caps on every list and map in a profile so one busy customer cannot grow a value without bound. The duplicate
/// window's cap is a setting (<see cref="ProfileRules.DuplicateWindowMaxEvents"/>), and the stored size as a whole
/// is held within <see cref="ProfileRules.MaxProfileBytes"/> by <see cref="ProfileTrimmer"/>.
/// </summary>
public static class ProfileLimits
{
    public const int CartLines = 50;
    public const int WishlistItems = 100;
    public const int Tombstones = 100;
    public const int OpenOrders = 50;
    public const int ClosedOrders = 100;
    public const int Weeks = 12;
    public const int CategoriesPerWeek = 30;
    public const int BrokenPromises = 20;
    public const int OpenContacts = 20;
    public const int Interests = 50;
    public const int RecentViews = 20;
    public const int RecentSearches = 10;
    public const int OfferOutcomes = 50;
}
