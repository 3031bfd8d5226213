using System.Collections.Frozen;
using System.Runtime.InteropServices;
using NextBestAction.Decisioning.Catalog;
using NextBestAction.Profiles;

namespace NextBestAction.Decisioning.Engine;

/// <summary>
/// Everything the rules, the propensity model and the arbitration read about one decision, computed once from
/// profile, request context and contact history. Immutable after construction, so the decision log can
/// serialise it after the response has gone.
/// </summary>
public sealed class DecisionFeatures
{
    /// <summary>A cart line added this recently counts as intent expressed in this visit.</summary>
    public static readonly TimeSpan FreshIntentWindow = TimeSpan.FromMinutes(30);

    /// <summary>The window of <c>promises.broken90d</c>.</summary>
    public static readonly TimeSpan BrokenPromiseWindow = TimeSpan.FromDays(90);

    /// <summary>Stand-in for "never" in day counts, so a rule like <c>orders.daysSinceLast > 90</c> reads naturally.</summary>
    public const double Never = 36_500;

    // Shared, immutable empties: most decisions have an empty cart, wishlist or outcome history.
    private static readonly IReadOnlySet<string> NoTexts = FrozenSet<string>.Empty;
    private static readonly IReadOnlyDictionary<string, int> NoQuantities = FrozenDictionary<string, int>.Empty;
    private static readonly IReadOnlyDictionary<string, double> NoAffinity = FrozenDictionary<string, double>.Empty;
    private static readonly IReadOnlyDictionary<string, OfferOutcomes> NoOutcomes = FrozenDictionary<string, OfferOutcomes>.Empty;

    /// <summary>The ISO week of the last UTC day asked for; every decision of a day shares it, so it is formatted once.</summary>
    private static IsoWeekOfDay? lastIsoWeek;

    private DecisionFeatures(string touchpoint, string channel, DateTimeOffset now)
    {
        Touchpoint = touchpoint;
        Channel = channel;
        Now = now;
    }

    public string Touchpoint { get; }
    public string Channel { get; }
    public DateTimeOffset Now { get; }

    /// <summary>The profile could be read and exists.</summary>
    public bool Known { get; private set; }

    /// <summary>The customer objected to profiling: only the request context, consent and contact history are used.</summary>
    public bool ProfilingObjected { get; private set; }

    /// <summary>Processing of the customer's data is restricted (GDPR Art. 18): only the request context is used, and no marketing is shown.</summary>
    public bool ProcessingRestricted { get; private set; }

    public double CartValue { get; private set; }
    public double CartItems { get; private set; }
    public double CartLines { get; private set; }
    public IReadOnlySet<string> CartProductLines { get; private set; } = NoTexts;
    public IReadOnlySet<string> CartCategories { get; private set; } = NoTexts;
    public IReadOnlySet<string> CartProducts { get; private set; } = NoTexts;

    /// <summary>Product lines put in the cart in this visit (the request's cart or stored lines added in the last 30 minutes).</summary>
    public IReadOnlySet<string> FreshCartLines { get; private set; } = NoTexts;

    public IReadOnlyDictionary<string, int> CartQuantityByLine { get; private set; } = NoQuantities;

    public double OrdersCount { get; private set; }
    public double TotalSpend { get; private set; }
    public double OpenOrders { get; private set; }
    public double LateOrders { get; private set; }
    public double DaysSinceLastOrder { get; private set; } = Never;
    public double BrokenPromises90d { get; private set; }
    public double KeptPromises { get; private set; }
    public double OpenContacts { get; private set; }
    public double ServiceContacts { get; private set; }
    public double NotFirstTimeRight { get; private set; }
    public double FirstTimeRightRate { get; private set; } = 1;
    public double Returns { get; private set; }
    public double DaysSinceLastReturn { get; private set; } = Never;
    public double SpendThisWeek { get; private set; }
    public double NotificationsOpened { get; private set; }
    public double DaysSinceEngaged { get; private set; } = Never;
    public double TenureDays { get; private set; }
    public double BundlesAccepted { get; private set; }
    public double BundlesDeclined { get; private set; }
    public double ServicesAccepted { get; private set; }
    public double ServicesDeclined { get; private set; }

    /// <summary>A transparent prior of churn risk in [0, 1] from service trouble and lapsing orders; the churn model replaces it.</summary>
    public double ChurnRisk { get; private set; }

    /// <summary>True when <see cref="ChurnRisk"/> comes from the churn model rather than the prior.</summary>
    public bool ChurnFromModel { get; private set; }

    /// <summary>The customer's predicted spend over the value model's horizon, EUR; 0 without a value model.</summary>
    public double CustomerValue { get; private set; }

