using NextBestAction.Decisioning.Api;
using NextBestAction.Decisioning.DecisionLog;
using NextBestAction.Decisioning.Engine;
using NextBestAction.Decisioning.Serving;
using NextBestAction.Profiles;

namespace NextBestAction.UnitTests.Decisioning;

public sealed class ExplorationTests
{
    private static readonly DateTimeOffset Now = TestEvents.Now;
    private static readonly NextBestAction.Decisioning.Catalog.ActionCatalog Catalog = TestCatalog.Load();

    private static EngineCartItem Item(string line, string productId) => new(productId, "phones", line, 799m, 1);

    private static DecisionInput Input(ulong seed, int maxActions = 1, bool holdout = false) =>
        new(new CustomerProfile { CustomerId = "cust-1" }, ContactHistory.Empty, "checkout", "web",
            [Item("galaxy-s", "p-1"), Item("iphone", "p-2")], Now, maxActions, ExplorationSeed: seed, Holdout: holdout);

    private static DecisionEngine Engine(IExplorationPolicy policy) => new(new PriorPropensityModel(), policy, ProfileRules.Default);

    [Fact]
    public void Greedy_ShowsTheBestWithProbabilityOne()
    {
        var decision = Engine(new GreedyPolicy()).Decide(Input(7), Catalog);

        Assert.Equal(1.0, decision.FirstSlotProbabilities.Sum(), 12);
        Assert.Equal(1.0, decision.FirstSlotProbabilities[0]);
        Assert.Equal(decision.Ranked[0].Action.Id, decision.Actions[0].ActionId);
        Assert.Equal(1.0, decision.Actions[0].Probability);
    }

    [Fact]
    public void EpsilonGreedy_FirstSlotProbabilitiesSumToOne_AndThePickCarriesItsOwn()
    {
        for (ulong seed = 0; seed < 200; seed++)
        {
            var decision = Engine(new EpsilonGreedyPolicy(0.2)).Decide(Input(seed), Catalog);

            Assert.Equal(1.0, decision.FirstSlotProbabilities.Sum(), 12);
            var shown = decision.Actions[0].ActionId;
            var index = decision.Ranked.ToList().FindIndex(c => c.Action.Id == shown);
            Assert.Equal(decision.FirstSlotProbabilities[index], decision.Actions[0].Probability, 12);
        }
    }

    [Fact]
    public void EpsilonGreedy_ShowsEachCandidateAsOftenAsItsLoggedProbabilitySays()
    {
        var engine = Engine(new EpsilonGreedyPolicy(0.3));
        var reference = engine.Decide(Input(0), Catalog);
        var counts = reference.Ranked.ToDictionary(c => c.Action.Id, _ => 0);
        const int Runs = 20_000;

        for (ulong seed = 1; seed <= Runs; seed++)
        {
            counts[engine.Decide(Input(seed * 7919), Catalog).Actions[0].ActionId]++;
        }

        for (var i = 0; i < reference.Ranked.Count; i++)
        {
            var expected = reference.FirstSlotProbabilities[i];
            var observed = (double)counts[reference.Ranked[i].Action.Id] / Runs;
            // Four standard errors of a binomial share: a seeded run, so this is fixed, not flaky.
            Assert.InRange(observed, expected - (4 * Math.Sqrt(expected * (1 - expected) / Runs)), expected + (4 * Math.Sqrt(expected * (1 - expected) / Runs)));
        }
    }

    [Fact]
    public void EpsilonGreedy_SameSeed_SameChoice_AndSlatesHoldDistinctActions()
    {
        var engine = Engine(new EpsilonGreedyPolicy(0.5));

        var first = engine.Decide(Input(42, maxActions: 3), Catalog);
        var again = engine.Decide(Input(42, maxActions: 3), Catalog);

        Assert.Equal(first.Actions.Select(a => a.ActionId), again.Actions.Select(a => a.ActionId));
        Assert.Equal(first.Actions.Count, first.Actions.Select(a => a.ActionId).Distinct().Count());
        Assert.All(first.Actions, a => Assert.InRange(a.Probability, 0.0, 1.0));
    }

    [Fact]
    public void HoldoutDecision_ShowsEligibleActionsInCatalogOrder()
    {
        var decision = Engine(new EpsilonGreedyPolicy(0.5)).Decide(Input(3, maxActions: 3, holdout: true), Catalog);

        Assert.Equal(["bundle-galaxy-s", "bundle-iphone", "service-advisor"], decision.Actions.Select(a => a.ActionId));
        Assert.All(decision.Actions, a => Assert.Equal(1.0, a.Probability));
    }

    [Fact]
    public void Holdout_IsStablePerCustomer_AndTakesItsShare()
    {
        var holdout = new Holdout(10, "salt-a");
        var customers = Enumerable.Range(0, 20_000).Select(i => $"cust-{i:D5}").ToList();

        var control = customers.Where(holdout.IsControl).ToList();

        Assert.Equal(control, customers.Where(new Holdout(10, "salt-a").IsControl));
        Assert.InRange(control.Count, 1_800, 2_200);
        Assert.NotEqual(control, customers.Where(new Holdout(10, "salt-b").IsControl));
        Assert.DoesNotContain(customers, new Holdout(0, "salt-a").IsControl);
    }

    [Fact]
    public void LogRecord_CarriesTheFirstSlotDistributionAndTheGroup()
    {
        var decision = Engine(new EpsilonGreedyPolicy(0.1)).Decide(Input(5), Catalog);
        var served = new ServedDecision("d-1", "cust-1", "checkout", "web", [], decision, false, "m", "c", "p", Now)
        {
            Group = DecisionGroups.Control,
        };

        var record = DecisionLogPublisher.ToRecord(served);

        Assert.Equal(1.0, record.Candidates.Sum(c => c.Probability), 12);
        Assert.Equal(DecisionGroups.Control, record.Group);
        Assert.Equal(decision.Ranked.Select(c => c.Action.Id), record.Candidates.Select(c => c.ActionId));
    }
}
