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

public sealed class ForgettingAndOptimismTests
{
    private static readonly DateTimeOffset T0 = new(2026, 6, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Optimism_GivesUnseenActionsABonus_ThatShrinksWithEvidence()
    {
        var statistics = new AdaptiveStatistics([("checkout", "tried", 100, 100)], priorStrength: 20, optimism: 1);

        Assert.Equal(1 + (1 / Math.Sqrt(20)), statistics.Factor("checkout", "new"), 12);
        Assert.Equal((120 + Math.Sqrt(120)) / 120, statistics.Factor("checkout", "tried"), 12);
        Assert.True(statistics.Factor("checkout", "new") > statistics.Factor("checkout", "tried"));
        Assert.Equal(1.0, new AdaptiveStatistics([], priorStrength: 20).Factor("checkout", "new"));
    }

    [Fact]
    public void Weight_HalvesPerHalfLife_AndNothingForgetsWithoutOne()
    {
        var halfLife = TimeSpan.FromMinutes(30);
        Assert.Equal(1, ForgettingAdaptiveCounts.Weight(TimeSpan.Zero, halfLife));
        Assert.Equal(0.5, ForgettingAdaptiveCounts.Weight(halfLife, halfLife), 12);
        Assert.Equal(0.125, ForgettingAdaptiveCounts.Weight(3 * halfLife, halfLife), 12);
        Assert.Equal(1, ForgettingAdaptiveCounts.Weight(TimeSpan.FromDays(999), TimeSpan.Zero));
    }

    [Fact]
    public void ForgettingCounts_FollowAChange_FasterThanCountsThatRememberEverything()
    {
        var forgetting = new ForgettingAdaptiveCounts(TimeSpan.FromMinutes(30), priorStrength: 20, optimism: 0);
        var remembering = new ForgettingAdaptiveCounts(TimeSpan.Zero, priorStrength: 20, optimism: 0);
        var at = T0;
        // Two hours in which the model is right (half of the expected 0.5 accepted), then an hour in which nobody accepts.
        for (var i = 0; i < 2000; i++, at = at.AddSeconds(3.6))
        {
            forgetting.Observe("checkout", "a", 0.5, accepted: i % 2 == 0, at);
            remembering.Observe("checkout", "a", 0.5, accepted: i % 2 == 0, at);
        }

        for (var i = 0; i < 1000; i++, at = at.AddSeconds(3.6))
        {
            forgetting.Observe("checkout", "a", 0.5, accepted: false, at);
            remembering.Observe("checkout", "a", 0.5, accepted: false, at);
        }

        forgetting.Now = remembering.Now = at;
        Assert.True(forgetting.Factor("checkout", "a") < 0.3, $"{forgetting.Factor("checkout", "a")}");
        Assert.True(remembering.Factor("checkout", "a") > 0.6, $"{remembering.Factor("checkout", "a")}");
        Assert.Equal(1.0, forgetting.Factor("account", "a"));
    }

    [Fact]
    public void Engine_WithOptimismAndEpsilonGreedy_LogsFirstSlotProbabilitiesThatSumToOne_AndThePickAmongThem()
    {
        var catalog = TestCatalog.Load();
        var adaptive = new ForgettingAdaptiveCounts(TimeSpan.FromMinutes(30), priorStrength: 20, optimism: 1) { Now = TestEvents.Now };
        adaptive.Observe("checkout", "bundle-iphone", 5, accepted: false, TestEvents.Now);
        var engine = new DecisionEngine(new PriorPropensityModel(), new EpsilonGreedyPolicy(0.1), ProfileRules.Default, adaptive);
        for (ulong seed = 1; seed <= 50; seed++)
        {
            var input = new DecisionInput(new CustomerProfile { CustomerId = "cust-1" }, ContactHistory.Empty, "checkout", "web",
                [new EngineCartItem("p-1", "phones", "iphone", 999m, 1)], TestEvents.Now, 1, ExplorationSeed: seed);
            var decision = engine.Decide(input, catalog);

            Assert.Equal(1.0, decision.FirstSlotProbabilities.Sum(), 12);
            var (pick, probability) = decision.Picks[0];
            Assert.Equal(decision.FirstSlotProbabilities[decision.Ranked.ToList().IndexOf(pick)], probability, 12);
        }
    }
}
