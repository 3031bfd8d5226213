using System.Text.Json;
using System.Text.Json.Serialization;
using System.Globalization;
using NextBestAction.Simulator;
using NextBestAction.Simulator.Responses;

namespace NextBestAction.Benchmarks.Decide;

/// <summary>
/// Writes the <c>decide</c> benchmark's action catalog (version <c>bench-50</c>): three bundle variants for each of
/// the simulated shop's 12 product lines (accessories in the cart's line, a larger one for bigger carts, a smaller one
/// for customers interested in the line without it in the cart), 13 service actions over the customer's delivery,
/// service and return history, and one fallback, so the engine weighs a realistic number of candidates per request.
/// Written in the rule-based catalog format of the engine rewrite; rules use only the attributes that engine
/// defines (<c>cart.*</c>, <c>action.*</c>, <c>orders.late</c>, <c>promises.broken90d</c>, <c>service.*</c>,
/// <c>returns.count</c>).
/// </summary>
internal static class BenchmarkCatalog
{
    public const string Version = "bench-50";

    private const string InCartLine = "cart.productLines contains action.productLine";
    private const string BundleNotInCart = "not action.bundleInCart";
    private const string ValidFrom = "2026-01-01T00:00:00Z";
    private const string ValidTo = "2030-01-01T00:00:00Z";

