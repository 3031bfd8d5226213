using NextBestAction.Decisioning.Engine;
using NextBestAction.OperatorConsole.Customers;

namespace NextBestAction.UnitTests.OperatorConsole;

public sealed class CandidateFunnelTests
{
    [Fact]
    public void Rows_FilteredByTheFunnelsStageOrder_ThenRankedInRankOrder()
    {
        var debug = new DecisionDebug(
            [
                new("a-capped", FilterStages.ContactPolicy, "shown 3 time(s) today; the cap is 3 per day"),
                new("a-channel", FilterStages.Channel, "not offered on channel \"app\""),
                new("a-rule-1", FilterStages.Eligibility, "rule not met: cart.productLines contains action.productLine"),
                new("a-validity", FilterStages.Validity, "valid from 2026-01-01 to 2026-02-01"),
                new("a-consent", FilterStages.Consent, "marketing: no recorded marketing consent"),
                new("a-rule-2", FilterStages.Eligibility, "rule not met: orders.late >= 1"),
                new("a-suppressed", FilterStages.Suppression, "no-upsell: no upsell while the customer waits"),
            ],
            [
                new("a-best", "service", 3.2, 0.4, 1.3, Chosen: true),
                new("a-second", "bundle", 1.1, 0.2, 0.8, Chosen: false),
            ]);

        var rows = CandidateFunnel.Rows(debug);

        Assert.Equal(
            ["a-validity", "a-channel", "a-rule-1", "a-rule-2", "a-suppressed", "a-consent", "a-capped", "a-best", "a-second"],
            rows.Select(r => r.ActionId));
        Assert.Equal(
            [FilterStages.Validity, FilterStages.Channel, FilterStages.Eligibility, FilterStages.Eligibility, FilterStages.Suppression,
                FilterStages.Consent, FilterStages.ContactPolicy, CandidateFunnel.RankedStage, CandidateFunnel.RankedStage],
            rows.Select(r => r.Stage));
        Assert.All(rows.Take(7), r => Assert.Null(r.Ranked));
        Assert.Equal("rule not met: orders.late >= 1", rows[3].Reason);
        Assert.True(rows[7].Chosen);
        Assert.Equal(1.3, rows[7].Ranked!.ContextWeight);
        Assert.False(rows[8].Chosen);
    }

    [Fact]
    public void StageIndex_UnknownFilterStage_SortsAfterTheKnownFiltersBeforeRanking()
    {
        var rows = CandidateFunnel.Rows(new DecisionDebug(
            [new("a-new", "budget", "the action's budget is spent"), new("a-capped", FilterStages.ContactPolicy, "cap")],
            [new("a-ranked", "bundle", 1, 0.1, 1, Chosen: true)]));

        Assert.Equal(["a-capped", "a-new", "a-ranked"], rows.Select(r => r.ActionId));
        Assert.Equal(CandidateFunnel.StageIndex(FilterStages.ContactPolicy) + 1, CandidateFunnel.StageIndex("budget"));
        Assert.Equal(CandidateFunnel.StageOrder.Count - 1, CandidateFunnel.StageIndex(CandidateFunnel.RankedStage));
    }
}
