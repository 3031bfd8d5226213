using NextBestAction.Contracts;

namespace NextBestAction.Simulator.Responses;

/// <summary>
/// The hidden, latent traits of one simulated customer: the ground truth the decision service has to infer from
/// events. Never sent anywhere; only the simulator's response model and the oracle read them.
/// </summary>
/// <param name="CustomerId">The simulated customer, <c>cust-00001</c> and so on.</param>
/// <param name="PriceSensitivity">0..1: how much a discount sways this customer.</param>
/// <param name="ServiceSensitivity">0..1: how much service trouble makes this customer value a service offer.</param>
/// <param name="Seasonality">0..1: how strongly this customer buys gifts in the gift season (mid-November to December).</param>
/// <param name="ChurnHazard">Base probability per week that the customer leaves, before the situation raises or lowers it.</param>
/// <param name="Receptiveness">0..1: general openness to offers, partly the responsiveness the webshop shows in campaign answers.</param>
/// <param name="Tastes">Taste per product line name, 0..1; see <see cref="TasteFor"/>.</param>
public sealed record CustomerTraits(
    string CustomerId,
    double PriceSensitivity,
    double ServiceSensitivity,
    double Seasonality,
    double ChurnHazard,
    double Receptiveness,
    IReadOnlyDictionary<string, double> Tastes)
{
    /// <summary>
    /// 0..1, uniform: decides membership of a scenario's segment (<see cref="ResponseScenario.InSegment"/>). Drawn after
    /// every other trait, so the default world's traits are what they were before scenarios existed.
    /// </summary>
    public double SegmentDraw { get; init; }

    /// <summary>Taste for a product line the catalog does not know: lukewarm.</summary>
    public const double UnknownLineTaste = 0.1;

    /// <summary>Lowest and highest weekly base churn hazard <see cref="Draw"/> gives.</summary>
    public const double MinChurnHazard = 0.003, MaxChurnHazard = 0.08;

    // List prices span about 13 to 2200 EUR; on a log scale that is what "cheap" and "expensive" taste mean.
    private static readonly double LogCheap = Math.Log(20), LogExpensive = Math.Log(2000);

    /// <summary>The customer's taste for <paramref name="productLine"/>, 0..1 (<see cref="UnknownLineTaste"/> for lines outside the catalog).</summary>
    public double TasteFor(string? productLine) =>
        productLine is not null && Tastes.TryGetValue(productLine, out var taste) ? taste : UnknownLineTaste;

    /// <summary>
    /// Draws the traits of <paramref name="customerId"/>: the same seed, id and inputs always give the same traits,
    /// on any machine (a hash-based generator, not <see cref="Random"/>). Observable behaviour carries signal about
    /// them: favourite lines (which the webshop's browsing concentrates on) get high tastes and a few other lines a
    /// hidden one; customers whose favourites are cheap lines lean price sensitive; campaign responsiveness feeds
    /// receptiveness and lowers the churn hazard.
    /// </summary>
    /// <param name="seed">The population seed.</param>
    /// <param name="customerId">The customer.</param>
    /// <param name="favouriteLines">Names of the customer's favourite product lines (may be empty).</param>
    /// <param name="responsiveness">0..1, how readily the customer answers campaigns in the webshop model.</param>
    public static CustomerTraits Draw(ulong seed, string customerId, IReadOnlyCollection<string> favouriteLines, double responsiveness)
    {
        ArgumentException.ThrowIfNullOrEmpty(customerId);
        ArgumentNullException.ThrowIfNull(favouriteLines);
        ArgumentOutOfRangeException.ThrowIfLessThan(responsiveness, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(responsiveness, 1);

        var draws = new TraitRandom(seed, customerId);
        var tastes = new Dictionary<string, double>(SimulatedCatalog.ProductLines.Count, StringComparer.Ordinal);
        var favouritePrices = new List<double>();
        foreach (var line in SimulatedCatalog.ProductLines)
        {
            // Drawn for every line in catalog order so one line's taste does not depend on the others being favourites.
            var (u, hidden, v) = (draws.Next(), draws.Next(), draws.Next());
            if (favouriteLines.Contains(line.Name, StringComparer.Ordinal))
            {
                tastes[line.Name] = 0.55 + (0.45 * u);
                favouritePrices.AddRange(line.Products.Select(p => (double)p.ListPrice));
            }
            else
            {
                // Mostly indifferent; one line in ten holds an interest the customer has not shown yet.
                tastes[line.Name] = hidden < 0.1 ? 0.35 + (0.35 * v) : 0.3 * u * u;
            }
        }

        var cheapness = favouritePrices.Count == 0
            ? 0.5
            : 1 - Math.Clamp((Math.Log(favouritePrices.Average()) - LogCheap) / (LogExpensive - LogCheap), 0, 1);
        var priceSensitivity = Math.Clamp((0.6 * Bell(draws)) + (0.4 * cheapness), 0, 1);
        var serviceSensitivity = Bell(draws);
        var seasonality = Math.Pow(draws.Next(), 1.5);
        var receptiveness = (0.5 * responsiveness) + (0.5 * draws.Next());
        var churn = draws.Next();
        var churnHazard = MinChurnHazard + ((MaxChurnHazard - MinChurnHazard) * churn * churn * (1 - (0.5 * responsiveness)));

        return new CustomerTraits(customerId, priceSensitivity, serviceSensitivity, seasonality, churnHazard, receptiveness, tastes)
        {
            SegmentDraw = draws.Next(),
        };
    }

    /// <summary>Mean of two uniforms: most customers in the middle, few at the extremes.</summary>
    private static double Bell(TraitRandom draws) => (draws.Next() + draws.Next()) / 2;

    /// <summary>SplitMix64 seeded by the population seed and a hash of the customer id.</summary>
    private sealed class TraitRandom(ulong seed, string customerId)
    {
        private ulong state = seed ^ StableHash.Fnv1a64(customerId);

        public double Next() => StableHash.Unit(StableHash.Mix(state += 0x9E3779B97F4A7C15UL));
    }
}
