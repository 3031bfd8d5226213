using NextBestAction.Decisioning.Engine;
using NextBestAction.Profiles;

namespace NextBestAction.UnitTests.Decisioning;

public sealed class AdaptiveCorrectionTests
{
    private static DecisionInput Input() =>
        new(new CustomerProfile { CustomerId = "cust-1" }, ContactHistory.Empty, "checkout", "web",
            [new EngineCartItem("p-1", "phones", "iphone", 999m, 1)], TestEvents.Now, 1);

    [Fact]
    public void Factor_IsOneWithoutData_AndMovesToObservedOverExpectedWithEvidence()
    {
        var statistics = new AdaptiveStatistics(
        [
            ("checkout", "few", 1, 0.5),
            ("checkout", "many", 300, 100),
        ], priorStrength: 20);

        Assert.Equal(1.0, statistics.Factor("checkout", "unknown"));
        Assert.Equal(21 / 20.5, statistics.Factor("checkout", "few"), 12);
        Assert.Equal(320 / 120.0, statistics.Factor("checkout", "many"), 12);
        Assert.Equal(1.0, statistics.Factor("account", "many"));
    }

    [Fact]
    public void Engine_MultipliesThePropensity_KeepsTheModelsAndExplainsTheDifference()
    {
        var catalog = TestCatalog.Load();
        var plain = new DecisionEngine(new PriorPropensityModel(), new GreedyPolicy(), ProfileRules.Default).Decide(Input(), catalog);
        var learnt = new DecisionEngine(new PriorPropensityModel(), new GreedyPolicy(), ProfileRules.Default,
            new AdaptiveStatistics([("checkout", "bundle-iphone", 60, 20)], priorStrength: 20)).Decide(Input(), catalog);

        var before = plain.Actions[0];
        var after = learnt.Actions[0];
        Assert.Equal("bundle-iphone", after.ActionId);
        Assert.Equal(Math.Round(before.Propensity * 2, 6), after.Propensity, 6);
        Assert.Equal(before.Propensity, learnt.Picks[0].Candidate.ModelPropensity, 6);
        Assert.Equal(after.Score, after.Explanation.Sum(e => e.Contribution), 4);
        Assert.Contains(after.Explanation, e => e.Feature == DecisionEngine.AdaptiveFeature && e.Contribution > 0);
        Assert.Contains(after.Reasons, r => r.StartsWith("LEARNT_FROM_OUTCOMES", StringComparison.Ordinal));
    }
}
