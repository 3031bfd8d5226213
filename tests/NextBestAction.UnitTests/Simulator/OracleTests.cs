using NextBestAction.Simulator;
using NextBestAction.Simulator.Responses;
using static NextBestAction.UnitTests.Simulator.ResponseModelTests;

namespace NextBestAction.UnitTests.Simulator;

public sealed class OracleTests
{
    [Fact]
    public void Choose_RandomCases_PicksTheMaximumExpectedValueAndListsEveryProbability()
    {
        var random = new Random(11);
        var lines = SimulatedCatalog.ProductLines.Select(l => l.Name).ToArray();
        for (var i = 0; i < 2000; i++)
        {
            var traits = Traits(random.NextDouble(), random.NextDouble(), taste: random.NextDouble());
            var situation = Situation(cart: [.. lines.Where(_ => random.NextDouble() < 0.2)]) with
            {
                LateOrders = random.Next(10) == 0 ? 1 : 0,
                BrokenPromises = random.Next(3),
                OpenServiceContacts = random.Next(2),
            };
            List<SimulatedOffer> offers =
            [
                .. lines.Select(l => SimulatedOffer.Bundle($"bundle-{l}", l, random.Next(5, 30), random.Next(5, 60))),
                SimulatedOffer.Service("service-delivery-apology", random.Next(5, 20)),
                SimulatedOffer.Service("service-advisor-call", 3),
            ];

            var choice = Oracle.Choose(traits, situation, offers);

            var evs = offers.Select(o => ResponseModel.ExpectedValue(traits, situation, o)).ToList();
            Assert.Equal(evs.Max(), choice.ExpectedValue, 12);
            Assert.Same(offers[evs.IndexOf(evs.Max())], choice.Best);
            Assert.Equal(ResponseModel.Probability(traits, situation, choice.Best!), choice.BestProbability, 12);
            Assert.Equal(offers, choice.Offers.Select(o => o.Offer));
            Assert.Equal(offers.Select(o => ResponseModel.Probability(traits, situation, o)), choice.Offers.Select(o => o.Probability));
            Assert.All(choice.Offers, o => Assert.True(o.ExpectedValue <= choice.ExpectedValue));
        }
    }

    [Fact]
    public void Choose_EqualExpectedValues_FirstListedWins()
    {
        var offer = SimulatedOffer.Service("service-a", 10);
        var same = offer with { };

        var choice = Oracle.Choose(Traits(0.5, 0.5), Situation(cart: []), [offer, same]);

        Assert.Same(offer, choice.Best);
    }

    [Fact]
    public void Choose_NoOffers_NoBestAndZeroValue()
    {
        var choice = Oracle.Choose(Traits(0.5, 0.5), Situation(cart: []), []);

        Assert.Null(choice.Best);
        Assert.Equal(0, choice.ExpectedValue);
        Assert.Equal(0, choice.BestProbability);
        Assert.Empty(choice.Offers);
    }

    [Fact]
    public void Choose_LateOrder_ServiceBeatsTheBundleThatWinsOtherwise()
    {
        var traits = Traits(0.5, serviceSensitivity: 0.7, taste: 0.8);
        var bundle = SimulatedOffer.Bundle("bundle-iphone", "iphone", 15, 26);
        var callback = SimulatedOffer.Service("service-late-delivery-callback", 15);
        var calm = Situation(cart: ["iphone"]);

        Assert.Same(bundle, Oracle.Choose(traits, calm, [bundle, callback]).Best);
        Assert.Same(callback, Oracle.Choose(traits, calm with { LateOrders = 1 }, [bundle, callback]).Best);
    }
}