    /// <summary>
    /// How much this customer's value weighs against a typical customer's (the value model's reference): value / reference,
    /// kept between <see cref="MinValueWeight"/> and <see cref="MaxValueWeight"/>; 1 without a value model.
    /// </summary>
    public double ValueWeight { get; private set; } = 1;

    public const double MinValueWeight = 0.5;
    public const double MaxValueWeight = 2;

    /// <summary>A prior of price sensitivity in [0, 1]: the lower the average order value, the higher. 0.5 when unknown.</summary>
    public double PriceSensitivity { get; private set; } = 0.5;

    public bool MarketingConsent { get; private set; }
    public bool MarketingObjected { get; private set; }
    public bool ProfilingConsent { get; private set; }

    public IReadOnlySet<string> WishlistProductLines { get; private set; } = NoTexts;
    public IReadOnlySet<string> WishlistProducts { get; private set; } = NoTexts;

    /// <summary>Product lines with an affinity of at least 0.2.</summary>
    public IReadOnlySet<string> InterestProductLines { get; private set; } = NoTexts;

    /// <summary>Decayed interest per product line, scaled so the customer's strongest line is 1.</summary>
    public IReadOnlyDictionary<string, double> LineAffinity { get; private set; } = NoAffinity;

    public IReadOnlyDictionary<string, OfferOutcomes> OfferOutcomes { get; private set; } = NoOutcomes;

    public ContactHistory Contacts { get; private set; } = ContactHistory.Empty;

    public double Affinity(string? productLine) => productLine is not null && LineAffinity.TryGetValue(productLine, out var a) ? a : 0;

    public static DecisionFeatures Compute(
        CustomerProfile? profile,
        ContactHistory contacts,
        string touchpoint,
        string channel,
        IReadOnlyList<EngineCartItem> requestCart,
        DateTimeOffset now,
        ActionCatalog catalog,
        ProfileRules rules)
    {
        var consent = profile?.Consent;
        var restricted = consent?.Restricted == true;
        var profilingObjected = consent?.Profiling == false;
        // An objection to profiling leaves the decision to the request alone; consent itself must still be honoured.
        // A restriction uses nothing stored at all, contact history and consent included: the customer is treated as
        // unknown, and marketing (which would rest on their consent) is not shown.
        var usable = profilingObjected || restricted ? null : profile;
        var features = new DecisionFeatures(touchpoint, channel, now)
        {
            ProfilingObjected = profilingObjected && !restricted,
            ProcessingRestricted = restricted,
            MarketingConsent = !restricted && consent?.Marketing == true,
            MarketingObjected = restricted || consent?.Marketing == false,
            ProfilingConsent = !restricted && consent?.Profiling == true,
            Contacts = restricted ? ContactHistory.Empty : contacts,
        };
        features.ApplyCart(MergeCart(usable, requestCart, now));
        if (usable is not null)
        {
            features.ApplyProfile(usable, now, catalog, rules);
        }

        return features;
    }

    private void ApplyCart(ReadOnlySpan<CartView> cart)
    {
        CartLines = cart.Length;
        if (cart.IsEmpty)
        {
            return;
        }

        double value = 0;
        var items = 0;
        var lines = new HashSet<string>(cart.Length, StringComparer.Ordinal);
        var products = new HashSet<string>(cart.Length, StringComparer.Ordinal);
        var quantityByLine = new Dictionary<string, int>(cart.Length, StringComparer.Ordinal);
        HashSet<string>? categories = null;
        HashSet<string>? fresh = null;
        foreach (var line in cart)
        {
            value += line.Price * line.Quantity;
            items = checked(items + line.Quantity);
            lines.Add(line.ProductLine);
            products.Add(line.ProductId);
            CollectionsMarshal.GetValueRefOrAddDefault(quantityByLine, line.ProductLine, out _) += line.Quantity;
            if (line.Category is { } category)
            {
                (categories ??= new HashSet<string>(cart.Length, StringComparer.Ordinal)).Add(category);
            }

            if (line.Fresh)
            {
                (fresh ??= new HashSet<string>(cart.Length, StringComparer.Ordinal)).Add(line.ProductLine);
            }
        }

        CartValue = value;
        CartItems = items;
        CartProductLines = lines;
        CartProducts = products;
        CartQuantityByLine = quantityByLine;
        CartCategories = categories ?? NoTexts;
        FreshCartLines = fresh ?? NoTexts;
    }

