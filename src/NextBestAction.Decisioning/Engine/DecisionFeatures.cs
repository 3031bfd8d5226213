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

    private static readonly Dictionary<string, double> NoAffinity = [];

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

    public double CartValue { get; private set; }
    public double CartItems { get; private set; }
    public double CartLines { get; private set; }
    public HashSet<string> CartProductLines { get; private set; } = [];
    public HashSet<string> CartCategories { get; private set; } = [];
    public HashSet<string> CartProducts { get; private set; } = [];

    /// <summary>Product lines put in the cart in this visit (the request's cart or stored lines added in the last 30 minutes).</summary>
    public HashSet<string> FreshCartLines { get; private set; } = [];

    public Dictionary<string, int> CartQuantityByLine { get; private set; } = [];

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

    /// <summary>A prior of price sensitivity in [0, 1]: the lower the average order value, the higher. 0.5 when unknown.</summary>
    public double PriceSensitivity { get; private set; } = 0.5;

    public bool MarketingConsent { get; private set; }
    public bool MarketingObjected { get; private set; }
    public bool ProfilingConsent { get; private set; }

    public HashSet<string> WishlistProductLines { get; private set; } = [];
    public HashSet<string> WishlistProducts { get; private set; } = [];

    /// <summary>Product lines with an affinity of at least 0.2.</summary>
    public HashSet<string> InterestProductLines { get; private set; } = [];

    /// <summary>Decayed interest per product line, scaled so the customer's strongest line is 1.</summary>
    public IReadOnlyDictionary<string, double> LineAffinity { get; private set; } = NoAffinity;

    public IReadOnlyDictionary<string, OfferOutcomes> OfferOutcomes { get; private set; } = new Dictionary<string, OfferOutcomes>();

    public ContactHistory Contacts { get; private set; } = ContactHistory.Empty;

    public double Affinity(string? productLine) => productLine is not null && LineAffinity.TryGetValue(productLine, out var a) ? a : 0;

    public static DecisionFeatures Compute(
        CustomerProfile? profile,
        ContactHistory contacts,
        string touchpoint,
        string channel,
        IReadOnlyList<RequestCartItem> requestCart,
        DateTimeOffset now,
        ActionCatalog catalog,
        ProfileRules rules)
    {
        var consent = profile?.Consent;
        var profilingObjected = consent?.Profiling == false;
        // An objection to profiling leaves the decision to the request alone; consent itself must still be honoured.
        var usable = profilingObjected ? null : profile;
        var cart = MergeCart(usable, requestCart, now);
        var quantityByLine = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var line in cart)
        {
            quantityByLine[line.ProductLine] = quantityByLine.GetValueOrDefault(line.ProductLine) + line.Quantity;
        }

        var features = new DecisionFeatures(touchpoint, channel, now)
        {
            ProfilingObjected = profilingObjected,
            CartValue = cart.Sum(c => c.Price * c.Quantity),
            CartItems = cart.Sum(c => c.Quantity),
            CartLines = cart.Count,
            CartProductLines = [.. cart.Select(c => c.ProductLine)],
            CartCategories = [.. cart.Where(c => c.Category is not null).Select(c => c.Category!)],
            CartProducts = [.. cart.Select(c => c.ProductId)],
            FreshCartLines = [.. cart.Where(c => c.Fresh).Select(c => c.ProductLine)],
            CartQuantityByLine = quantityByLine,
            MarketingConsent = consent?.Marketing == true,
            MarketingObjected = consent?.Marketing == false,
            ProfilingConsent = consent?.Profiling == true,
            Contacts = contacts,
        };
        if (usable is not null)
        {
            features.ApplyProfile(usable, now, catalog, rules);
        }

        return features;
    }

    private void ApplyProfile(CustomerProfile p, DateTimeOffset now, ActionCatalog catalog, ProfileRules rules)
    {
        var affinity = p.ProductLineAffinity(now, rules);
        var strongest = affinity.Count == 0 ? 0 : affinity.Values.Max();
        var scaled = strongest <= 0
            ? NoAffinity
            : affinity.ToDictionary(kv => kv.Key, kv => kv.Value / strongest, StringComparer.Ordinal);

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

        var broken90d = p.BrokenPromisesSince(now - BrokenPromiseWindow);
        var notFirstTimeRight = Math.Max(0, p.ResolvedContacts - p.FirstTimeRightContacts);
        var daysSinceLastOrder = DaysSince(p.LastOrderAt, now);
        var averageOrder = p.OrderCount == 0 ? (double?)null : (double)p.TotalSpend / p.OrderCount;

        Known = true;
        OrdersCount = p.OrderCount;
        TotalSpend = (double)p.TotalSpend;
        OpenOrders = p.OpenOrders.Count;
        LateOrders = p.LateOpenOrders(now).Count();
        DaysSinceLastOrder = daysSinceLastOrder;
        BrokenPromises90d = broken90d;
        KeptPromises = p.KeptPromises;
        OpenContacts = p.OpenContacts.Count;
        ServiceContacts = p.ContactMoments;
        NotFirstTimeRight = notFirstTimeRight;
        FirstTimeRightRate = p.FirstTimeRightRate ?? 1;
        Returns = p.Returns;
        DaysSinceLastReturn = DaysSince(p.LastReturnAt, now);
        SpendThisWeek = p.SpendPerWeek.TryGetValue(ProfileUpdater.IsoWeek(now), out var week) ? (double)week.Values.Sum() : 0;
        NotificationsOpened = p.NotificationsOpened;
        DaysSinceEngaged = DaysSince(p.LastEngagedAt, now);
        TenureDays = p.FirstSeenAt is { } first ? Math.Max(0, (now - first).TotalDays) : 0;
        BundlesAccepted = bundlesAccepted;
        BundlesDeclined = bundlesDeclined;
        ServicesAccepted = servicesAccepted;
        ServicesDeclined = servicesDeclined;
        ChurnRisk = ChurnPrior(broken90d, notFirstTimeRight, p.OpenContacts.Count, p.Returns, p.OrderCount, daysSinceLastOrder);
        PriceSensitivity = averageOrder is { } aov ? Math.Clamp(1 - (aov / 1000), 0.1, 1) : 0.5;
        WishlistProductLines = [.. p.Wishlist.Select(w => w.ProductLine)];
        WishlistProducts = [.. p.Wishlist.Select(w => w.ProductId)];
        InterestProductLines = [.. scaled.Where(kv => kv.Value >= 0.2).Select(kv => kv.Key)];
        LineAffinity = scaled;
        OfferOutcomes = p.OfferOutcomes;
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

    private sealed record CartView(string ProductId, string? Category, string ProductLine, double Price, int Quantity, bool Fresh);

    /// <summary>The stored cart with the request's cart on top: the webshop knows the cart at this moment best.</summary>
    private static List<CartView> MergeCart(CustomerProfile? profile, IReadOnlyList<RequestCartItem> requestCart, DateTimeOffset now)
    {
        var merged = new Dictionary<string, CartView>(StringComparer.Ordinal);
        foreach (var line in profile?.Cart ?? [])
        {
            merged[line.ProductId] = new CartView(line.ProductId, line.Category, line.ProductLine, (double)line.Price, line.Quantity, now - line.AddedAt <= FreshIntentWindow);
        }

        foreach (var item in requestCart)
        {
            merged[item.ProductId!] = new CartView(item.ProductId!, item.Category, item.ProductLine!, (double)(item.Price ?? 0), item.Quantity ?? 1, Fresh: true);
        }

        return [.. merged.Values];
    }
}
