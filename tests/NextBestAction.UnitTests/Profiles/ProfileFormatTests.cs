using System.Text.Json;
using CsCheck;
using MemoryPack;
using NextBestAction.Profiles;

namespace NextBestAction.UnitTests.Profiles;

public sealed class ProfileFormatTests
{
    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Printable ASCII plus letters outside it (two- to four-byte UTF-8), as customer-supplied text may hold.</summary>
    private static readonly Gen<string> Text = Gen.String[Gen.OneOf(Gen.Char[' ', '~'], Gen.Int[0, 3].Select(i => "éß€中"[i])), 0, 12]
        .Select(Gen.Bool, (s, emoji) => emoji ? s + "😀" : s);

    private static readonly Gen<DateTimeOffset> Time = Gen.Long[0, TimeSpan.TicksPerDay * 800].Select(t => Epoch.AddTicks(t));

    private static readonly Gen<DateTimeOffset?> OptionalTime = Maybe(Time);

    private static readonly Gen<decimal> Money = Gen.Long[0, 10_000_000].Select(Gen.Int[0, 2], (cents, scale) => decimal.Round(cents / 100m, scale));

    private static readonly Gen<DecayingScore> Score = Gen.Double[0, 1000].Select(Time, (s, t) => new DecayingScore(s, t));

    /// <summary>Null a quarter of the time.</summary>
    private static Gen<T?> Maybe<T>(Gen<T> values)
        where T : struct =>
        Gen.Int[0, 3].Select(values, (n, value) => n == 0 ? (T?)null : value);

    private static Gen<Dictionary<string, T>> Map<T>(Gen<T> values, int max = 6) => Gen.Dictionary(Text, values)[0, max];

    private static readonly Gen<ProfileDecisionPart> DecisionPart =
        Gen.Select(
            Gen.Select(OptionalTime, OptionalTime, Map(Score), Map(Score), Map(Time), (first, last, categories, lines, lifeStages) => new ProfileDecisionPart
            {
                FirstSeenAt = first, LastSeenAt = last, CategoryInterest = categories, ProductLineInterest = lines, LifeStageSince = lifeStages,
            }),
            Gen.Select(Text, Text, Text, Money, Gen.Int[1, 5], Time, (p, c, l, price, q, at) => new CartLine(p, c, l, price, q, at)).List[0, 4],
            Gen.Select(Text, Text, Text, Money, Time, (p, c, l, price, at) => new WishlistItem(p, c, l, price, at)).List[0, 4],
            Gen.Select(Text, Time, Time, Money, Text.List[0, 3], Map(Money, 3).Null(), (id, placed, promised, total, lines, spend) =>
                new OpenOrder(id, placed, promised, total, lines, spend)).List[0, 3],
            Map(Map(Money, 3), 4),
            Gen.Select(Text, Time, Time, (id, promised, delivered) => new BrokenPromise(id, promised, delivered)).List[0, 3],
            Gen.Select(Text, Text, Text, Time, (id, channel, topic, at) => new OpenContact(id, channel, topic, at)).List[0, 3],
            Gen.Select(Gen.Int[0, 500], Money, OptionalTime, Gen.Int[0, 50], OptionalTime, Gen.Int[0, 50], Gen.Int[0, 50], Gen.Int[0, 50]),
            (part, cart, wishlist, orders, spend, promises, contacts, counts) =>
            {
                part.Cart = cart;
                part.Wishlist = wishlist;
                part.OpenOrders = orders;
                part.SpendPerWeek = spend;
                part.BrokenPromises = promises;
                part.OpenContacts = contacts;
                (part.OrderCount, part.TotalSpend, part.LastOrderAt, part.Returns, part.LastReturnAt, part.Cancellations, part.KeptPromises, part.BrokenPromiseCount) = counts;
                return part;
            })
        .Select(
            Gen.Select(Gen.Int[0, 100], Gen.Int[0, 100], Gen.Int[0, 100], Gen.Int[0, 100]),
            Map(Gen.Select(Gen.Int[0, 9], Gen.Int[0, 9], Time, Gen.Int[0, 9], OptionalTime, (a, d, at, i, declined) =>
                new OfferOutcomes(a, d, at) { Ignored = i, LastDeclinedAt = declined })),
            OptionalTime,
            Gen.Select(Maybe(Gen.Bool), OptionalTime, Maybe(Gen.Bool), OptionalTime, Maybe(Gen.Bool), OptionalTime, (m, mAt, p, pAt, l, lAt) =>
                new ConsentState { Marketing = m, MarketingAt = mAt, Profiling = p, ProfilingAt = pAt, Location = l, LocationAt = lAt }),
            (part, counts, outcomes, engaged, consent) =>
            {
                (part.ContactMoments, part.ResolvedContacts, part.FirstTimeRightContacts, part.NotificationsOpened) = counts;
                part.OfferOutcomes = outcomes;
                part.LastEngagedAt = engaged;
                part.Consent = consent;
                return part;
            });

