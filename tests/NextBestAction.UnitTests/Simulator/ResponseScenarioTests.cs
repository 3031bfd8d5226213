using NextBestAction.Simulator;
using NextBestAction.Simulator.Responses;
using static NextBestAction.UnitTests.Simulator.ResponseModelTests;

namespace NextBestAction.UnitTests.Simulator;

public sealed class ResponseScenarioTests
{
    private static readonly DateTimeOffset June = SimulatedRun.June;
    private static readonly DateTimeOffset Change = June.AddHours(1);
    private static readonly SimulatedOffer IphoneBundle = SimulatedOffer.Bundle("bundle-iphone", "iphone", 15, 26) with { Price = 55 };
    private static readonly SimulatedOffer IphoneDeal = SimulatedOffer.Bundle("bundle-iphone-deal", "iphone", 40, 16) with { Price = 33 };
    private static readonly SimulatedOffer AdvisorCall = SimulatedOffer.Service("service-advisor-call", 3);

    [Fact]
    public void Create_EveryName_GivesThatScenario_AndAnUnknownNameIsRefusedWithTheKnownOnes()
    {
        foreach (var name in ResponseScenario.Names)
        {
            Assert.Equal(name, ResponseScenario.Create(name, Change).Name);
        }

        var refused = Assert.Throws<ArgumentException>(() => ResponseScenario.Create("holiday", Change));
        Assert.Contains("price-sensitive", refused.Message, StringComparison.Ordinal);
        Assert.Same(ResponseScenario.Default, ResponseScenario.Create(ResponseScenario.DefaultName, Change));
    }

    [Fact]
    public void Default_ChangesNothing_AnyScenarioLeavesTheDefaultWorldsTraitsAsTheyWere()
    {
        var traits = Traits(0.7, 0.7);
        var situation = Situation(cart: ["iphone"]);
        Assert.Equal(ResponseModel.Probability(traits, situation, IphoneBundle), ResponseModel.Probability(traits, situation, IphoneBundle, ResponseScenario.Default));

        // The segment draw comes after every other trait: drawing it did not move the others.
        var drawn = CustomerTraits.Draw(42, "cust-00007", ["iphone"], 0.4);
        Assert.InRange(drawn.SegmentDraw, 0, 1);
        var again = CustomerTraits.Draw(42, "cust-00007", ["iphone"], 0.4);
        Assert.Equal((drawn.PriceSensitivity, drawn.ServiceSensitivity, drawn.ChurnHazard, drawn.SegmentDraw),
            (again.PriceSensitivity, again.ServiceSensitivity, again.ChurnHazard, again.SegmentDraw));
        Assert.NotEqual(drawn.SegmentDraw, CustomerTraits.Draw(43, "cust-00007", ["iphone"], 0.4).SegmentDraw);
    }

    [Fact]
    public void PriceSensitive_PriceDrivenCustomersShunShallowDiscountsAndTakeDeals_OthersAsBefore()
    {
        var scenario = ResponseScenario.Create(ResponseScenario.PriceSensitiveName, Change);
        var driven = Traits(0.8, 0.5);
        var steady = Traits(0.2, 0.5);
        var situation = Situation(cart: ["iphone"]);

        Assert.True(scenario.InSegment(driven));
        Assert.False(scenario.InSegment(steady));
        Assert.True(ResponseModel.Probability(driven, situation, IphoneBundle, scenario) < ResponseModel.Probability(driven, situation, IphoneBundle) / 3);
        Assert.True(ResponseModel.Probability(driven, situation, IphoneDeal, scenario) > ResponseModel.Probability(driven, situation, IphoneDeal) + 0.1);
        Assert.True(ResponseModel.ExpectedValue(driven, situation, IphoneDeal, scenario) > ResponseModel.ExpectedValue(driven, situation, IphoneBundle, scenario));
        Assert.Equal(ResponseModel.Probability(steady, situation, IphoneBundle), ResponseModel.Probability(steady, situation, IphoneBundle, scenario));
        Assert.Equal(ResponseModel.Probability(driven, situation, AdvisorCall), ResponseModel.Probability(driven, situation, AdvisorCall, scenario));
    }

    [Fact]
    public void PriceSensitive_Segment_IsAboutSixInTen()
    {
        var scenario = ResponseScenario.Create(ResponseScenario.PriceSensitiveName, Change);
        var population = Enumerable.Range(1, 2000)
            .Select(n => CustomerTraits.Draw(42, SimulatedCustomers.Id(n), [SimulatedCatalog.ProductLines[n % SimulatedCatalog.ProductLines.Count].Name], 0.5))
            .ToList();

        Assert.InRange(population.Count(scenario.InSegment) / 2000.0, 0.5, 0.7);
    }

