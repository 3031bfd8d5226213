using NextBestAction.Decisioning.Catalog;

namespace NextBestAction.Decisioning.Engine;

/// <summary>
/// What a rule sees: the decision's features and the action being considered. One scope per decision, its
/// action moved along the candidates, so evaluating rules allocates nothing.
/// </summary>
public sealed class RuleScope(DecisionFeatures features)
{
    public DecisionFeatures Features { get; } = features;

    /// <summary>The action being considered; suppression rules that name no action attribute see the first one.</summary>
    public CatalogAction Action { get; set; } = null!;

    public bool ActionInCart => Action.ProductLine is { } line && Features.CartProductLines.Contains(line);

    public bool BundleInCart
    {
        get
        {
            var products = Action.BundleProducts;
            if (products.Count == 0)
            {
                return false;
            }

            // By index: foreach over the interface would allocate an enumerator on every evaluation.
            for (var i = 0; i < products.Count; i++)
            {
                if (!Features.CartProducts.Contains(products[i]))
                {
                    return false;
                }
            }

            return true;
        }
    }

    public bool FreshIntent => Action.ProductLine is { } line && Features.FreshCartLines.Contains(line);

    public double Accepted => Features.OfferOutcomes.TryGetValue(Action.Id, out var o) ? o.Accepted : 0;

    public double Declined => Features.OfferOutcomes.TryGetValue(Action.Id, out var o) ? o.Declined : 0;

    public double CartLineQuantity => Action.ProductLine is { } line ? Features.CartQuantityByLine.GetValueOrDefault(line) : 0;
}
