namespace NextBestAction.Simulator.Responses;

/// <summary>
/// A named world for the hidden response model: what it changes in how customers answer offers (and, for a few, in
/// what customers do), chosen by <c>Simulator:Scenario</c> or the quality benchmark's <c>--scenario</c>. The
/// decision engine's prior is written for <see cref="Default"/>; every other scenario is a world where one of the
/// prior's guesses is wrong, so learning has something to find. Membership of a scenario's segment is a hidden draw
/// per customer (<see cref="CustomerTraits.SegmentDraw"/>), deterministic per seed.
/// </summary>
public abstract class ResponseScenario
{
    public const string DefaultName = "default";
    public const string PriceSensitiveName = "price-sensitive";
    public const string ServiceLoyalName = "service-loyal";
    public const string DriftName = "drift";
    public const string SeasonalName = "seasonal";

    /// <summary>Every scenario's name, in the order benchmarks report them.</summary>
    public static IReadOnlyList<string> Names { get; } = [DefaultName, PriceSensitiveName, ServiceLoyalName, DriftName, SeasonalName];

    /// <summary>Today's world, the one the prior was written for.</summary>
    public static ResponseScenario Default { get; } = new DefaultScenario();

    public abstract string Name { get; }

    /// <summary>What the scenario changes, for people (docs, benchmark output).</summary>
    public abstract string Description { get; }

    /// <summary>Share of the customers the scenario treats differently (0: nobody in particular).</summary>
    public virtual double SegmentShare => 0;

    /// <summary>Share of product views that are for a gift at <paramref name="now"/>; the webshop's own rule unless a scenario changes it.</summary>
    public virtual double GiftShare(DateTimeOffset now) => GiftSeason.Contains(now) ? 0.25 : 0.05;

    /// <summary>Chance per simulator step that a member of the segment asks customer service a question (0: no such behaviour).</summary>
    public virtual double SegmentQuestionRate => 0;

    /// <summary>The customer belongs to the scenario's segment: by default the first <see cref="SegmentShare"/> of <see cref="CustomerTraits.SegmentDraw"/>.</summary>
    public virtual bool InSegment(CustomerTraits traits)
    {
        ArgumentNullException.ThrowIfNull(traits);
        return traits.SegmentDraw < SegmentShare;
    }

    /// <summary>The scenario's change to the default logit of <paramref name="offer"/>; the default adds nothing.</summary>
    public virtual double Adjust(CustomerTraits traits, CustomerSituation situation, SimulatedOffer offer) => 0;

    /// <summary>
    /// The scenario called <paramref name="name"/>. <paramref name="changeAt"/> is when <see cref="DriftName"/>'s change
    /// happens (ignored by the others).
    /// </summary>
    /// <exception cref="ArgumentException">No scenario has that name.</exception>
    public static ResponseScenario Create(string name, DateTimeOffset changeAt) => name switch
    {
        DefaultName => Default,
        PriceSensitiveName => new PriceSensitiveScenario(),
        ServiceLoyalName => new ServiceLoyalScenario(),
        DriftName => new DriftScenario(changeAt),
        SeasonalName => new SeasonalScenario(),
        _ => throw new ArgumentException($"unknown scenario \"{name}\"; known: {string.Join(", ", Names)}", nameof(name)),
    };

    public override string ToString() => Name;

    private sealed class DefaultScenario : ResponseScenario
    {
        public override string Name => DefaultName;

        public override string Description => "the response model as the prior assumes it";
    }
}

/// <summary>
/// The customers most swayed by price (<see cref="CustomerTraits.PriceSensitivity"/> at or above 0.4, about six in
/// ten) hardly take an offer with less than 25 % off and take deep discounts eagerly; the prior's mild discount term
/// cannot see that. The catalog offers deals (<see cref="DealSuffix"/>, 40 % off, 0.7 of a bundle's value) that the
/// prior ranks below the full bundles.
/// </summary>
public sealed class PriceSensitiveScenario : ResponseScenario
{
    /// <summary>A deal's action id is <c>bundle-{line}</c> followed by this.</summary>
    public const string DealSuffix = "-deal";

    /// <summary>Price sensitivity from which a customer is price-driven (about six in ten customers).</summary>
    public const double PriceDrivenFrom = 0.4;

    /// <summary>The discount from which a price-driven customer pays attention.</summary>
    public const double DealThreshold = 0.25;

    private const double ShallowDiscount = -3.0;
    private const double DeepDiscountWeight = 6.0;

    public override string Name => PriceSensitiveName;

    public override string Description =>
        "customers with price sensitivity >= 0.4 (about 6 in 10) shun offers under 25 % off (logit -3) and take deeper ones eagerly (+6 x discount); "
        + "the catalog gains 40 % deals";

