namespace NextBestAction.Simulator.Responses;

/// <summary>
/// What is really going on with a customer at a moment, as the simulator knows it (the service only sees the events
/// that led here, possibly late or not at all). The response model's context.
/// </summary>
/// <param name="Time">The moment.</param>
/// <param name="CartProductLines">Distinct product lines in the cart.</param>
/// <param name="CartValue">Value of the cart, EUR.</param>
/// <param name="WishlistProductLines">Distinct product lines on the wishlist.</param>
/// <param name="LateOrders">Orders past their promised delivery time and not delivered yet.</param>
/// <param name="BrokenPromises">Deliveries later than promised in the last <see cref="RecentWindow"/>.</param>
/// <param name="OpenServiceContacts">Service contacts opened and not resolved.</param>
/// <param name="RepeatedContacts">Service contacts in the last <see cref="RecentWindow"/> that took more than one contact to resolve.</param>
/// <param name="RecentReturns">Products returned in the last <see cref="ReturnWindow"/>.</param>
/// <param name="ServiceRecoveredRecently">The customer accepted a service offer in the last <see cref="RecoveryWindow"/>.</param>
public sealed record CustomerSituation(
    DateTimeOffset Time,
    IReadOnlyList<string> CartProductLines,
    decimal CartValue,
    IReadOnlyList<string> WishlistProductLines,
    int LateOrders,
    int BrokenPromises,
    int OpenServiceContacts,
    int RepeatedContacts,
    int RecentReturns,
    bool ServiceRecoveredRecently)
{
    /// <summary>How far back broken promises and repeated contacts count (the service's profile uses 90 days too).</summary>
    public static readonly TimeSpan RecentWindow = TimeSpan.FromDays(90);

    /// <summary>How far back a return counts as recent.</summary>
    public static readonly TimeSpan ReturnWindow = TimeSpan.FromDays(30);

    /// <summary>How long an accepted service offer keeps a customer content.</summary>
    public static readonly TimeSpan RecoveryWindow = TimeSpan.FromDays(7);

    /// <summary>A customer with an empty cart and no history: a neutral starting point for drivers and tests.</summary>
    public static CustomerSituation Calm(DateTimeOffset time) => new(time, [], 0m, [], 0, 0, 0, 0, 0, false);

    /// <summary>A parcel is late right now.</summary>
    public bool LateOrderNow => LateOrders > 0;

    /// <summary>Anything that makes a customer want service: a late order, broken promises, open or repeated contacts, a return.</summary>
    public bool HasServiceTrouble => LateOrders > 0 || BrokenPromises > 0 || OpenServiceContacts > 0 || RepeatedContacts > 0 || RecentReturns > 0;

    /// <summary>The cart holds a product of <paramref name="productLine"/>.</summary>
    public bool InCart(string? productLine) => productLine is not null && CartProductLines.Contains(productLine, StringComparer.Ordinal);

    /// <summary>The wishlist holds a product of <paramref name="productLine"/>.</summary>
    public bool OnWishlist(string? productLine) => productLine is not null && WishlistProductLines.Contains(productLine, StringComparer.Ordinal);
}
