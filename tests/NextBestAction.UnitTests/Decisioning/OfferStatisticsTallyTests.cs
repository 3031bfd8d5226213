using NextBestAction.Decisioning.DecisionLog;
using NextBestAction.Decisioning.Engine;
using NextBestAction.Decisioning.Serving;
using NextBestAction.Profiles;

namespace NextBestAction.UnitTests.Decisioning;

public sealed class OfferStatisticsTallyTests
{
    private static readonly DateTimeOffset Now = TestEvents.Now;
    private static readonly NextBestAction.Decisioning.Catalog.ActionCatalog Catalog = TestCatalog.Load();

    private static DecisionInput Input(ulong seed, int maxActions = 1, bool holdout = false) =>
        new(new CustomerProfile { CustomerId = "cust-1" }, ContactHistory.Empty, "checkout", "web",
            [new EngineCartItem("p-1", "phones", "galaxy-s", 799m, 1), new EngineCartItem("p-2", "phones", "iphone", 799m, 1)],
            Now, maxActions, ExplorationSeed: seed, Holdout: holdout);

    private static EngineDecision Decide(IExplorationPolicy policy, ulong seed, int maxActions = 1, bool holdout = false) =>
        new DecisionEngine(new PriorPropensityModel(), policy, ProfileRules.Default).Decide(Input(seed, maxActions, holdout), Catalog);

    private static ServedDecision Served(EngineDecision decision, string group, DateTimeOffset at) =>
        new("d", "cust-1", "checkout", "web", [], decision, false, "m", "c", "p", at) { Group = group };

    [Fact]
    public void OneSlot_IsExplored_ExactlyWhenTheFirstPickIsNotTheTopRanked()
    {
        var explored = 0;
        for (ulong seed = 0; seed < 200; seed++)
        {
            var decision = Decide(new EpsilonGreedyPolicy(0.5), seed);

            var isExplored = OfferStatisticsStore.IsExplored(decision, 0);

            Assert.Equal(!ReferenceEquals(decision.Picks[0].Candidate, decision.Ranked[0]), isExplored);
            explored += isExplored ? 1 : 0;
        }

        Assert.InRange(explored, 1, 199);
    }

    [Fact]
    public void GreedyAndHoldoutDecisions_NeverExplore()
    {
        var greedy = Decide(new GreedyPolicy(), 1, maxActions: 3);
        var holdout = Decide(new EpsilonGreedyPolicy(1.0), 1, maxActions: 3, holdout: true);

        Assert.All(Enumerable.Range(0, greedy.Picks.Count), slot => Assert.False(OfferStatisticsStore.IsExplored(greedy, slot)));
        Assert.All(Enumerable.Range(0, holdout.Picks.Count), slot => Assert.False(OfferStatisticsStore.IsExplored(holdout, slot)));
    }

    [Fact]
    public void Tally_CountsDecisionsPerGroup_EvenThoseThatShowedNothing_AndImpressionsPerDay()
    {
        var shown = Decide(new GreedyPolicy(), 1);
        var nothing = shown with { Picks = [] };
        var actionId = shown.Picks[0].Candidate.Action.Id;
        var yesterday = Now.AddDays(-1);

        var tally = OfferStatisticsStore.Tally(
        [
            Served(shown, DecisionGroups.Treatment, Now),
            Served(shown, DecisionGroups.Treatment, Now),
            Served(nothing, DecisionGroups.Control, Now),
            Served(shown, DecisionGroups.Control, yesterday),
        ]);

        var today = tally[OfferStatisticsStore.DayOf(Now)];
        Assert.Equal(2, today["d:treatment"]);
        Assert.Equal(1, today["d:control"]);
        Assert.Equal(2, today[OfferStatisticsStore.Field(OfferStatisticsStore.Impressions, DecisionGroups.Treatment, actionId)]);
        Assert.Equal(3, today.Count);
        var before = tally[OfferStatisticsStore.DayOf(yesterday)];
        Assert.Equal(1, before[OfferStatisticsStore.Field(OfferStatisticsStore.Impressions, DecisionGroups.Control, actionId)]);
    }

    [Fact]
    public void Tally_CountsAnExploredImpression_UnderItsAction()
    {
        var decision = Enumerable.Range(0, 500).Select(s => Decide(new EpsilonGreedyPolicy(0.9), (ulong)s))
            .First(d => OfferStatisticsStore.IsExplored(d, 0));
        var actionId = decision.Picks[0].Candidate.Action.Id;

        var today = OfferStatisticsStore.Tally([Served(decision, DecisionGroups.Treatment, Now)])[OfferStatisticsStore.DayOf(Now)];

        Assert.Equal(1, today[OfferStatisticsStore.Field(OfferStatisticsStore.Explored, DecisionGroups.Treatment, actionId)]);
        Assert.Equal(1, today[OfferStatisticsStore.Field(OfferStatisticsStore.Impressions, DecisionGroups.Treatment, actionId)]);
    }
}
