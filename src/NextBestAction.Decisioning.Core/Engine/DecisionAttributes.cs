using NextBestAction.Decisioning.Rules;

namespace NextBestAction.Decisioning.Engine;

/// <summary>
/// The attributes eligibility and suppression rules may name; the rule language, the decision log and the models
/// take them from here.
/// </summary>
/// <remarks>
/// Adding a rule attribute:
/// 1. If it needs a value the engine does not compute yet: a property of <see cref="DecisionFeatures"/>, set in
///    <see cref="DecisionFeatures.Compute"/> from the profile, the contact history or the request (keep it pure).
/// 2. A line below: its name (dotted, lower camel case), the getter and a description for people.
/// 3. A row in the attribute table of docs/decisions.md (<c>DecisionAttributesTests</c> fails without it).
/// Number and yes/no attributes are then also recorded in the decision log and offered to trained models by name
/// (<see cref="Numeric"/>, <c>ModelFeatures</c>); nothing else to register.
/// </remarks>
public static class DecisionAttributes
{
    private static readonly List<(string Name, Func<RuleScope, double> Get)> NumericList = [];

    public static RuleSchema<RuleScope> Schema { get; } = Build();

    /// <summary>
    /// Every number and yes/no attribute (as 0/1) by name: the feature values the decision log records, so a
    /// logged decision can be replayed and models trained on exactly what the engine saw.
    /// </summary>
    public static IReadOnlyList<(string Name, Func<RuleScope, double> Get)> Numeric => NumericList;