    private void ApplyProfile(CustomerProfile p, DateTimeOffset now, ActionCatalog catalog, ProfileRules rules)
    {
        var scaled = ScaledAffinity(p.ProductLineInterest, now, rules.InterestHalfLife);

        double bundlesAccepted = 0, bundlesDeclined = 0, servicesAccepted = 0, servicesDeclined = 0;
        foreach (var (actionId, outcome) in p.OfferOutcomes)
        {
            // Outcomes of actions no longer in the catalog have no kind to count under.
            if (!catalog.ById.TryGetValue(actionId, out var action))
            {
                continue;
            }

            if (action.IsBundle)
            {
                bundlesAccepted += outcome.Accepted;
                bundlesDeclined += outcome.Declined;
            }
            else
            {
                servicesAccepted += outcome.Accepted;
                servicesDeclined += outcome.Declined;
            }
        }

        var since = now - BrokenPromiseWindow;
        var broken90d = 0;
        foreach (var promise in p.BrokenPromises)
        {
            broken90d += promise.DeliveredAt >= since ? 1 : 0;
        }

        var lateOrders = 0;
        foreach (var order in p.OpenOrders)
        {
            lateOrders += order.PromisedDeliveryDate < now ? 1 : 0;
        }

        var notFirstTimeRight = Math.Max(0, p.ResolvedContacts - p.FirstTimeRightContacts);
        var daysSinceLastOrder = DaysSince(p.LastOrderAt, now);
        var averageOrder = p.OrderCount == 0 ? (double?)null : (double)p.TotalSpend / p.OrderCount;

        Known = true;
        OrdersCount = p.OrderCount;
        TotalSpend = (double)p.TotalSpend;
        OpenOrders = p.OpenOrders.Count;
        LateOrders = lateOrders;
        DaysSinceLastOrder = daysSinceLastOrder;
        BrokenPromises90d = broken90d;
        KeptPromises = p.KeptPromises;
        OpenContacts = p.OpenContacts.Count;
        ServiceContacts = p.ContactMoments;
        NotFirstTimeRight = notFirstTimeRight;
        FirstTimeRightRate = p.FirstTimeRightRate ?? 1;
        Returns = p.Returns;
        DaysSinceLastReturn = DaysSince(p.LastReturnAt, now);
        SpendThisWeek = p.SpendPerWeek.TryGetValue(IsoWeek(now), out var week) ? (double)Sum(week) : 0;
        NotificationsOpened = p.NotificationsOpened;
        DaysSinceEngaged = DaysSince(p.LastEngagedAt, now);
        TenureDays = p.FirstSeenAt is { } first ? Math.Max(0, (now - first).TotalDays) : 0;
        BundlesAccepted = bundlesAccepted;
        BundlesDeclined = bundlesDeclined;
        ServicesAccepted = servicesAccepted;
        ServicesDeclined = servicesDeclined;
        ChurnRisk = ChurnPrior(broken90d, notFirstTimeRight, p.OpenContacts.Count, p.Returns, p.OrderCount, daysSinceLastOrder);
        PriceSensitivity = averageOrder is { } aov ? Math.Clamp(1 - (aov / 1000), 0.1, 1) : 0.5;
        if (p.Wishlist.Count > 0)
        {
            var wishedLines = new HashSet<string>(p.Wishlist.Count, StringComparer.Ordinal);
            var wishedProducts = new HashSet<string>(p.Wishlist.Count, StringComparer.Ordinal);
            foreach (var item in p.Wishlist)
            {
                wishedLines.Add(item.ProductLine);
                wishedProducts.Add(item.ProductId);
            }

            WishlistProductLines = wishedLines;
            WishlistProducts = wishedProducts;
        }

        InterestProductLines = scaled is null ? NoTexts : Interests(scaled);
        LineAffinity = scaled ?? NoAffinity;
        OfferOutcomes = p.OfferOutcomes;
    }

    /// <summary>
    /// Decayed interest per product line divided by the strongest line's; null when no line has a positive interest.
    /// Each decayed value is computed once; the strongest is found as <see cref="Enumerable.Max(IEnumerable{double})"/>
    /// does (NaN only when all are NaN).
    /// </summary>
    private static Dictionary<string, double>? ScaledAffinity(Dictionary<string, DecayingScore> interest, DateTimeOffset now, TimeSpan halfLife)
    {
        if (interest.Count == 0)
        {
            return null;
        }

        const int OnStack = 64;
        Span<double> values = interest.Count <= OnStack ? stackalloc double[interest.Count] : new double[interest.Count];
        var strongest = double.NaN;
        var i = 0;
        foreach (var score in interest.Values)
        {
            var value = values[i++] = score.ValueAt(now, halfLife);
            if (double.IsNaN(strongest) || value > strongest)
            {
                strongest = value;
            }
        }

        if (strongest <= 0)
        {
            return null;
        }

        var scaled = new Dictionary<string, double>(interest.Count, StringComparer.Ordinal);
        i = 0;
        foreach (var line in interest.Keys)
        {
            scaled.Add(line, values[i++] / strongest);
        }

        return scaled;
    }

