namespace NextBestAction.Simulator;

/// <summary>A product of the simulated shop. <see cref="SuccessorId"/> is the newer version announced by product.version_released.</summary>
public sealed record SimulatedProduct(string Id, string Category, string ProductLine, decimal ListPrice, string? SuccessorId);

/// <summary>
/// A product line: the unit the decision engine's action catalog offers bundles for.
/// <see cref="Popularity"/> weighs how often customers pick it as a favourite; gift ideas are what people buy for others.
/// </summary>
public sealed record SimulatedProductLine(
    string Name, string Category, int Popularity, bool GiftIdea, IReadOnlyList<string> SearchTerms, IReadOnlyList<SimulatedProduct> Products);

/// <summary>
/// The fixed catalog of the simulated shop. The product lines must match the bundles of the decision engine's
/// action catalog, so change them together. Product ids are <c>p-{line}-{model}</c>; prices are EUR list prices.
/// </summary>
public static class SimulatedCatalog
{
    public static IReadOnlyList<SimulatedProductLine> ProductLines { get; } =
    [
        Line("galaxy-s", "phones", 10, false, ["galaxy s25", "samsung galaxy", "android phone"],
            ("24", 699m, "25"), ("25", 899m, null), ("25-plus", 1099m, null), ("25-ultra", 1449m, null)),
        Line("iphone", "phones", 12, false, ["iphone 16", "iphone pro", "apple phone"],
            ("15", 799m, "16"), ("16", 969m, null), ("16-pro", 1229m, null), ("16-pro-max", 1479m, null)),
        Line("pixel", "phones", 4, false, ["pixel 9", "google pixel"],
            ("8", 599m, "9"), ("9", 899m, null), ("9-pro", 1099m, null)),
        Line("macbook-air", "laptops", 6, false, ["macbook air", "apple laptop"],
            ("13-m3", 1099m, "13-m4"), ("13-m4", 1199m, null), ("15-m4", 1499m, null)),
        Line("thinkpad-x1", "laptops", 3, false, ["thinkpad x1", "business laptop"],
            ("carbon-g12", 1899m, "carbon-g13"), ("carbon-g13", 2099m, null), ("2in1-g10", 2199m, null)),
        Line("airpods", "headphones", 8, true, ["airpods", "airpods pro", "wireless earbuds"],
            ("4", 149m, null), ("pro-2", 279m, "pro-3"), ("pro-3", 249m, null), ("max", 579m, null)),
        Line("sony-wh", "headphones", 5, true, ["sony headphones", "noise cancelling headphones"],
            ("ch720n", 129m, null), ("1000xm4", 249m, "1000xm5"), ("1000xm5", 349m, "1000xm6"), ("1000xm6", 449m, null)),
        Line("nespresso-vertuo", "kitchen", 6, false, ["nespresso", "coffee machine"],
            ("pop", 99m, "pop-plus"), ("pop-plus", 119m, null), ("next", 149m, null), ("lattissima", 399m, null)),
        Line("airfryer-xl", "kitchen", 7, false, ["airfryer", "air fryer xl"],
            ("essential", 119m, null), ("dual", 169m, null), ("xxl-premium", 299m, null)),
        Line("lego-technic", "toys", 5, true, ["lego technic", "lego car"],
            ("bugatti-bolide", 49.99m, null), ("porsche-963", 179.99m, null), ("ferrari-sf24", 219.99m, null), ("liebherr-crane", 679.99m, null)),
        Line("socks-men", "fashion-men", 3, true, ["mens socks", "socks gift box"],
            ("3-pack", 12.99m, null), ("wool", 19.95m, null), ("7-pack", 24.99m, null), ("gift-box", 17.95m, null)),
        Line("baby-care", "baby", 4, false, ["baby monitor", "diapers", "baby bottles"],
            ("diapers-box", 39.99m, null), ("bottle-set", 29.95m, null), ("changing-mat", 34.95m, null), ("monitor", 149m, null)),
    ];

    public static IReadOnlyList<SimulatedProduct> Products { get; } = [.. ProductLines.SelectMany(l => l.Products)];

    private static readonly HashSet<string> GiftLineNames = [.. ProductLines.Where(l => l.GiftIdea).Select(l => l.Name)];

    /// <summary><paramref name="productLine"/> is a line people buy as a gift.</summary>
    public static bool IsGiftLine(string? productLine) => productLine is not null && GiftLineNames.Contains(productLine);

    private static SimulatedProductLine Line(
        string name, string category, int popularity, bool giftIdea, string[] searchTerms,
        params (string Model, decimal Price, string? SuccessorModel)[] products) =>
        new(name, category, popularity, giftIdea, searchTerms,
            [.. products.Select(p => new SimulatedProduct(
                $"p-{name}-{p.Model}", category, name, p.Price, p.SuccessorModel is null ? null : $"p-{name}-{p.SuccessorModel}"))]);
}