    private static RuleSchema<RuleScope> Build()
    {
        var s = new Registrar(new RuleSchema<RuleScope>());

        s.Text("touchpoint", x => x.Features.Touchpoint, "where the webshop asks, e.g. checkout");
        s.Text("channel", x => x.Features.Channel, "web, app, ...");

        s.Number("cart.value", x => x.Features.CartValue, "value of the cart (request cart merged with the stored cart), EUR");
        s.Number("cart.items", x => x.Features.CartItems, "items in the cart (sum of quantities)");
        s.Number("cart.lines", x => x.Features.CartLines, "distinct products in the cart");
        s.Set("cart.productLines", x => x.Features.CartProductLines, "product lines in the cart");
        s.Set("cart.categories", x => x.Features.CartCategories, "categories in the cart");
        s.Set("cart.products", x => x.Features.CartProducts, "product ids in the cart");

        s.Boolean("profile.known", x => x.Features.Known, "a stored profile was read (false for new customers and degraded decisions)");
        s.Number("customer.tenureDays", x => x.Features.TenureDays, "days since the customer was first seen");
        s.Number("orders.count", x => x.Features.OrdersCount, "orders placed");
        s.Number("orders.totalSpend", x => x.Features.TotalSpend, "spend over all orders, EUR");
        s.Number("orders.open", x => x.Features.OpenOrders, "orders placed and not yet delivered or cancelled");
        s.Number("orders.late", x => x.Features.LateOrders, "open orders past their promised delivery date now");
        s.Number("orders.daysSinceLast", x => x.Features.DaysSinceLastOrder, "days since the last order (36500 if none)");
        s.Number("promises.broken90d", x => x.Features.BrokenPromises90d, "deliveries in the last 90 days that arrived after the promised date");
        s.Number("promises.kept", x => x.Features.KeptPromises, "deliveries that arrived on time");
        s.Number("service.openContacts", x => x.Features.OpenContacts, "service contacts opened and not resolved");
        s.Number("service.contacts", x => x.Features.ServiceContacts, "service contact moments");
        s.Number("service.notFirstTimeRight", x => x.Features.NotFirstTimeRight, "resolved contacts that took more than one contact");
        s.Number("service.firstTimeRightRate", x => x.Features.FirstTimeRightRate, "share of resolved contacts solved at the first contact (1 if none)");
        s.Number("returns.count", x => x.Features.Returns, "products returned");
        s.Number("returns.daysSinceLast", x => x.Features.DaysSinceLastReturn, "days since the last return (36500 if none)");
        s.Number("spend.thisWeek", x => x.Features.SpendThisWeek, "spend in the current ISO week over all categories, EUR");
        s.Number("engagement.notificationsOpened", x => x.Features.NotificationsOpened, "notifications opened");
        s.Number("engagement.daysSinceLast", x => x.Features.DaysSinceEngaged, "days since the last engagement (36500 if none)");
        s.Number("offers.bundlesAccepted", x => x.Features.BundlesAccepted, "bundle offers accepted");
        s.Number("offers.bundlesDeclined", x => x.Features.BundlesDeclined, "bundle offers declined");
        s.Number("offers.servicesAccepted", x => x.Features.ServicesAccepted, "service offers accepted");
        s.Number("offers.servicesDeclined", x => x.Features.ServicesDeclined, "service offers declined");
        s.Number("churn.risk", x => x.Features.ChurnRisk, "churn risk between 0 and 1: the churn model's, else a prior from service trouble");
        s.Number("customer.value", x => x.Features.CustomerValue, "predicted spend over the value model's horizon, EUR (0 without a value model)");
        s.Number("price.sensitivity", x => x.Features.PriceSensitivity, "price sensitivity between 0 and 1 (0.5 if unknown)");
        s.Boolean("consent.marketing", x => x.Features.MarketingConsent, "the customer gave marketing consent");
        s.Boolean("consent.marketingObjected", x => x.Features.MarketingObjected, "the customer withdrew marketing consent");
        s.Boolean("consent.profiling", x => x.Features.ProfilingConsent, "the customer gave profiling consent");
        s.Set("wishlist.productLines", x => x.Features.WishlistProductLines, "product lines on the wishlist");
        s.Set("wishlist.products", x => x.Features.WishlistProducts, "product ids on the wishlist");
        s.Set("interests.productLines", x => x.Features.InterestProductLines, "product lines with an affinity of at least 0.2");

        s.Text("action.id", x => x.Action.Id, "the action's id");
        s.Text("action.kind", x => x.Action.Kind, "service or bundle");
        s.Text("action.productLine", x => x.Action.ProductLine, "the action's product line");
        s.Number("action.value", x => x.Action.Value, "the action's value, EUR");
        s.Number("action.discountPercent", x => x.Action.DiscountPercent, "the action's discount, percent");
        s.Number("action.price", x => x.Action.Price ?? 0, "the bundle's price, EUR (0 if none)");
        s.Number("action.affinity", x => x.Features.Affinity(x.Action.ProductLine), "the customer's affinity to the action's product line, 0 to 1");
        s.Boolean("action.inCart", x => x.ActionInCart, "the cart holds a product of the action's product line");
        s.Boolean("action.bundleInCart", x => x.BundleInCart, "every bundle product is already in the cart");
        s.Boolean("action.freshIntent", x => x.FreshIntent, "a product of the action's line was put in the cart in this visit");
        s.Number("action.cartQuantity", x => x.CartLineQuantity, "items of the action's product line in the cart");
        s.Number("action.accepted", x => x.Accepted, "times the customer accepted this action");
        s.Number("action.declined", x => x.Declined, "times the customer declined this action");
        s.Number("action.shownToday", x => x.Features.Contacts.Shown(x.Action.Id).Today, "times this action was shown to the customer today");
        s.Number("action.shownThisWeek", x => x.Features.Contacts.Shown(x.Action.Id).Week, "times this action was shown in the last 7 days");
        return s.Schema;
    }

    /// <summary>Registers with the rule schema and keeps the numeric view for the decision log.</summary>
    private sealed class Registrar(RuleSchema<RuleScope> schema)
    {
        public RuleSchema<RuleScope> Schema => schema;

        public void Number(string name, Func<RuleScope, double> get, string description)
        {
            schema.Number(name, get, description);
            NumericList.Add((name, get));
        }

        public void Boolean(string name, Func<RuleScope, bool> get, string description)
        {
            schema.Boolean(name, get, description);
            NumericList.Add((name, x => get(x) ? 1 : 0));
        }

        public void Text(string name, Func<RuleScope, string?> get, string description) => schema.Text(name, get, description);

        public void Set(string name, Func<RuleScope, IReadOnlySet<string>> get, string description) => schema.Set(name, get, description);
    }
}
