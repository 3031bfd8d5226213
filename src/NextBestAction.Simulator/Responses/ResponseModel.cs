using NextBestAction.Contracts;

namespace NextBestAction.Simulator.Responses;

/// <summary>
/// The simulator's hidden ground truth: the true probability that a customer accepts an offer, from the customer's
/// latent <see cref="CustomerTraits"/>, the true <see cref="CustomerSituation"/> and the <see cref="SimulatedOffer"/>.
/// A logistic model squeezed into <see cref="MinProbability"/>..<see cref="MaxProbability"/> (nobody is certain).
/// Every effect has an observable counterpart in the events the service receives, so a model can learn it:
/// <list type="bullet">
/// <item>a bundle is attractive mostly when its line is in the cart, more so with taste for the line (browsing
/// concentrates on it), a bigger basket, the line on the wishlist, and a discount weighed by price sensitivity;
/// gift lines in the gift season appeal to seasonal gift buyers;</item>
/// <item>a service offer is attractive when the customer has service trouble (a late order now most, then open and
/// repeated contacts, broken promises, returns), scaled by service sensitivity; less so right after an accepted one;</item>
/// <item>an upsell during a late delivery or an open service question backfires;</item>
/// <item>customers likely to leave take fewer bundles but value being helped when in trouble;</item>
/// <item>each action has a small appeal of its own (fixed by its id) that only outcomes reveal.</item>
/// </list>
/// Pure and thread-safe.
/// </summary>
public static class ResponseModel
{
    public const double MinProbability = 0.01;
    public const double MaxProbability = 0.9;

    /// <summary>Largest absolute logit shift an action's own appeal gives.</summary>
    public const double MaxActionAppeal = 0.3;

    private const double BundleBase = -4.4;
    private const double BundleLineInCart = 2.4;
    private const double BundleTasteInCart = 2.4;
    private const double BundleTasteElsewhere = 1.8;
    private const double BundleOnWishlist = 0.5;
    private const double BundleBasket = 0.3;
    private const double BundlePriceBurden = 3.0;
    private const double BundleGiftLineInSeason = 1.6;
    private const double BundleAnyLineInSeason = 0.3;
    private const double BundleDuringLateOrder = -2.6;
    private const double BundleTroubleFloor = 0.15;
    private const double BundleTroubleSensitivity = 0.6;
    private const double BundleChurn = -0.8;

    private const double ServiceBase = -3.0;
    private const double ServiceTroubleFloor = 0.3;
    private const double ServiceTroubleSensitivity = 2.2;
    private const double ServiceLiking = 0.6;
    private const double ServiceAfterRecovery = -0.9;
    private const double ServiceChurnInTrouble = 0.8;

    private const double DiscountForEveryone = 1.0;
    private const double DiscountForPriceSensitive = 6.0;
    private const double Receptiveness = 1.2;

    /// <summary>The true probability, <see cref="MinProbability"/>..<see cref="MaxProbability"/>, that the customer accepts <paramref name="offer"/>.</summary>
    /// <param name="scenario">The world the customer lives in; <see cref="ResponseScenario.Default"/> when null.</param>
    /// <exception cref="ArgumentException">The offer's kind is neither service nor bundle.</exception>
    public static double Probability(CustomerTraits traits, CustomerSituation situation, SimulatedOffer offer, ResponseScenario? scenario = null)
    {
        var logit = Logit(traits, situation, offer, scenario);
        return MinProbability + ((MaxProbability - MinProbability) / (1 + Math.Exp(-logit)));
    }

    /// <summary>Probability x value: what showing <paramref name="offer"/> is worth, EUR.</summary>
    public static double ExpectedValue(CustomerTraits traits, CustomerSituation situation, SimulatedOffer offer, ResponseScenario? scenario = null) =>
        Probability(traits, situation, offer, scenario) * offer.Value;

