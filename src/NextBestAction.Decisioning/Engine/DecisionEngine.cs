using NextBestAction.Decisioning.Catalog;
using NextBestAction.Profiles;

namespace NextBestAction.Decisioning.Engine;

/// <summary>What the engine decided, before it is wrapped into a response.</summary>
public sealed record EngineDecision(IReadOnlyList<ChosenAction> Actions);

/// <summary>
/// Picks the next best action from profile, request context and catalog. Pure and deterministic: no I/O,
/// the clock is passed in. Priority = propensity x value x lever; the propensity here is a transparent
/// prior from profile features, each feature's share reported as the explanation.
/// </summary>
public static class DecisionEngine
{
    public const string ModelVersion = "prior-v1";

    /// <summary>A cart line added this recently counts as intent expressed in this visit.</summary>
    public static readonly TimeSpan FreshIntentWindow = TimeSpan.FromMinutes(30);

    public static readonly TimeSpan BrokenPromiseWindow = TimeSpan.FromDays(90);

    private const double BundleBaseline = 0.25;
    private const double ServiceBaseline = 0.30;
    private const double FallbackPropensity = 0.05;
    private const string DefaultOfferReason = "DEFAULT_OFFER";

    /// <param name="profile">The stored profile, or null when unknown or unreadable (degraded).</param>
    public static EngineDecision Decide(CustomerProfile? profile, IReadOnlyList<RequestCartItem> requestCart, ActionCatalog catalog, DateTimeOffset now, int maxActions)
    {
        var cart = MergeCart(profile, requestCart, now);
        var focusLines = FocusLines(cart, requestCart.Count > 0);
        var brokenPromises = profile?.BrokenPromisesSince(now - BrokenPromiseWindow) ?? 0;
        var lateOrders = profile?.LateOpenOrders(now).Count() ?? 0;

        var candidates = new List<ChosenAction>();
        foreach (var action in catalog.Actions)
        {
            var scored = action.Trigger switch
            {
                ActionTriggers.CartProductLine when lateOrders == 0 && focusLines.Contains(action.ProductLine!) => ScoreBundle(action, cart),
                ActionTriggers.BrokenPromise => ScoreService(action, brokenPromises, lateOrders),
                ActionTriggers.Always => Fallback(action),
                _ => null,
            };
            if (scored is not null)
            {
                candidates.Add(scored);
            }
        }

        var (family, why) = ChooseFamily(candidates, lateOrders, cart);
        var chosen = candidates
            .OrderByDescending(c => c.Kind == family && !IsFallback(c))
            .ThenByDescending(c => c.Score)
            .ThenBy(c => c.ActionId, StringComparer.Ordinal)
            .Take(maxActions)
            .ToList();
        if (chosen.Count > 0 && why is not null)
        {
            chosen[0] = chosen[0] with { Reasons = [.. chosen[0].Reasons, why] };
        }

        return new EngineDecision(chosen);
    }

    /// <summary>
    /// Service or bundle, decided from the signals explicitly before scores are compared: a late order needs
    /// service now; purchase intent shown in this visit wins a bundle; otherwise the higher score decides.
    /// </summary>
    private static (string? Family, string? Why) ChooseFamily(List<ChosenAction> candidates, int lateOrders, List<CartView> cart)
    {
        if (lateOrders > 0)
        {
            return (ActionKinds.Service, cart.Count > 0
                ? "SERVICE_FIRST: an order is late, so no upsell bundle is offered until it arrives"
                : "SERVICE_FIRST: an order is late");
        }

        var bundles = candidates.Where(c => c.Kind == ActionKinds.Bundle).ToList();
        var services = candidates.Where(c => c.Kind == ActionKinds.Service && !IsFallback(c)).ToList();
        if (bundles.Count > 0 && services.Count > 0)
        {
            return (ActionKinds.Bundle, "BUNDLE_FIRST: the customer is buying in this product line now; the service offer follows");
        }

        return (null, null);
    }

    private static bool IsFallback(ChosenAction action) => action.Reasons.Count > 0 && action.Reasons[0].StartsWith(DefaultOfferReason, StringComparison.Ordinal);

    /// <summary>
    /// The product lines the customer is buying in right now: every line of the cart the webshop sent, or,
    /// without one, the line of the most recent addition to the stored cart.
    /// </summary>
    private static HashSet<string> FocusLines(List<CartView> cart, bool requestHasCart)
    {
        if (requestHasCart)
        {
            return [.. cart.Where(c => c.FromRequest).Select(c => c.ProductLine)];
        }

        var latest = cart.MaxBy(c => c.AddedAt);
        return latest is null ? [] : [latest.ProductLine];
    }

