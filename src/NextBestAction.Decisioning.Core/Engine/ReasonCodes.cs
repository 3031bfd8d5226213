using System.Globalization;

namespace NextBestAction.Decisioning.Engine;

/// <summary>Readable reason codes for the features of the propensity model: <c>CODE: sentence</c>.</summary>
public static class ReasonCodes
{
    private static readonly Dictionary<string, Func<RuleScope, string>> Texts = new(StringComparer.Ordinal)
    {
        ["cart_product_line"] = s => $"CART_PRODUCT_LINE: the cart holds {s.CartLineQuantity} {s.Action.ProductLine} item(s)",
        ["fresh_cart_intent"] = s => $"FRESH_INTENT: a {s.Action.ProductLine} product was put in the cart in this visit",
        ["cart_line_quantity"] = s => $"SEVERAL_ITEMS: {s.CartLineQuantity} items of this line in the cart",
        ["product_line_affinity"] = s => string.Create(CultureInfo.InvariantCulture, $"LINE_AFFINITY: strong interest in {s.Action.ProductLine} ({s.Features.Affinity(s.Action.ProductLine):0.00} of the customer's top line)"),
        ["discount_appeal"] = s => string.Create(CultureInfo.InvariantCulture, $"DISCOUNT_APPEAL: {s.Action.DiscountPercent:0.#}% off suits this customer's price sensitivity ({s.Features.PriceSensitivity:0.00})"),
        ["past_bundle_answers"] = s => $"ACCEPTS_BUNDLES: accepted {s.Features.BundlesAccepted} of {s.Features.BundlesAccepted + s.Features.BundlesDeclined} bundle offers",
        ["late_orders"] = s => $"LATE_ORDER: {s.Features.LateOrders} order(s) are past their promised delivery date right now",
        ["broken_promises_90d"] = s => $"BROKEN_PROMISE: {s.Features.BrokenPromises90d} delivery(ies) in the last 90 days arrived after the promised date",
        ["open_service_contacts"] = s => $"OPEN_SERVICE_CONTACT: {s.Features.OpenContacts} service contact(s) are open",
        ["not_first_time_right"] = s => $"NOT_FIRST_TIME_RIGHT: {s.Features.NotFirstTimeRight} issue(s) needed more than one contact",
        ["returns"] = s => $"RETURNS: {s.Features.Returns} product(s) returned",
        ["churn_risk"] = s => string.Create(CultureInfo.InvariantCulture, $"CHURN_RISK: churn risk {s.Features.ChurnRisk:0.00}"),
        [DecisionEngine.AdaptiveFeature] = s => $"LEARNT_FROM_OUTCOMES: customers at the {s.Features.Touchpoint} touch point accepted this offer more often than the model expected",
        ["past_service_answers"] = s => $"ACCEPTS_SERVICE: accepted {s.Features.ServicesAccepted} of {s.Features.ServicesAccepted + s.Features.ServicesDeclined} service offers",
    };

    /// <summary>A trained model's features are rule attributes; the ones with a prior counterpart share its text.</summary>
    private static readonly Dictionary<string, string> ModelFeatureAliases = new(StringComparer.Ordinal)
    {
        ["action.inCart"] = "cart_product_line",
        ["action.freshIntent"] = "fresh_cart_intent",
        ["action.cartQuantity"] = "cart_line_quantity",
        ["action.affinity"] = "product_line_affinity",
        ["action.discountPercent"] = "discount_appeal",
        ["price.sensitivity"] = "discount_appeal",
        ["offers.bundlesAccepted"] = "past_bundle_answers",
        ["orders.late"] = "late_orders",
        ["promises.broken90d"] = "broken_promises_90d",
        ["service.openContacts"] = "open_service_contacts",
        ["service.notFirstTimeRight"] = "not_first_time_right",
        ["returns.count"] = "returns",
        ["churn.risk"] = "churn_risk",
        ["offers.servicesAccepted"] = "past_service_answers",
    };

    private static readonly Dictionary<string, Func<RuleScope, double>> Attributes =
        DecisionAttributes.Numeric.ToDictionary(a => a.Name, a => a.Get, StringComparer.Ordinal);

    public static bool Has(string feature) => Texts.ContainsKey(feature) || Attributes.ContainsKey(feature);

    /// <summary>The feature's reason text; a model feature without its own text is named with its value.</summary>
    public static string Describe(string feature, RuleScope scope) =>
        Texts.TryGetValue(ModelFeatureAliases.GetValueOrDefault(feature, feature), out var text)
            ? text(scope)
            : string.Create(CultureInfo.InvariantCulture, $"MODEL_FEATURE: {feature} is {Attributes[feature](scope):0.##}");
}