    /// <summary>
    /// The probability that the customer leaves within <paramref name="horizon"/>: the base hazard raised by service
    /// trouble (a late parcel most) and lowered by an accepted service offer. Ground truth for churn models.
    /// </summary>
    public static double ChurnProbability(CustomerTraits traits, CustomerSituation situation, TimeSpan horizon)
    {
        ArgumentNullException.ThrowIfNull(traits);
        ArgumentNullException.ThrowIfNull(situation);
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, TimeSpan.Zero);
        var pressure = (situation.LateOrderNow ? 0.9 : 0)
            + (0.35 * Math.Min(situation.BrokenPromises, 3))
            + (0.3 * Math.Min(situation.OpenServiceContacts, 2))
            + (0.4 * Math.Min(situation.RepeatedContacts, 2))
            + (0.2 * Math.Min(situation.RecentReturns, 2))
            - (situation.ServiceRecoveredRecently ? 0.7 : 0);
        var weekly = Math.Min(traits.ChurnHazard * Math.Exp(pressure), 0.9);
        return 1 - Math.Pow(1 - weekly, horizon / TimeSpan.FromDays(7));
    }

    /// <summary>The offer's logit before squeezing into the probability bounds; exposed for analysis and tests.</summary>
    public static double Logit(CustomerTraits traits, CustomerSituation situation, SimulatedOffer offer, ResponseScenario? scenario = null)
    {
        ArgumentNullException.ThrowIfNull(traits);
        ArgumentNullException.ThrowIfNull(situation);
        ArgumentNullException.ThrowIfNull(offer);

        var discount = Math.Clamp(offer.DiscountPercent / 100, 0, 1);
        var shared = (discount * (DiscountForEveryone + (DiscountForPriceSensitive * traits.PriceSensitivity)))
            + (Receptiveness * (traits.Receptiveness - 0.5))
            + ActionAppeal(offer.ActionId);
        var churnLean = Math.Clamp(
            (traits.ChurnHazard - CustomerTraits.MinChurnHazard) / (CustomerTraits.MaxChurnHazard - CustomerTraits.MinChurnHazard), 0, 1);

        var logit = offer.Kind switch
        {
            SimulatedOffer.BundleKind => shared + BundleLogit(traits, situation, offer, churnLean),
            SimulatedOffer.ServiceKind => shared + ServiceLogit(traits, situation, churnLean),
            _ => throw new ArgumentException($"Offer kind must be '{SimulatedOffer.ServiceKind}' or '{SimulatedOffer.BundleKind}', not '{offer.Kind}'.", nameof(offer)),
        };
        return scenario is null ? logit : logit + scenario.Adjust(traits, situation, offer);
    }

    /// <summary>What a bundle's line in the cart adds to its logit: more with taste for the line and a bigger basket; 0 when the line is not in the cart.</summary>
    public static double InCartLift(CustomerTraits traits, CustomerSituation s, SimulatedOffer offer)
    {
        ArgumentNullException.ThrowIfNull(traits);
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(offer);
        var line = offer.ProductLine;
        return !s.InCart(line)
            ? 0
            : (traits.TasteFor(line) * (BundleTasteInCart - BundleTasteElsewhere))
                + BundleLineInCart + (BundleBasket * Math.Log(1 + ((double)s.CartValue / 250)));
    }

    /// <summary>What the gift season adds to a bundle's logit for a seasonal gift buyer; 0 outside the season.</summary>
    public static double SeasonLift(CustomerTraits traits, CustomerSituation s, SimulatedOffer offer)
    {
        ArgumentNullException.ThrowIfNull(traits);
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(offer);
        return GiftSeason.Contains(s.Time)
            ? traits.Seasonality * (BundleAnyLineInSeason + (SimulatedCatalog.IsGiftLine(offer.ProductLine) ? BundleGiftLineInSeason : 0))
            : 0;
    }

    /// <summary>The action's own appeal, -<see cref="MaxActionAppeal"/>..<see cref="MaxActionAppeal"/>, fixed by its id.</summary>
    public static double ActionAppeal(string actionId)
    {
        ArgumentNullException.ThrowIfNull(actionId);
        return ((2 * StableHash.Unit(StableHash.Mix(StableHash.Fnv1a64(actionId) ^ 0x5EED_0FFE_12A5_0001UL))) - 1) * MaxActionAppeal;
    }

    private static double BundleLogit(CustomerTraits traits, CustomerSituation s, SimulatedOffer offer, double churnLean)
    {
        var line = offer.ProductLine;
        // Accessories ride along with a bigger basket.
        var logit = BundleBase + (traits.TasteFor(line) * BundleTasteElsewhere) + InCartLift(traits, s, offer);
        if (s.OnWishlist(line))
        {
            logit += BundleOnWishlist;
        }

        if (offer.Price is > 0 and var price)
        {
            // What the bundle adds to the bill, next to what is already in it, weighs on price-sensitive customers.
            logit -= BundlePriceBurden * traits.PriceSensitivity * price / ((double)s.CartValue + 100);
        }

        logit += SeasonLift(traits, s, offer);

        // Selling more to someone waiting for a parcel or let down by us annoys them, the more so the more they care about service.
        logit += (s.LateOrderNow ? BundleDuringLateOrder : 0)
            - ((BundleTroubleFloor + (BundleTroubleSensitivity * traits.ServiceSensitivity)) * Trouble(s, lateOrder: 0));
        return logit + (BundleChurn * churnLean);
    }

    private static double ServiceLogit(CustomerTraits traits, CustomerSituation s, double churnLean)
    {
        var trouble = Trouble(s, lateOrder: 2.4);
        var logit = ServiceBase
            + ((ServiceTroubleFloor + (ServiceTroubleSensitivity * traits.ServiceSensitivity)) * trouble)
            + (ServiceLiking * traits.ServiceSensitivity)
            + (s.ServiceRecoveredRecently ? ServiceAfterRecovery : 0);

        // Someone about to leave welcomes help with a problem; without one, service offers are just noise to them.
        return logit + (trouble > 0 ? ServiceChurnInTrouble * churnLean : -0.3 * churnLean);
    }

    /// <summary>How much service trouble the customer has: open contacts and broken promises weigh most after a late order.</summary>
    private static double Trouble(CustomerSituation s, double lateOrder) =>
        (s.LateOrderNow ? lateOrder : 0)
        + (0.9 * Math.Min(s.BrokenPromises, 3))
        + (1.2 * Math.Min(s.OpenServiceContacts, 2))
        + (0.7 * Math.Min(s.RepeatedContacts, 2))
        + (0.6 * Math.Min(s.RecentReturns, 2));
}