    private static ChosenAction? ScoreBundle(ActionDefinition action, IReadOnlyList<CartView> cart)
    {
        var lineItems = cart.Where(c => c.ProductLine == action.ProductLine).ToList();
        if (lineItems.Count == 0 || action.BundleProducts!.All(p => cart.Any(c => c.ProductId == p)))
        {
            return null;
        }

        var quantity = lineItems.Sum(c => c.Quantity);
        var lineValue = lineItems.Sum(c => c.Price * c.Quantity);
        var extraItems = Math.Min(0.3, 0.1 * (quantity - 1));
        var fresh = lineItems.Any(c => c.Fresh) ? 0.1 : 0.0;
        var explanation = new List<FeatureContribution>
        {
            new("baseline", BundleBaseline),
            new("cart_line_quantity", extraItems),
            new("fresh_cart_intent", fresh),
        };
        var reasons = new List<string>
        {
            $"CART_PRODUCT_LINE: the cart holds {quantity} {action.ProductLine} item(s) worth {lineValue:0.00} EUR",
        };
        if (fresh > 0)
        {
            reasons.Add("FRESH_INTENT: a product of this line was added to the cart in the last 30 minutes");
        }

        return Score(action, BundleBaseline + extraItems + fresh, reasons, explanation);
    }

    private static ChosenAction? ScoreService(ActionDefinition action, int brokenPromises, int lateOrders)
    {
        if (brokenPromises == 0 && lateOrders == 0)
        {
            return null;
        }

        var promiseShare = Math.Min(0.3, 0.15 * brokenPromises);
        var lateShare = lateOrders > 0 ? 0.3 : 0.0;
        var reasons = new List<string>();
        if (brokenPromises > 0)
        {
            reasons.Add($"BROKEN_PROMISE: {brokenPromises} delivery(ies) in the last 90 days arrived after the promised date");
        }

        if (lateOrders > 0)
        {
            reasons.Add($"LATE_ORDER: {lateOrders} order(s) are past their promised delivery date right now");
        }

        return Score(action, ServiceBaseline + promiseShare + lateShare, reasons,
        [
            new("baseline", ServiceBaseline),
            new("broken_promises_90d", promiseShare),
            new("late_open_orders", lateShare),
        ]);
    }

    private static ChosenAction Fallback(ActionDefinition action) =>
        Score(action, FallbackPropensity, [$"{DefaultOfferReason}: no stronger signal in profile or cart"], [new("baseline", FallbackPropensity)]);

    private static ChosenAction Score(ActionDefinition action, double propensity, List<string> reasons, List<FeatureContribution> explanation)
    {
        propensity = Math.Clamp(propensity, 0.0, 0.95);
        var value = action.Value!.Value;
        var lever = action.Lever ?? 1.0;
        return new ChosenAction(action.Id!, action.Kind!, action.Title!,
            Score: Math.Round(propensity * value * lever, 6),
            Propensity: Math.Round(propensity, 6),
            Value: value,
            Probability: 1.0,
            Reasons: reasons,
            Explanation: [.. explanation.Where(e => e.Contribution != 0)]);
    }

    private sealed record CartView(string ProductId, string ProductLine, double Price, int Quantity, DateTimeOffset AddedAt, bool Fresh, bool FromRequest);

    /// <summary>The request's cart wins over the stored one for the same product: it is the newer view.</summary>
    private static List<CartView> MergeCart(CustomerProfile? profile, IReadOnlyList<RequestCartItem> requestCart, DateTimeOffset now)
    {
        var merged = new Dictionary<string, CartView>(StringComparer.Ordinal);
        foreach (var line in profile?.Cart ?? [])
        {
            merged[line.ProductId] = new CartView(line.ProductId, line.ProductLine, (double)line.Price, line.Quantity, line.AddedAt, now - line.AddedAt <= FreshIntentWindow, FromRequest: false);
        }

        foreach (var item in requestCart)
        {
            merged[item.ProductId!] = new CartView(item.ProductId!, item.ProductLine!, (double)(item.Price ?? 0), item.Quantity ?? 1, now, Fresh: true, FromRequest: true);
        }

        return [.. merged.Values];
    }
}
