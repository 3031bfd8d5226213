using System.Text.Json.Serialization;
using MemoryPack;

namespace NextBestAction.Profiles;

/// <summary>
/// A score that halves every half-life of event time. Stored as its value at <see cref="At"/>; adding an event
/// older than <see cref="At"/> adds its decayed weight, a newer one first decays the score to the event's
/// time. The result does not depend on the order events arrive in.
/// </summary>
[MemoryPackable(GenerateType.VersionTolerant, SerializeLayout.Sequential)]
public sealed partial record DecayingScore(double Score, DateTimeOffset At)
{
    public DecayingScore Add(double weight, DateTimeOffset time, TimeSpan halfLife) =>
        time <= At
            ? this with { Score = Score + weight * Factor(At - time, halfLife) }
            : new DecayingScore(Score * Factor(time - At, halfLife) + weight, time);

    public double ValueAt(DateTimeOffset now, TimeSpan halfLife) => now <= At ? Score : Score * Factor(now - At, halfLife);

    private static double Factor(TimeSpan elapsed, TimeSpan halfLife) => Math.Pow(0.5, elapsed / halfLife);
}

[MemoryPackable(GenerateType.VersionTolerant, SerializeLayout.Sequential)]
public sealed partial record ProductView(string ProductId, string Category, string ProductLine, decimal Price, DateTimeOffset At);

[MemoryPackable(GenerateType.VersionTolerant, SerializeLayout.Sequential)]
public sealed partial record SearchEntry(string Query, DateTimeOffset At);

[MemoryPackable(GenerateType.VersionTolerant, SerializeLayout.Sequential)]
public sealed partial record CartLine(string ProductId, string Category, string ProductLine, decimal Price, int Quantity, DateTimeOffset AddedAt);

[MemoryPackable(GenerateType.VersionTolerant, SerializeLayout.Sequential)]
public sealed partial record WishlistItem(string ProductId, string Category, string ProductLine, decimal Price, DateTimeOffset AddedAt);

/// <param name="CategorySpend">Spend per category, so a cancellation can take it back out of the weekly figures.</param>
[MemoryPackable(GenerateType.VersionTolerant, SerializeLayout.Sequential)]
public sealed partial record OpenOrder(string OrderId, DateTimeOffset PlacedAt, DateTimeOffset PromisedDeliveryDate, decimal Total, IReadOnlyList<string> ProductLines,
    IReadOnlyDictionary<string, decimal>? CategorySpend = null);

[MemoryPackable(GenerateType.VersionTolerant, SerializeLayout.Sequential)]
public sealed partial record ClosedOrder(string Outcome, DateTimeOffset At)
{
    public const string Delivered = "delivered";
    public const string Cancelled = "cancelled";
}

[MemoryPackable(GenerateType.VersionTolerant, SerializeLayout.Sequential)]
public sealed partial record BrokenPromise(string OrderId, DateTimeOffset PromisedDeliveryDate, DateTimeOffset DeliveredAt);

[MemoryPackable(GenerateType.VersionTolerant, SerializeLayout.Sequential)]
public sealed partial record OpenContact(string TicketId, string Channel, string Topic, DateTimeOffset OpenedAt);

/// <summary>Outcomes of one action for this customer; <see cref="LastDeclinedAt"/> drives the contact policy's cool-down.</summary>
[MemoryPackable(GenerateType.VersionTolerant, SerializeLayout.Sequential)]
public sealed partial record OfferOutcomes(int Accepted, int Declined, DateTimeOffset LastAt)
{
    public int Ignored { get; init; }

    public DateTimeOffset? LastDeclinedAt { get; init; }
}

/// <summary>Consent per purpose, each with the event time of its last change (the latest change wins).</summary>
[MemoryPackable(GenerateType.VersionTolerant, SerializeLayout.Sequential)]
public sealed partial record ConsentState
{
    public bool? Marketing { get; init; }
    public DateTimeOffset? MarketingAt { get; init; }
    public bool? Profiling { get; init; }
    public DateTimeOffset? ProfilingAt { get; init; }
    public bool? Location { get; init; }
    public DateTimeOffset? LocationAt { get; init; }

    /// <summary>Explicit consent to special-category inferences (GDPR Art. 9), such as a pregnancy life stage.</summary>
    public bool? SpecialCategories { get; init; }
    public DateTimeOffset? SpecialCategoriesAt { get; init; }

    /// <summary>Processing restricted (GDPR Art. 18): the data is kept but used for nothing until lifted.</summary>
    public bool? Restricted { get; init; }
    public DateTimeOffset? RestrictedAt { get; init; }

    /// <summary>Nothing may be built from the customer's behaviour: they objected to profiling, or processing is restricted.</summary>
    [MemoryPackIgnore]
    public bool ProfilingStopped => Profiling == false || Restricted == true;
}

/// <summary>
/// One consent statement as it arrived, kept as proof (GDPR Art. 7(1)): when, what for each purpose (null = not
/// stated), which system sent it (the CloudEvents source), where it was collected and which consent text was shown.
/// </summary>
[MemoryPackable(GenerateType.VersionTolerant, SerializeLayout.Sequential)]
public sealed partial record ConsentRecord(DateTimeOffset At, bool? Marketing, bool? Profiling, bool? Location, string Sender, string? CollectedVia, string? TextVersion)
{
    /// <summary>Explicit consent to special-category inferences given (true) or withdrawn (false); null = not stated.</summary>
    public bool? SpecialCategories { get; init; }

    /// <summary>Restriction of processing set (true) or lifted (false) by this statement; null = not stated.</summary>
    public bool? Restricted { get; init; }

    /// <summary>Why the statement was made, where one was given (a privacy request's ticket).</summary>
    public string? Reason { get; init; }
}

/// <summary>Notification preferences, each field with the event time of its last change (the latest change wins).</summary>
[MemoryPackable(GenerateType.VersionTolerant, SerializeLayout.Sequential)]
public sealed partial record NotificationPreferences
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
[MemoryPackable(GenerateType.VersionTolerant, SerializeLayout.Sequential)]
public sealed partial record TemporaryData
{
    public LocationFix? Location { get; init; }
    public SessionContext? Session { get; init; }

    [JsonIgnore]
    [MemoryPackIgnore]
    public bool IsEmpty => Location is null && Session is null;

    /// <summary>The latest expiry of any part: when the whole value can leave Redis.</summary>
    [JsonIgnore]
    [MemoryPackIgnore]
    public DateTimeOffset? ExpiresAt => new[] { Location?.ExpiresAt, Session?.ExpiresAt }.Max();

    /// <summary>What a reader at <paramref name="now"/> may see: expired parts are gone.</summary>
    public TemporaryData VisibleAt(DateTimeOffset now) => new()
    {
        Location = Location is { } l && l.ExpiresAt > now ? l : null,
        Session = Session is { } s && s.ExpiresAt > now ? s : null,
    };
}

[MemoryPackable(GenerateType.VersionTolerant, SerializeLayout.Sequential)]
public sealed partial record LocationFix(double Lat, double Lon, DateTimeOffset At, DateTimeOffset ExpiresAt);

[MemoryPackable(GenerateType.VersionTolerant, SerializeLayout.Sequential)]
public sealed partial record SessionContext(string SessionId, string? Channel, DateTimeOffset StartedAt, DateTimeOffset LastActivityAt, DateTimeOffset ExpiresAt, decimal? CheckoutCartValue);

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
    public const int ConsentHistory = 50;
}
