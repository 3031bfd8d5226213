using NextBestAction.Decisioning.Rules;

namespace NextBestAction.UnitTests.Decisioning.Rules;

/// <summary>A toy scope with a few values of every attribute type, for the rule language tests.</summary>
internal sealed record RuleTestScope(
    double CartValue,
    double LateOrders,
    double BrokenPromises,
    bool MarketingConsent,
    bool BundleInCart,
    string? Touchpoint,
    string? ProductLine,
    string? Segment,
    IReadOnlySet<string> CartProductLines)
{
    public static RuleTestScope Sample { get; } = new(
        CartValue: 150,
        LateOrders: 0,
        BrokenPromises: 2,
        MarketingConsent: true,
        BundleInCart: false,
        Touchpoint: "checkout",
        ProductLine: "galaxy-s",
        Segment: null,
        CartProductLines: new HashSet<string>(["galaxy-s", "pixel"], StringComparer.Ordinal));

    /// <summary>
    /// The schema over this scope. "boom" throws when read, so a rule that reads it only passes when
    /// and/or short-circuit before reaching it.
    /// </summary>
    public static RuleSchema<RuleTestScope> Schema { get; } = new RuleSchema<RuleTestScope>()
        .Number("cart.value", s => s.CartValue, "Total value of the cart")
        .Number("orders.late", s => s.LateOrders, "Orders past their promised delivery date")
        .Number("promises.broken90d", s => s.BrokenPromises, "Promises broken in the last 90 days")
        .Boolean("consent.marketing", s => s.MarketingConsent, "The customer agreed to marketing")
        .Boolean("action.bundleInCart", s => s.BundleInCart, "The action's bundle is already in the cart")
        .Boolean("boom", _ => throw new InvalidOperationException("boom was read"), "Throws when read")
        .Text("touchpoint", s => s.Touchpoint, "Where the decision is shown")
        .Text("action.productLine", s => s.ProductLine, "The product line the action is about")
        .Text("customer.segment", s => s.Segment, "The customer's segment, null when unknown")
        .Set("cart.productLines", s => s.CartProductLines, "Product lines in the cart")
        .Set("customer.tags", _ => new HashSet<string>(StringComparer.Ordinal), "Tags on the customer");
}
