using NextBestAction.OperatorConsole.Catalog;

namespace NextBestAction.UnitTests.OperatorConsole;

/// <summary>The what-if's arithmetic: offer mix, who gains, loses or changes an offer, and the off-policy values.</summary>
public sealed class WhatIfTests
{
    private static readonly SlotChoice[] OnlyAdvisor = [new("advisor", 1)];
    private static readonly SlotChoice[] OnlyCare = [new("care", 1)];

    private static ReplayedDecision Logged(string action, double probability, double reward, SlotChoice[] live, SlotChoice[] draft) =>
        new(action, probability, reward, live, draft);

    [Fact]
    public void Compare_DraftWithoutAnAction_MovesItsShareToTheNextAction()
    {
        ReplayedDecision[] decisions =
        [
            Logged("advisor", 0.5, 10, OnlyAdvisor, OnlyCare),
            Logged("advisor", 0.5, 0, OnlyAdvisor, OnlyCare),
            Logged("care", 0.5, 0, OnlyCare, OnlyCare),
            Logged("care", 0.5, 0, [new("care", 0.9), new("advisor", 0.1)], OnlyCare),
        ];

        var report = WhatIf.Compare(decisions);

        var advisor = Assert.Single(report.Mix, r => r.ActionId == "advisor");
        Assert.Equal(2.1 / 4, advisor.LiveShare, 12);
        Assert.Equal(0, advisor.DraftShare);
        var care = Assert.Single(report.Mix, r => r.ActionId == "care");
        Assert.Equal(1.9 / 4, care.LiveShare, 12);
        Assert.Equal(1, care.DraftShare);
        Assert.Equal((0, 0, 2), (report.GainAnOffer, report.LoseTheirOffer, report.ChangeOffer));
        Assert.Equal([new OfferTransition("advisor", "care", 2)], report.Transitions);
        Assert.Equal(2.5, report.LoggedValue);
    }

    [Fact]
    public void Compare_OfferOnOneSideOnly_CountsAsGainOrLoss()
    {
        ReplayedDecision[] decisions =
        [
            Logged("advisor", 1, 0, [], OnlyAdvisor),
            Logged("advisor", 1, 0, OnlyAdvisor, []),
            Logged("advisor", 1, 0, OnlyAdvisor, []),
        ];

        var report = WhatIf.Compare(decisions);

        Assert.Equal((1, 2, 0), (report.GainAnOffer, report.LoseTheirOffer, report.ChangeOffer));
        var nothing = Assert.Single(report.Mix, r => r.ActionId == WhatIf.Nothing);
        Assert.Equal(1.0 / 3, nothing.LiveShare, 12);
        Assert.Equal(2.0 / 3, nothing.DraftShare, 12);
    }

    [Fact]
    public void Compare_Values_AreSelfNormalisedIpsOfTheLoggedRewards()
    {
        // Live shows the advisor first for everyone, the draft care. Weights under live: 1/0.5, 0, 1/0.25; under the draft 0, 1/0.5, 0.
        ReplayedDecision[] decisions =
        [
            Logged("advisor", 0.5, 10, OnlyAdvisor, OnlyCare),
            Logged("care", 0.5, 0, OnlyAdvisor, OnlyCare),
            Logged("advisor", 0.25, 0, OnlyAdvisor, OnlyCare),
        ];

        var report = WhatIf.Compare(decisions);

        Assert.Null(report.EstimateProblem);
        Assert.Equal(20.0 / 6, report.Live!.Value, 9);
        Assert.Equal(2, report.Live.Matched);
        Assert.Equal(0, report.Draft!.Value, 9);
        Assert.Equal(1, report.Draft.Matched);
        Assert.Equal(-20.0 / 6, report.Difference!.Value, 9);
        Assert.True(report.Difference.Lower <= report.Difference.Value && report.Difference.Value <= report.Difference.Upper);
    }

    [Fact]
    public void Compare_DraftThatNeverShowsALoggedOffer_SaysItCannotBeEstimated()
    {
        ReplayedDecision[] decisions = [Logged("advisor", 0.5, 10, OnlyAdvisor, [])];

        var report = WhatIf.Compare(decisions);

        Assert.Null(report.Difference);
        Assert.Contains("the draft", report.EstimateProblem, StringComparison.Ordinal);
        Assert.Equal(10, report.Live!.Value, 9);
    }

    [Fact]
    public void Compare_NoDecisions_SaysSo()
    {
        var report = WhatIf.Compare([]);

        Assert.Equal(0, report.Decisions);
        Assert.Empty(report.Mix);
        Assert.Null(report.Live);
        Assert.Equal("there are no logged decisions to replay", report.EstimateProblem);
    }

    [Fact]
    public void MostLikely_TieGoesToTheHigherRanked_EmptyIsNothing()
    {
        Assert.Equal("advisor", WhatIf.MostLikely([new("advisor", 0.5), new("care", 0.5)]));
        Assert.Equal(WhatIf.Nothing, WhatIf.MostLikely([]));
    }
}
