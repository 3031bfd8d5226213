using NextBestAction.Simulator;
using NextBestAction.Simulator.Responses;

namespace NextBestAction.UnitTests.Simulator;

public sealed class ResponseModelTests
{
    private static readonly DateTimeOffset June = SimulatedRun.June;
    private static readonly SimulatedOffer IphoneBundle = SimulatedOffer.Bundle("bundle-iphone", "iphone", 15, 26) with { Price = 55 };
    private static readonly SimulatedOffer Apology = SimulatedOffer.Service("service-delivery-apology", 10);

    [Fact]
    public void Probability_AnyTraitsSituationAndOffer_WithinBounds()
    {
        var random = new Random(3);
        var lines = SimulatedCatalog.ProductLines.Select(l => l.Name).ToArray();
        for (var i = 0; i < 20_000; i++)
        {
            // Extremes included: every trait at 0 or 1 and piles of trouble.
            double Unit() => random.Next(4) switch { 0 => 0, 1 => 1, _ => random.NextDouble() };
            var traits = Traits(Unit(), Unit(), seasonality: Unit(), receptiveness: Unit(), taste: Unit(),
                churnHazard: CustomerTraits.MinChurnHazard + ((CustomerTraits.MaxChurnHazard - CustomerTraits.MinChurnHazard) * Unit()));
            var situation = new CustomerSituation(
                random.Next(2) == 0 ? June : SimulatedRun.December,
                [.. lines.Where(_ => random.NextDouble() < 0.2)],
                (decimal)(random.NextDouble() * 5000),
                [.. lines.Where(_ => random.NextDouble() < 0.1)],
                random.Next(4), random.Next(10), random.Next(4), random.Next(4), random.Next(4), random.Next(2) == 0);
            var line = lines[random.Next(lines.Length)];
            var offer = random.Next(2) == 0
                ? SimulatedOffer.Bundle($"bundle-{line}", line, random.Next(101), 30) with { Price = random.Next(3) == 0 ? null : random.NextDouble() * 500 }
                : SimulatedOffer.Service($"service-{i % 13}", 10) with { DiscountPercent = random.Next(3) == 0 ? 100 : 0 };

            var p = ResponseModel.Probability(traits, situation, offer);

            Assert.InRange(p, ResponseModel.MinProbability, ResponseModel.MaxProbability);
            Assert.Equal(p * offer.Value, ResponseModel.ExpectedValue(traits, situation, offer), 12);
            Assert.InRange(ResponseModel.ChurnProbability(traits, situation, TimeSpan.FromDays(30)), 0, 1);
        }
    }

    [Fact]
    public void Probability_BundleLineInCart_RaisesBundleProbability()
    {
        var traits = Traits(priceSensitivity: 0.5, serviceSensitivity: 0.5, taste: 0.5);

        var elsewhere = ResponseModel.Probability(traits, Situation(cart: ["airfryer-xl"]), IphoneBundle);
        var inCart = ResponseModel.Probability(traits, Situation(cart: ["iphone"]), IphoneBundle);

        Assert.True(inCart > elsewhere + 0.2, $"in cart {inCart}, elsewhere {elsewhere}");
    }

    [Fact]
    public void Probability_TasteForTheLine_RaisesBundleProbability()
    {
        var situation = Situation(cart: ["iphone"]);

        var indifferent = ResponseModel.Probability(Traits(0.5, 0.5, taste: 0.05), situation, IphoneBundle);
        var fan = ResponseModel.Probability(Traits(0.5, 0.5, taste: 0.95), situation, IphoneBundle);

        Assert.True(fan > indifferent + 0.2, $"fan {fan}, indifferent {indifferent}");
    }

    [Fact]
    public void Probability_LateDelivery_RaisesServiceAndLowersBundle()
    {
        foreach (var serviceSensitivity in new[] { 0.0, 0.5, 1.0 })
        {
            var traits = Traits(priceSensitivity: 0.5, serviceSensitivity, taste: 0.8);
            var calm = Situation(cart: ["iphone"]);
            var late = calm with { LateOrders = 1 };

            Assert.True(ResponseModel.Probability(traits, late, Apology) > ResponseModel.Probability(traits, calm, Apology));
            Assert.True(ResponseModel.Probability(traits, late, IphoneBundle) < ResponseModel.Probability(traits, calm, IphoneBundle) / 2);
        }
    }

    [Fact]
    public void Probability_ServiceTrouble_RaisesServiceProbabilityMoreForServiceSensitiveCustomers()
    {
        var calm = Situation(cart: ["iphone"]);
        var troubled = calm with { BrokenPromises = 1, OpenServiceContacts = 1 };

        var carefree = Traits(0.5, serviceSensitivity: 0.0);
        var sensitive = Traits(0.5, serviceSensitivity: 1.0);
        var liftCarefree = ResponseModel.Probability(carefree, troubled, Apology) - ResponseModel.Probability(carefree, calm, Apology);
        var liftSensitive = ResponseModel.Probability(sensitive, troubled, Apology) - ResponseModel.Probability(sensitive, calm, Apology);

        Assert.True(liftCarefree > 0);
        Assert.True(liftSensitive > liftCarefree + 0.2, $"sensitive +{liftSensitive}, carefree +{liftCarefree}");
        // Having just been helped, another service offer appeals less.
        Assert.True(ResponseModel.Probability(sensitive, troubled with { ServiceRecoveredRecently = true }, Apology)
            < ResponseModel.Probability(sensitive, troubled, Apology));
    }

