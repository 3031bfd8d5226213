namespace NextBestAction.Simulator.Responses;

/// <summary>
/// An offer as the simulated customer sees it: the few properties of a catalog action the hidden response model
/// reacts to. A driver translates the decision engine's action into one; the simulator never reads the engine's catalog.
/// </summary>
/// <param name="ActionId">The action's id, echoed in the outcome event.</param>
/// <param name="Kind"><see cref="ServiceKind"/> or <see cref="BundleKind"/>.</param>
/// <param name="ProductLine">A bundle's product line; null for services.</param>
/// <param name="DiscountPercent">Discount, 0..100.</param>
/// <param name="Value">What an acceptance is worth to the shop, EUR: expected value is probability x value.</param>
public sealed record SimulatedOffer(string ActionId, string Kind, string? ProductLine, double DiscountPercent, double Value)
{
    public const string ServiceKind = "service";
    public const string BundleKind = "bundle";

    /// <summary>A bundle's combination price, EUR; an accepted bundle adds its products to the cart at this price.</summary>
    public double? Price { get; init; }

    /// <summary>A bundle's product ids; when empty an accepted bundle adds one item named after the action.</summary>
    public IReadOnlyList<string> BundleProducts { get; init; } = [];

    /// <summary>A service offer.</summary>
    public static SimulatedOffer Service(string actionId, double value) => new(actionId, ServiceKind, null, 0, value);

    /// <summary>A bundle offer for <paramref name="productLine"/>.</summary>
    public static SimulatedOffer Bundle(string actionId, string productLine, double discountPercent, double value) =>
        new(actionId, BundleKind, productLine, discountPercent, value);
}