    private static readonly Gen<ProfileBookkeeping> Bookkeeping =
        Gen.Select(
            Gen.Select(OptionalTime, Map(Score), Gen.Select(Text, Text, Text, Money, Time, (p, c, l, price, at) => new ProductView(p, c, l, price, at)).List[0, 4],
                Gen.Select(Text, Time, (q, at) => new SearchEntry(q, at)).List[0, 3], Map(Time), Map(Time), (updated, seasonal, views, searches, cartRemovals, wishlistRemovals) =>
                    new ProfileBookkeeping
                    {
                        UpdatedAt = updated, SeasonalInterest = seasonal, RecentViews = views, RecentSearches = searches,
                        CartRemovals = cartRemovals, WishlistRemovals = wishlistRemovals,
                    }),
            Map(Gen.Select(Gen.Bool.Select(delivered => delivered ? ClosedOrder.Delivered : ClosedOrder.Cancelled), Time, (outcome, at) => new ClosedOrder(outcome, at))),
            Map(Gen.Int[0, 20]),
            Map(Time),
            Map(Gen.Int[0, 20]),
            Map(Gen.Int[0, 20]),
            Gen.Select(Text.Null(), Text.Null(), Maybe(Gen.Bool), Maybe(Gen.Bool), Maybe(Gen.Bool), Maybe(Gen.Bool), OptionalTime, (zone, channel, push, email, service, b2b, at) =>
                new NotificationPreferences { TimeZone = zone, PreferredChannel = channel, Push = push, Email = email, ServiceNotifications = service, B2b = b2b, ChangedAt = at }),
            Gen.Select(Map(Gen.Long[0, long.MaxValue]), Gen.Dictionary(Gen.Long, Time)[0, 40], OptionalTime),
            (part, closed, ordersPerWeek, resolved, campaigns, opens, preferences, guards) =>
            {
                part.ClosedOrders = closed;
                part.OrdersPerWeek = ordersPerWeek;
                part.ResolvedTickets = resolved;
                part.CampaignResponses = campaigns;
                part.NotificationOpensByChannel = opens;
                part.Preferences = preferences;
                (part.AppliedOffsets, part.RecentEvents, part.ForgottenEventsUpTo) = guards;
                return part;
            });

    private static readonly Gen<TemporaryData> Temporary = Gen.Select(
        Gen.Select(Gen.Double[-90, 90], Gen.Double[-180, 180], Time, Time, (lat, lon, at, expires) => new LocationFix(lat, lon, at, expires)).Null(),
        Gen.Select(Text, Text.Null(), Time, Time, Time, Maybe(Money), (id, channel, started, last, expires, cart) =>
            new SessionContext(id, channel, started, last, expires, cart)).Null(),
        (location, session) => new TemporaryData { Location = location, Session = session });

    [Fact]
    public void Parts_RoundTrip_GiveTheSameProfile()
    {
        Gen.Select(Text, DecisionPart, Bookkeeping).Sample((customerId, decision, bookkeeping) =>
        {
            var profile = new CustomerProfile(customerId, decision, bookkeeping);

            var read = new CustomerProfile(
                customerId,
                ProfileFormat.DecodeDecisionPart(ProfileFormat.Encode(profile.Decision)),
                ProfileFormat.DecodeBookkeeping(ProfileFormat.Encode(profile.Bookkeeping)));

            Assert.Equal(Json(profile), Json(read));
        }, iter: 300);
    }

    [Fact]
    public void TemporaryData_RoundTrips()
    {
        Temporary.Sample(temporary =>
            Assert.Equal(
                JsonSerializer.Serialize(temporary, ProfilesJsonContext.Default.TemporaryData),
                JsonSerializer.Serialize(ProfileFormat.DecodeTemporary(ProfileFormat.Encode(temporary)), ProfilesJsonContext.Default.TemporaryData)),
            iter: 300);
    }

