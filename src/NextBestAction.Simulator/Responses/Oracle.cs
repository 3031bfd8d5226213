namespace NextBestAction.Simulator.Responses;

/// <summary>An offer with its true acceptance probability.</summary>
public sealed record OfferProbability(SimulatedOffer Offer, double Probability)
{
    /// <summary>Probability x value, EUR.</summary>
    public double ExpectedValue => Probability * Offer.Value;
}

/// <summary>
/// What the oracle would show: <see cref="Best"/> (null when there was nothing to choose from, with probability and
/// expected value 0), its true acceptance probability and expected value, and every candidate's true probability in
/// the order given.
/// </summary>
public sealed record OracleChoice(SimulatedOffer? Best, double BestProbability, double ExpectedValue, IReadOnlyList<OfferProbability> Offers);

/// <summary>
/// The measuring stick of the decision-quality benchmark: knowing the hidden traits and the true situation, it picks
/// the offer with the highest expected value under the <see cref="ResponseModel"/>. No policy that sees only events
/// can do better on average.
/// </summary>
public static class Oracle
{
    /// <summary>The best of <paramref name="offers"/> by expected value; ties go to the one listed first.</summary>
    public static OracleChoice Choose(CustomerTraits traits, CustomerSituation situation, IEnumerable<SimulatedOffer> offers, ResponseScenario? scenario = null)
    {
        ArgumentNullException.ThrowIfNull(traits);
        ArgumentNullException.ThrowIfNull(situation);
        ArgumentNullException.ThrowIfNull(offers);

        var scored = new List<OfferProbability>();
        OfferProbability? best = null;
        foreach (var offer in offers)
        {
            var candidate = new OfferProbability(offer, ResponseModel.Probability(traits, situation, offer, scenario));
            scored.Add(candidate);
            if (best is null || candidate.ExpectedValue > best.ExpectedValue)
            {
                best = candidate;
            }
        }

        return new OracleChoice(best?.Offer, best?.Probability ?? 0, best?.ExpectedValue ?? 0, scored);
    }
}