    [Fact]
    public void ServiceLoyal_MembersTakeServiceWithoutTroubleAndFewBundles_OthersAsBefore()
    {
        var scenario = ResponseScenario.Create(ResponseScenario.ServiceLoyalName, Change);
        var member = Traits(0.5, 0.5) with { SegmentDraw = 0.1 };
        var other = Traits(0.5, 0.5) with { SegmentDraw = 0.9 };
        var calm = Situation(cart: ["iphone"]);

        Assert.True(scenario.InSegment(member));
        Assert.False(scenario.InSegment(other));
        Assert.True(ResponseModel.Probability(member, calm, AdvisorCall, scenario) > 0.5);
        Assert.True(ResponseModel.Probability(member, calm, AdvisorCall) < 0.2);
        Assert.True(ResponseModel.Probability(member, calm, IphoneBundle, scenario) < ResponseModel.Probability(member, calm, IphoneBundle) / 3);
        Assert.Equal(ResponseModel.Probability(other, calm, AdvisorCall), ResponseModel.Probability(other, calm, AdvisorCall, scenario));
        Assert.True(scenario.SegmentQuestionRate > 0);
    }

    [Fact]
    public void Drift_BeforeTheChangeIsTheDefaultWorld_AfterItTheLineFadesAndTheNewActionWins()
    {
        var scenario = Assert.IsType<DriftScenario>(ResponseScenario.Create(ResponseScenario.DriftName, Change));
        var traits = Traits(0.5, 0.5, taste: 0.8);
        var next = SimulatedOffer.Bundle(DriftScenario.NewActionId, DriftScenario.FadingLine, 15, 26) with { Price = 55 };
        var before = Situation(cart: [DriftScenario.FadingLine]) with { Time = Change.AddTicks(-1) };
        var after = before with { Time = Change };

        Assert.Equal(ResponseModel.Probability(traits, before, IphoneBundle), ResponseModel.Probability(traits, before, IphoneBundle, scenario));
        Assert.True(ResponseModel.Probability(traits, after, IphoneBundle, scenario) < ResponseModel.Probability(traits, before, IphoneBundle, scenario) / 3);
        Assert.True(ResponseModel.Probability(traits, after, next, scenario) > 0.6);
        var otherLine = SimulatedOffer.Bundle("bundle-pixel", "pixel", 15, 30);
        var pixelCart = after with { CartProductLines = ["pixel"] };
        Assert.Equal(ResponseModel.Probability(traits, pixelCart, otherLine), ResponseModel.Probability(traits, pixelCart, otherLine, scenario));
    }

    [Fact]
    public void Seasonal_AGiftLineInTheCartOfSomeoneWithoutATasteForIt_NoLongerLiftsItsBundles_InTheSeasonOnly()
    {
        var scenario = ResponseScenario.Create(ResponseScenario.SeasonalName, Change);
        var socks = SimulatedOffer.Bundle("bundle-socks-men", "socks-men", 15, 4) with { Price = 15 };
        var giver = Traits(0.5, 0.5, seasonality: 0.9, taste: 0.05);
        var fan = Traits(0.5, 0.5, seasonality: 0.9, taste: 0.9);
        var december = Situation(cart: ["socks-men"]) with { Time = SimulatedRun.December };
        var june = december with { Time = June };

        Assert.True(ResponseModel.Probability(giver, december, socks, scenario) < ResponseModel.Probability(giver, december, socks) / 3);
        Assert.Equal(ResponseModel.Probability(fan, december, socks), ResponseModel.Probability(fan, december, socks, scenario));
        Assert.Equal(ResponseModel.Probability(giver, june, socks), ResponseModel.Probability(giver, june, socks, scenario));
        Assert.True(scenario.GiftShare(SimulatedRun.December) > ResponseScenario.Default.GiftShare(SimulatedRun.December));
        Assert.Equal(ResponseScenario.Default.GiftShare(June), scenario.GiftShare(June));
    }

    [Theory]
    [InlineData(ResponseScenario.DefaultName)]
    [InlineData(ResponseScenario.ServiceLoyalName)]
    [InlineData(ResponseScenario.SeasonalName)]
    public void WebshopModel_SameSeedAndScenario_PlaysTheSameEventsAndTruths(string name)
    {
        static List<string> Play(string name)
        {
            var options = new WebshopModelOptions { AnswerOffersRandomly = false, Scenario = ResponseScenario.Create(name, Change) };
            var model = new WebshopModel(300, new Random(11), "scenario", options);
            var seen = new List<string>();
            for (var i = 0; i < 20_000; i++)
            {
                var e = model.Next(SimulatedRun.December.AddMilliseconds(20 * i));
                seen.Add($"{e.Type}:{e.Subject}");
                while (model.TryTakeDecisionMoment(out var moment))
                {
                    seen.Add(model.TrueProbability(moment, AdvisorCall).ToString("R", System.Globalization.CultureInfo.InvariantCulture));
                    model.Answer(moment, $"d{moment.Id}", AdvisorCall);
                }
            }

            return seen;
        }

        Assert.Equal(Play(name), Play(name));
    }

    [Fact]
    public void ServiceLoyal_MembersAskQuestions_WhichIsAllThatShowsOfThem()
    {
        static int ProductQuestions(ResponseScenario scenario)
        {
            var model = new WebshopModel(300, new Random(5), "questions", WebshopModelOptions.Default with { Scenario = scenario });
            return Enumerable.Range(0, 30_000).Select(i => model.Next(June.AddMilliseconds(20 * i)))
                .Count(e => e.Data is NextBestAction.Contracts.ServiceContactOpenedData { Topic: "product" });
        }

        Assert.True(ProductQuestions(ResponseScenario.Create(ResponseScenario.ServiceLoyalName, Change)) > 2 * ProductQuestions(ResponseScenario.Default));
    }
}