    [Fact]
    public void EveryStoredProperty_LivesInExactlyOnePart()
    {
        // The JSON of the profile is what the HTTP API shows and what release 1 stored: every property of it must be
        // stored in one binary part (else the binary format would lose it), except the pre-window hashes, which are
        // folded into the window before a binary write. (Computed properties are written to JSON but never read back.)
        var json = ProfilesJsonContext.Default.CustomerProfile.Properties.Where(p => p.Set is not null).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var decision = typeof(ProfileDecisionPart).GetProperties().Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name)).ToList();
        var bookkeeping = typeof(ProfileBookkeeping).GetProperties().Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name)).ToList();

        Assert.Empty(decision.Intersect(bookkeeping));
        Assert.Equal(
            json.Except(["customerId", "recentEventHashes", "decision", "bookkeeping", "temporary"]).Order(StringComparer.Ordinal),
            decision.Concat(bookkeeping).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void LegacyJson_IsRecognisedAndReadWhole()
    {
        var profile = new CustomerProfile { CustomerId = "cust-1", OrderCount = 2, RecentEventHashes = [42] };
        profile.AppliedOffsets["nba.orders/1"] = 7;
        var stored = JsonSerializer.SerializeToUtf8Bytes(profile, ProfilesJsonContext.Default.CustomerProfile);

        Assert.True(ProfileFormat.IsLegacyJson(stored));
        Assert.False(ProfileFormat.IsLegacyJson(ProfileFormat.Encode(profile.Decision)));
        var read = ProfileFormat.DecodeLegacyJson(stored);
        Assert.Equal(2, read.OrderCount);
        Assert.Equal(7, read.AppliedOffsets["nba.orders/1"]);
        Assert.Equal([42L], read.RecentEventHashes);
    }

    [Theory]
    [InlineData(new byte[0], "empty")]
    [InlineData(new byte[] { 0x02, 0x00 }, "format byte 0x02")]
    [InlineData(new byte[] { ProfileFormat.BinaryV1, 0xff }, "is null")]
    public void UnreadableValue_SaysWhy(byte[] stored, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => ProfileFormat.DecodeDecisionPart(stored));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatedValue_IsNotReadable()
    {
        var part = new ProfileDecisionPart { OrderCount = 3 };
        part.Cart.Add(new CartLine("p-1", "phones", "galaxy-s", 799m, 1, Epoch));
        var stored = ProfileFormat.Encode(part);

        var error = Assert.Throws<InvalidDataException>(() => ProfileFormat.DecodeDecisionPart(stored.AsSpan(0, stored.Length / 2)));

        Assert.Contains("not readable", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValueFromALaterRelease_WithAMemberAddedAtTheEnd_IsRead()
    {
        // A rolling deploy: the older release reads what the newer one wrote, and keeps what it knows.
        var later = new LaterTemporaryData
        {
            Location = new LocationFix(52.1, 4.3, Epoch, Epoch.AddHours(1)),
            Session = null,
            Weather = "rain",
        };
        byte[] stored = [ProfileFormat.BinaryV1, .. MemoryPackSerializer.Serialize(later)];

        var read = ProfileFormat.DecodeTemporary(stored);

        Assert.Equal(later.Location, read.Location);
        Assert.Null(read.Session);
    }

    [Fact]
    public void DuplicateWindow_IsStoredIn16BytesAnEntry_AndReadBack()
    {
        var window = new Dictionary<long, DateTimeOffset> { [42] = Epoch, [-7] = Epoch.AddTicks(123_456_789), [long.MaxValue] = Epoch.AddDays(400) };
        var empty = new ProfileBookkeeping();
        var full = new ProfileBookkeeping { RecentEvents = window };

        var read = ProfileFormat.DecodeBookkeeping(ProfileFormat.Encode(full)).RecentEvents;

        Assert.Equal(window.OrderBy(e => e.Key), read.OrderBy(e => e.Key));
        Assert.Equal(3 * 16, ProfileFormat.Encode(full).Length - ProfileFormat.Encode(empty).Length);
    }

    [Fact]
    public void DuplicateWindow_InTheLibrarysDictionaryLayout_IsRead()
    {
        // Bookkeeping parts written before the window had its own formatter hold MemoryPack's dictionary layout.
        var window = new Dictionary<long, DateTimeOffset> { [42] = Epoch, [-7] = Epoch.AddHours(5) };
        var stored = MemoryPackSerializer.Serialize(window);

        var read = ReadWindow(stored);

        Assert.Equal(window.OrderBy(e => e.Key), read!.OrderBy(e => e.Key));
        Assert.Null(ReadWindow(MemoryPackSerializer.Serialize<Dictionary<long, DateTimeOffset>?>(null)));
    }

    private static Dictionary<long, DateTimeOffset>? ReadWindow(byte[] stored)
    {
        using var state = MemoryPackReaderOptionalStatePool.Rent(MemoryPackSerializerOptions.Default);
        var reader = new MemoryPackReader(stored, state);
        Dictionary<long, DateTimeOffset>? read = null;
        DuplicateWindowFormatter.Default.Deserialize(ref reader, ref read);
        return read;
    }

    private static string Json(CustomerProfile profile) => JsonSerializer.Serialize(profile, ProfilesJsonContext.Default.CustomerProfile);
}

/// <summary><see cref="TemporaryData"/> as a later release might store it, with one more member at the end.</summary>
[MemoryPackable(GenerateType.VersionTolerant, SerializeLayout.Sequential)]
internal sealed partial class LaterTemporaryData
{
    public LocationFix? Location { get; init; }

    public SessionContext? Session { get; init; }

    public string? Weather { get; init; }
}