    private static IReadOnlySet<string> Interests(Dictionary<string, double> affinity)
    {
        HashSet<string>? interests = null;
        foreach (var (line, value) in affinity)
        {
            if (value >= 0.2)
            {
                (interests ??= new HashSet<string>(StringComparer.Ordinal)).Add(line);
            }
        }

        return interests ?? NoTexts;
    }

    private static decimal Sum(Dictionary<string, decimal> spendByCategory)
    {
        var sum = 0m;
        foreach (var spend in spendByCategory.Values)
        {
            sum += spend;
        }

        return sum;
    }

    private static string IsoWeek(DateTimeOffset now)
    {
        var day = DateOnly.FromDateTime(now.UtcDateTime);
        if (lastIsoWeek is { } cached && cached.Day == day)
        {
            return cached.Week;
        }

        var week = ProfileUpdater.IsoWeek(now);
        lastIsoWeek = new IsoWeekOfDay(day, week);
        return week;
    }

    private sealed record IsoWeekOfDay(DateOnly Day, string Week);

    /// <summary>The churn model's probability replaces the prior; called before any action is scored.</summary>
    public void UseChurnModel(double probability)
    {
        ChurnRisk = Math.Clamp(probability, 0, 1);
        ChurnFromModel = true;
    }

    /// <summary>The value model's prediction and its reference (a typical customer's value) set the value and its weight.</summary>
    public void UseValueModel(double value, double reference)
    {
        CustomerValue = Math.Max(0, value);
        ValueWeight = reference > 0 ? Math.Clamp(CustomerValue / reference, MinValueWeight, MaxValueWeight) : 1;
    }

    /// <summary>
    /// Service trouble (broken promises, repeat contacts, an open contact, returns) and a lapsing order rhythm
    /// raise the risk; each term is capped so no single signal decides alone.
    /// </summary>
    private static double ChurnPrior(int broken90d, int notFirstTimeRight, int openContacts, int returns, int orders, double daysSinceLastOrder)
    {
        if (orders == 0 && broken90d == 0 && openContacts == 0)
        {
            return 0;
        }

        var risk = 0.05
            + (0.15 * Math.Min(2, broken90d))
            + (0.1 * Math.Min(2, notFirstTimeRight))
            + (openContacts > 0 ? 0.1 : 0)
            + (0.05 * Math.Min(2, returns))
            + (orders > 0 && daysSinceLastOrder > 90 ? 0.2 : 0);
        return Math.Min(1, risk);
    }

    private static double DaysSince(DateTimeOffset? at, DateTimeOffset now) => at is { } t ? Math.Max(0, (now - t).TotalDays) : Never;

    private readonly record struct CartView(string ProductId, string? Category, string ProductLine, double Price, int Quantity, bool Fresh);

    /// <summary>
    /// The stored cart with the request's cart on top: the webshop knows the cart at this moment best. A line
    /// replaces an earlier one of the same product in place, so lines keep the order they were first seen in.
    /// </summary>
    private static ReadOnlySpan<CartView> MergeCart(CustomerProfile? profile, IReadOnlyList<EngineCartItem> requestCart, DateTimeOffset now)
    {
        var stored = profile?.Cart;
        var capacity = (stored?.Count ?? 0) + requestCart.Count;
        if (capacity == 0)
        {
            return [];
        }

        var merged = new List<CartView>(capacity);
        var indexOf = new Dictionary<string, int>(capacity, StringComparer.Ordinal);
        if (stored is not null)
        {
            foreach (var line in stored)
            {
                Put(merged, indexOf, new CartView(line.ProductId, line.Category, line.ProductLine, (double)line.Price, line.Quantity, now - line.AddedAt <= FreshIntentWindow));
            }
        }

        for (var i = 0; i < requestCart.Count; i++)
        {
            var item = requestCart[i];
            Put(merged, indexOf, new CartView(item.ProductId!, item.Category, item.ProductLine!, (double)(item.Price ?? 0), item.Quantity ?? 1, Fresh: true));
        }

        return CollectionsMarshal.AsSpan(merged);
    }

    private static void Put(List<CartView> merged, Dictionary<string, int> indexOf, CartView line)
    {
        ref var index = ref CollectionsMarshal.GetValueRefOrAddDefault(indexOf, line.ProductId, out var exists);
        if (exists)
        {
            merged[index] = line;
            return;
        }

        index = merged.Count;
        merged.Add(line);
    }
}