    /// <summary>The price-driven customers, not a random draw, so what customers buy hints at who they are.</summary>
    public override bool InSegment(CustomerTraits traits)
    {
        ArgumentNullException.ThrowIfNull(traits);
        return traits.PriceSensitivity >= PriceDrivenFrom;
    }

    public override double Adjust(CustomerTraits traits, CustomerSituation situation, SimulatedOffer offer)
    {
        if (offer.Kind != SimulatedOffer.BundleKind || !InSegment(traits))
        {
            return 0;
        }

        var discount = Math.Clamp(offer.DiscountPercent / 100, 0, 1);
        return discount < DealThreshold ? ShallowDiscount : DeepDiscountWeight * discount;
    }
}

/// <summary>
/// A segment of half the customers answers service offers readily without any of the trouble the prior looks for (and takes fewer
/// bundles); its members also ask customer service questions now and then, which is all that shows of them. The
/// catalog gains two service offers open to anyone (<see cref="CarePlanId"/>, <see cref="SetupHelpId"/>).
/// </summary>
public sealed class ServiceLoyalScenario : ResponseScenario
{
    public const string CarePlanId = "service-care-plan";
    public const string SetupHelpId = "service-setup-help";

    private const double ServiceLift = 3.2;
    private const double BundleDrop = -3.0;

    public override string Name => ServiceLoyalName;

    public override string Description =>
        "half the customers take service offers without service trouble (logit +3.2) and few bundles (-3), and ask service questions; "
        + $"the catalog gains {CarePlanId} and {SetupHelpId}";

    public override double SegmentShare => 0.5;

    public override double SegmentQuestionRate => 0.006;

    public override double Adjust(CustomerTraits traits, CustomerSituation situation, SimulatedOffer offer) =>
        !InSegment(traits) ? 0 : offer.Kind == SimulatedOffer.ServiceKind ? ServiceLift : BundleDrop;
}

/// <summary>
/// At <see cref="ChangeAt"/> the accessories of <see cref="FadingLine"/> go out of fashion (its bundles lose most of
/// their appeal, logit -4) and the catalog adds <see cref="NewActionId"/>, the line's next accessories, which customers
/// with the line in the cart take readily (+4); it is worth as much per sale as the old bundle. Before the change the
/// world is the default one.
/// </summary>
public sealed class DriftScenario(DateTimeOffset changeAt) : ResponseScenario
{
    /// <summary>The most popular line: the change matters.</summary>
    public const string FadingLine = "iphone";

    public const string NewActionId = "bundle-iphone-next";

    private const double Fade = -4.0;
    private const double NewAppeal = 4.0;

    public DateTimeOffset ChangeAt { get; } = changeAt;

    public override string Name => DriftName;

    public override string Description =>
        $"at the change ({ChangeAt:u}) the {FadingLine} bundles lose most of their appeal (logit -4) and {NewActionId} appears, "
        + "best for customers with the line in the cart (+4)";

    public override double Adjust(CustomerTraits traits, CustomerSituation situation, SimulatedOffer offer)
    {
        if (situation.Time < ChangeAt || offer.Kind != SimulatedOffer.BundleKind)
        {
            return 0;
        }

        if (offer.ActionId == NewActionId)
        {
            return situation.InCart(FadingLine) ? NewAppeal : 0;
        }

        return offer.ProductLine == FadingLine ? Fade : 0;
    }
}

/// <summary>
/// The gift season at full swing: 65 % of product views are gifts (25 % by default). Gifts bought for someone else
/// bring no wish for the line's accessories: in the season, a gift line's bundles lose the in-cart lift and the season's
/// gift appeal for a customer without a taste for the line, and pushing them annoys (logit -2). The prior's "line in
/// the cart" and interest terms then point at the wrong bundles. Play it inside the season (from 15 November).
/// </summary>
public sealed class SeasonalScenario : ResponseScenario
{
    /// <summary>Below this taste for a gift line, its products are bought for someone else.</summary>
    public const double OwnTaste = 0.35;

    private const double GiftAccessoryAnnoyance = -2.0;

    public override string Name => SeasonalName;

    public override string Description =>
        "in the gift season 65 % of views are gifts, and a gift line's bundles lose their lift for someone without a taste for the line (and annoy, -2)";

    public override double GiftShare(DateTimeOffset now) => GiftSeason.Contains(now) ? 0.65 : 0.05;

    public override double Adjust(CustomerTraits traits, CustomerSituation situation, SimulatedOffer offer)
    {
        var line = offer.ProductLine;
        if (offer.Kind != SimulatedOffer.BundleKind || !GiftSeason.Contains(situation.Time) || !SimulatedCatalog.IsGiftLine(line)
            || traits.TasteFor(line) >= OwnTaste)
        {
            return 0;
        }

        return GiftAccessoryAnnoyance - ResponseModel.InCartLift(traits, situation, offer) - ResponseModel.SeasonLift(traits, situation, offer);
    }
}