    [Fact]
    public void Probability_HigherDiscount_RaisesProbabilityMoreForPriceSensitiveCustomers()
    {
        var situation = Situation(cart: ["iphone"]);
        double Lift(double priceSensitivity)
        {
            var traits = Traits(priceSensitivity, 0.5, taste: 0.3);
            return ResponseModel.Probability(traits, situation, IphoneBundle with { DiscountPercent = 30 })
                - ResponseModel.Probability(traits, situation, IphoneBundle with { DiscountPercent = 5 });
        }

        Assert.True(Lift(0.0) > 0);
        Assert.True(Lift(0.9) > Lift(0.0) * 3, $"sensitive +{Lift(0.9)}, insensitive +{Lift(0.0)}");
    }

    [Fact]
    public void Probability_ExpensiveBundle_DetersPriceSensitiveCustomersMost()
    {
        var situation = Situation(cart: ["airpods"], cartValue: 149);
        var cheap = SimulatedOffer.Bundle("bundle-airpods", "airpods", 15, 9) with { Price = 20 };
        var dear = cheap with { Price = 120 };

        double Drop(double priceSensitivity)
        {
            var traits = Traits(priceSensitivity, 0.5);
            return ResponseModel.Probability(traits, situation, cheap) - ResponseModel.Probability(traits, situation, dear);
        }

        Assert.True(Drop(0.9) > 0.1, $"drop {Drop(0.9)}");
        Assert.Equal(0, Drop(0.0), 12);
    }

    [Fact]
    public void Probability_GiftLineInGiftSeason_AppealsToSeasonalGiftBuyers()
    {
        var socks = SimulatedOffer.Bundle("bundle-socks-men", "socks-men", 15, 4);
        var seasonal = Traits(0.5, 0.5, seasonality: 1.0, taste: 0.1);
        var steady = Traits(0.5, 0.5, seasonality: 0.0, taste: 0.1);
        var december = Situation(cart: ["socks-men"]) with { Time = SimulatedRun.December };
        var june = december with { Time = June };

        Assert.True(ResponseModel.Probability(seasonal, december, socks) > ResponseModel.Probability(seasonal, june, socks) + 0.2);
        Assert.Equal(ResponseModel.Probability(steady, december, socks), ResponseModel.Probability(steady, june, socks), 12);
        Assert.True(GiftSeason.Contains(new DateTimeOffset(2026, 11, 15, 0, 0, 0, TimeSpan.Zero)));
        Assert.False(GiftSeason.Contains(new DateTimeOffset(2026, 11, 14, 23, 59, 59, TimeSpan.Zero)));
    }

    [Fact]
    public void Probability_SameOfferKindAndTerms_ActionsDifferOnlyByTheirOwnBoundedAppeal()
    {
        var traits = Traits(0.5, 0.5);
        var situation = Situation(cart: ["iphone"]);
        var appeals = Enumerable.Range(0, 200).Select(i => ResponseModel.ActionAppeal($"service-{i}")).ToList();

        Assert.All(appeals, a => Assert.InRange(a, -ResponseModel.MaxActionAppeal, ResponseModel.MaxActionAppeal));
        Assert.True(appeals.Max() - appeals.Min() > ResponseModel.MaxActionAppeal);
        Assert.Equal(ResponseModel.ActionAppeal("service-a"), ResponseModel.ActionAppeal("service-a"));
        Assert.Equal(
            ResponseModel.Logit(traits, situation, SimulatedOffer.Service("service-a", 1)) - ResponseModel.ActionAppeal("service-a"),
            ResponseModel.Logit(traits, situation, SimulatedOffer.Service("service-b", 99)) - ResponseModel.ActionAppeal("service-b"),
            12);
    }

    [Fact]
    public void Probability_UnknownKind_Throws()
    {
        var offer = new SimulatedOffer("fallback", "fallback", null, 0, 1);

        Assert.Throws<ArgumentException>(() => ResponseModel.Probability(Traits(0.5, 0.5), Situation(cart: []), offer));
    }

    [Fact]
    public void ChurnProbability_RisesWithTroubleAndHorizonAndFallsAfterHelp()
    {
        var traits = Traits(0.5, 0.5, churnHazard: 0.02);
        var calm = Situation(cart: []);
        var late = calm with { LateOrders = 1, BrokenPromises = 2 };
        var month = TimeSpan.FromDays(30);

        Assert.Equal(1 - Math.Pow(0.98, 30 / 7.0), ResponseModel.ChurnProbability(traits, calm, month), 12);
        Assert.True(ResponseModel.ChurnProbability(traits, late, month) > 2 * ResponseModel.ChurnProbability(traits, calm, month));
        Assert.True(ResponseModel.ChurnProbability(traits, calm, TimeSpan.FromDays(90)) > ResponseModel.ChurnProbability(traits, calm, month));
        Assert.True(ResponseModel.ChurnProbability(traits, late with { ServiceRecoveredRecently = true }, month)
            < ResponseModel.ChurnProbability(traits, late, month));
    }

    internal static CustomerTraits Traits(
        double priceSensitivity, double serviceSensitivity, double seasonality = 0.3, double churnHazard = 0.02, double receptiveness = 0.5,
        double taste = 0.5) =>
        new("cust-00001", priceSensitivity, serviceSensitivity, seasonality, churnHazard, receptiveness,
            SimulatedCatalog.ProductLines.ToDictionary(l => l.Name, _ => taste, StringComparer.Ordinal));

    internal static CustomerSituation Situation(string[] cart, decimal cartValue = 969) =>
        CustomerSituation.Calm(June) with { CartProductLines = cart, CartValue = cart.Length == 0 ? 0 : cartValue };
}