    private static readonly string[] WebAndApp = ["web", "app"];
    private static readonly string[] WebAppAndEmail = ["web", "app", "email"];

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };

    /// <summary>Accessories per product line: the shop's catalog has only the main products, so bundles name their own.</summary>
    private static readonly Dictionary<string, LineAccessories> Accessories = new(StringComparer.Ordinal)
    {
        ["galaxy-s"] = new("Galaxy S", 49, 24, 500, [("case", "case"), ("charger", "45 W charger"), ("buds", "Galaxy Buds")]),
        ["iphone"] = new("iPhone", 55, 26, 500, [("magsafe-case", "MagSafe case"), ("charger", "20 W charger"), ("airtag", "AirTag")]),
        ["pixel"] = new("Pixel", 59, 30, 500, [("case", "case"), ("buds", "Pixel Buds"), ("charger", "charger")]),
        ["macbook-air"] = new("MacBook Air", 89, 35, 800, [("sleeve", "sleeve"), ("usb-c-hub", "USB-C hub"), ("mouse", "mouse")]),
        ["thinkpad-x1"] = new("ThinkPad X1", 149, 40, 800, [("dock", "dock"), ("mouse", "mouse"), ("backpack", "backpack")]),
        ["airpods"] = new("AirPods", 29, 9, 100, [("case", "case"), ("tips", "spare ear tips"), ("charging-pad", "charging pad")]),
        ["sony-wh"] = new("Sony WH", 35, 11, 100, [("case", "travel case"), ("cable", "audio cable"), ("stand", "headphone stand")]),
        ["nespresso-vertuo"] = new("Nespresso Vertuo", 45, 14, 100, [("capsules-50", "50 capsules"), ("descaler", "descaling kit"), ("milk-frother", "milk frother")]),
        ["airfryer-xl"] = new("Airfryer XL", 39, 12, 100, [("grill-pan", "grill pan"), ("cookbook", "cookbook"), ("baking-kit", "baking kit")]),
        ["lego-technic"] = new("LEGO Technic", 35, 10, 100, [("motor", "motor"), ("lights", "light kit"), ("display-case", "display case")]),
        ["socks-men"] = new("Men's socks", 15, 4, 30, [("5pack", "second 5-pack"), ("gift-box", "gift box"), ("wool-pair", "wool pair")]),
        ["baby-care"] = new("Baby care", 29, 8, 100, [("wipes-12", "12 packs of wipes"), ("lotion", "lotion"), ("bottle-brush", "bottle brush")]),
    };

    /// <summary>Writes <c>bench-50.json</c> into <paramref name="directory"/> and returns its path.</summary>
    public static string Write(string directory)
    {
        var path = Path.Combine(directory, $"{Version}.json");
        File.WriteAllBytes(path, Utf8Json());
        return path;
    }

    /// <summary>The catalog file's content.</summary>
    public static byte[] Utf8Json() => JsonSerializer.SerializeToUtf8Bytes(Create(), Json);

    /// <summary>
    /// bench-50 with the actions a scenario's world adds (none for the default one), as catalog JSON and its version:
    /// a 40 % deal per line (0.7 of the bundle's value) for <c>price-sensitive</c>, two services open to anyone for <c>service-loyal</c>, the fading
    /// line's next bundle from the change on for <c>drift</c>.
    /// </summary>
    public static (byte[] Utf8Json, string Version) ForScenario(ResponseScenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var extra = ScenarioActions(scenario).ToList();
        if (extra.Count == 0)
        {
            return (Utf8Json(), Version);
        }

        var version = $"{Version}+{scenario.Name}";
        var bench = Create();
        var catalog = bench with { Version = version, Actions = [.. bench.Actions, .. extra] };
        return (JsonSerializer.SerializeToUtf8Bytes(catalog, Json), version);
    }

    private static IEnumerable<CatalogAction> ScenarioActions(ResponseScenario scenario)
    {
        switch (scenario)
        {
            case PriceSensitiveScenario:
                foreach (var line in SimulatedCatalog.ProductLines)
                {
                    var a = Accessories[line.Name];
                    yield return Bundle($"bundle-{line.Name}{PriceSensitiveScenario.DealSuffix}", line.Name, $"{a.Name} {a.Products[1].Label} at 40% off",
                        [$"p-{line.Name}-{a.Products[1].Suffix}"], discount: 40, Math.Round(a.Price * 0.6), Math.Round(a.Value * 0.7), lever: 1.0, WebAndApp,
                        [InCartLine, BundleNotInCart], new ActionContactPolicy(2, 4, 72));
                }

                break;
            case ServiceLoyalScenario:
                yield return Service(ServiceLoyalScenario.CarePlanId, "Care plan: repairs and help for two years", 15, "cart.value >= 50");
                yield return Service(ServiceLoyalScenario.SetupHelpId, "Free set-up help for what you buy", 8, "true");
                break;
            case DriftScenario drift:
                var next = Accessories[DriftScenario.FadingLine];
                yield return Bundle(DriftScenario.NewActionId, DriftScenario.FadingLine, $"{next.Name} next-generation accessories at 15% off",
                    [$"p-{DriftScenario.FadingLine}-next"], discount: 15, next.Price, next.Value, lever: 1.0, WebAndApp,
                    [InCartLine, BundleNotInCart], new ActionContactPolicy(2, 4, 72))
                    with { ValidFrom = drift.ChangeAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) };
                break;
        }
    }

    public static CatalogFile Create()
    {
        var bundles = SimulatedCatalog.ProductLines.SelectMany(line => Bundles(line.Name, Accessories.TryGetValue(line.Name, out var a)
            ? a
            : throw new InvalidOperationException($"{nameof(BenchmarkCatalog)} has no accessories for the simulated product line {line.Name}; add them.")));
        return new CatalogFile(
            Version,
            new GlobalContactPolicy(MaxPerDayOverall: 20, MaxPerWeekOverall: 50, MarketingConsent: "optOut"),
            new Dictionary<string, Dictionary<string, double>>(StringComparer.Ordinal)
            {
                ["checkout"] = new(StringComparer.Ordinal) { ["bundle"] = 1.2, ["service"] = 1.0 },
                ["cart"] = new(StringComparer.Ordinal) { ["bundle"] = 1.1, ["service"] = 1.0 },
                ["account"] = new(StringComparer.Ordinal) { ["bundle"] = 0.7, ["service"] = 1.3 },
            },
            [
                new Suppression("no-upsell-during-service-issue", "bundle", "service.openContacts > 0 or orders.late > 0",
                    "no upsell while the customer waits for service"),
                new Suppression("no-upsell-after-repeated-contacts", "bundle", "service.notFirstTimeRight >= 2",
                    "no upsell to a customer who had to contact us repeatedly"),
            ],
            [.. bundles, .. ServiceActions()]);
    }

    private static IEnumerable<CatalogAction> Bundles(string line, LineAccessories a)
    {
        string Product(int i) => $"p-{line}-{a.Products[i].Suffix}";

        yield return Bundle($"bundle-{line}", line, $"{a.Name} {a.Products[0].Label} and {a.Products[1].Label} at 15% off",
            [Product(0), Product(1)], discount: 15, a.Price, a.Value, lever: 1.0, WebAndApp,
            [InCartLine, BundleNotInCart], new ActionContactPolicy(2, 4, 72));
        yield return Bundle($"bundle-{line}-complete", line,
            $"{a.Name} {a.Products[0].Label}, {a.Products[1].Label} and {a.Products[2].Label} at 20% off",
            [Product(0), Product(1), Product(2)], discount: 20, Math.Round(a.Price * 1.6), Math.Round(a.Value * 1.5), lever: 0.9, WebAndApp,
            [InCartLine, BundleNotInCart, $"cart.value >= {a.CompleteFromCartValue}"], new ActionContactPolicy(1, 3, 96));
        yield return Bundle($"bundle-{line}-interest", line, $"{a.Name} {a.Products[0].Label} at 10% off",
            [Product(0)], discount: 10, Math.Round(a.Price * 0.5), Math.Round(a.Value * 0.5), lever: 0.8, WebAppAndEmail,
            ["action.affinity >= 0.2", BundleNotInCart], new ActionContactPolicy(1, 2, 168));
    }

    private static CatalogAction Bundle(
        string id, string line, string title, string[] products, int discount, double price, double value, double lever, string[] channels,
        string[] eligibility, ActionContactPolicy contactPolicy) =>
        new(id, "bundle", title, value, lever, channels, eligibility)
        {
            ProductLine = line,
            BundleProducts = products,
            DiscountPercent = discount,
            Price = price,
            ValidFrom = ValidFrom,
            ValidTo = ValidTo,
            ContactPolicy = contactPolicy,
        };

    private static IEnumerable<CatalogAction> ServiceActions()
    {
        yield return Service("service-late-delivery-callback", "Priority call-back about your late delivery", 15,
            "orders.late >= 1 or promises.broken90d >= 1");
        yield return Service("service-late-order-tracking", "Live tracking and a direct line for your late order", 12, "orders.late >= 1");
        yield return Service("service-late-order-escalation", "A senior agent is already on your late order and open question", 18,
            "orders.late >= 1", "service.openContacts >= 1");
        yield return Service("service-delivery-apology", "Free express delivery on your next order, with our apologies", 10,
            "promises.broken90d >= 1");
        yield return Service("service-repeat-delay-account-manager", "A personal contact for your next deliveries", 20, "promises.broken90d >= 2");
        yield return Service("service-open-contact-status", "Status update on your open service request", 8, "service.openContacts >= 1");
        yield return Service("service-open-contact-chat", "Continue your chat with customer service", 6, "service.openContacts >= 1");
        yield return Service("service-senior-agent", "A direct line to a senior agent", 14, "service.notFirstTimeRight >= 1");
        yield return Service("service-repeated-contact-callback", "We call you back to settle your question for good", 16,
            "service.notFirstTimeRight >= 2 or service.openContacts >= 2");
        yield return Service("service-return-pickup", "Free pick-up for your next return", 7, "returns.count >= 1");
        yield return Service("service-return-advice", "Advice from a product expert before your next purchase", 9, "returns.count >= 2");
        yield return Service("service-return-refund-status", "Where your refund stands", 5, "returns.count >= 1", "service.openContacts >= 1");
        yield return Service("service-delay-and-return", "Free returns for a year after a late delivery", 11,
            "promises.broken90d >= 1", "returns.count >= 1");
        yield return Service("service-advisor-call", "A call from a product advisor to help you choose", 3, "true");
    }

    private static CatalogAction Service(string id, string title, double value, params string[] eligibility) =>
        new(id, "service", title, value, 1.0, WebAndApp, eligibility) { Marketing = false };

    private sealed record LineAccessories(
        string Name, double Price, double Value, int CompleteFromCartValue, (string Suffix, string Label)[] Products);
}

/// <summary>The catalog document of the rule-based engine.</summary>
internal sealed record CatalogFile(
    string Version,
    GlobalContactPolicy ContactPolicy,
    Dictionary<string, Dictionary<string, double>> ContextWeights,
    IReadOnlyList<Suppression> Suppressions,
    IReadOnlyList<CatalogAction> Actions);

internal sealed record GlobalContactPolicy(int MaxPerDayOverall, int MaxPerWeekOverall, string MarketingConsent);

internal sealed record Suppression(string Id, string AppliesTo, string When, string Reason);

internal sealed record ActionContactPolicy(int MaxPerDay, int MaxPerWeek, int CooldownAfterDeclineHours);

internal sealed record CatalogAction(
    string Id, string Kind, string Title, double Value, double Lever, IReadOnlyList<string> Channels, IReadOnlyList<string> Eligibility)
{
    public string? ProductLine { get; init; }
    public IReadOnlyList<string>? BundleProducts { get; init; }
    public int? DiscountPercent { get; init; }
    public double? Price { get; init; }
    public string? ValidFrom { get; init; }
    public string? ValidTo { get; init; }
    public bool? Marketing { get; init; }
    public ActionContactPolicy? ContactPolicy { get; init; }
}
