using NextBestAction.Decisioning.DecisionLog;
using NextBestAction.Decisioning.Serving;
using NextBestAction.OperatorConsole.Offers;

namespace NextBestAction.UnitTests.OperatorConsole;

public sealed class OfferFiguresTests
{
    private const string T = DecisionGroups.Treatment;
    private const string C = DecisionGroups.Control;
    private const string X = DecisionGroups.Challenger;

    private static readonly IReadOnlyList<(string Id, string Title)> Catalog = [("a", "Action A"), ("b", "Action B")];

    private static OfferStatistics Statistics(
        IReadOnlyDictionary<string, long> decisions, params ((string Group, string ActionId) Key, OfferCounts Counts)[] actions) =>
        new(decisions, actions.ToDictionary(a => a.Key, a => a.Counts));

    [Fact]
    public void Share_IsNullWithoutAWhole()
    {
        Assert.Null(OfferFigures.Share(3, 0));
        Assert.Equal(0.25, OfferFigures.Share(1, 4));
    }

    [Fact]
    public void Variance_OfAcceptedValuesWithZerosForTheRest_IsTheSampleVariance()
    {
        // Values 10, 0, 0, 0: mean 2.5, squared deviations 56.25 + 3 * 6.25 = 75, over n - 1 = 3.
        Assert.Equal(25, OfferFigures.Variance(4, 10, 100)!.Value, 12);
        Assert.Null(OfferFigures.Variance(1, 10, 100));
        Assert.Equal(0, OfferFigures.Variance(5, 0, 0));
    }

    [Fact]
    public void Uplift_IsTheDifferenceOfMeans_WithWelchsNormalInterval()
    {
        // Treatment: 100 impressions, 20 accepted at value 10 (sum 200, squares 2000). Control: 100, 10 accepted (100, 1000).
        var uplift = OfferFigures.Uplift((100, 200, 2000), (100, 100, 1000));

        Assert.NotNull(uplift);
        Assert.Equal(1.0, uplift.Value, 12);
        var varianceT = (2000 - (200.0 * 200 / 100)) / 99;
        var varianceC = (1000 - (100.0 * 100 / 100)) / 99;
        var halfWidth = OfferFigures.Z95 * Math.Sqrt((varianceT / 100) + (varianceC / 100));
        Assert.Equal(1.0 - halfWidth, uplift.Low, 12);
        Assert.Equal(1.0 + halfWidth, uplift.High, 12);
        // 20 % against 10 % acceptance over 100 impressions each: the interval just excludes 0.
        Assert.Equal(0.015, uplift.Low, 3);
    }

    [Theory]
    [InlineData(29, 100)]
    [InlineData(100, 29)]
    [InlineData(100, 0)]
    [InlineData(0, 0)]
    public void Uplift_NeedsTheMinimumInBothGroups(long treatment, long control) =>
        Assert.Null(OfferFigures.Uplift((treatment, 50, 500), (control, 50, 500)));

    [Fact]
    public void Uplift_WithoutAnyAcceptance_IsZeroWithANoWidthInterval() =>
        Assert.Equal(new Estimate(0, 0, 0), OfferFigures.Uplift((50, 0, 0), (40, 0, 0)));

    [Fact]
    public void Summarize_NoStatistics_ListsTheCatalogWithoutRates()
    {
        var report = OfferFigures.Summarize(Statistics(new Dictionary<string, long>()), Catalog);

        Assert.Equal(["a", "b"], report.Rows.Select(r => r.ActionId));
        Assert.All(report.Rows, r =>
        {
            Assert.Equal(0, r.Impressions);
            Assert.Null(r.AcceptanceRate);
            Assert.Null(r.ValuePerImpression);
            Assert.Null(r.Uplift);
            Assert.Null(r.ExplorationShare);
        });
        Assert.All(OfferFigures.Groups, g => Assert.Null(report.Policy.ValuePerDecision[g]));
        Assert.Null(report.Policy.Uplift);
    }

    [Fact]
    public void Summarize_SumsTheGroups_AndTheExplorationShareLeavesTheHoldoutOut()
    {
        var statistics = Statistics(
            new Dictionary<string, long> { [T] = 60, [C] = 20, [X] = 20 },
            ((T, "b"), new OfferCounts(40, 4, 8, 80, 800)),
            ((C, "b"), new OfferCounts(20, 0, 2, 20, 200)),
            ((X, "b"), new OfferCounts(10, 1, 0, 0, 0)),
            ((T, "a"), new OfferCounts(5, 5, 1, 3, 9)));

        var report = OfferFigures.Summarize(statistics, Catalog);

        // Most shown first.
        Assert.Equal(["b", "a"], report.Rows.Select(r => r.ActionId));
        var b = report.Rows[0];
        Assert.Equal(70, b.Impressions);
        Assert.Equal(10, b.Accepted);
        Assert.Equal(10.0 / 70, b.AcceptanceRate!.Value, 12);
        Assert.Equal(100, b.AcceptedValue);
        Assert.Equal(100.0 / 70, b.ValuePerImpression!.Value, 12);
        Assert.Equal(5.0 / 50, b.ExplorationShare!.Value, 12);
        Assert.Equal(0.2, b.Groups[T].AcceptanceRate!.Value, 12);
        Assert.Equal(0.1, b.Groups[C].AcceptanceRate!.Value, 12);
        Assert.Equal(0, b.Groups[X].AcceptanceRate);
        // 20 control impressions are below the minimum.
        Assert.Null(b.Uplift);
        Assert.Equal(1.0, report.Rows[1].ExplorationShare);
    }

    [Fact]
    public void Summarize_WithoutAControlGroup_HasNoUplift_ButValuesPerDecision()
    {
        var statistics = Statistics(
            new Dictionary<string, long> { [T] = 200 },
            ((T, "a"), new OfferCounts(150, 10, 30, 300, 3000)));

        var report = OfferFigures.Summarize(statistics, Catalog);

        Assert.Null(report.Rows.Single(r => r.ActionId == "a").Uplift);
        Assert.Null(report.Policy.Uplift);
        Assert.Equal(1.5, report.Policy.ValuePerDecision[T]);
        Assert.Null(report.Policy.ValuePerDecision[C]);
        Assert.Equal(0, report.Policy.Decisions[C]);
    }

    [Fact]
    public void Summarize_PolicyUplift_ComparesValuePerDecision_DecisionsThatShowedNothingIncluded()
    {
        // Treatment: 100 decisions, accepted value 150 over two actions; control: 50 decisions, accepted value 25.
        var statistics = Statistics(
            new Dictionary<string, long> { [T] = 100, [C] = 50 },
            ((T, "a"), new OfferCounts(80, 8, 10, 100, 1000)),
            ((T, "b"), new OfferCounts(10, 1, 5, 50, 500)),
            ((C, "a"), new OfferCounts(40, 0, 5, 25, 125)));

        var policy = OfferFigures.Summarize(statistics, Catalog).Policy;

        Assert.Equal(1.5, policy.ValuePerDecision[T]);
        Assert.Equal(0.5, policy.ValuePerDecision[C]);
        Assert.Equal(OfferFigures.Uplift((100, 150, 1500), (50, 25, 125)), policy.Uplift);
        Assert.Equal(1.0, policy.Uplift!.Value, 12);
    }

    [Fact]
    public void Summarize_AnActionNoLongerInTheCatalog_KeepsItsRow()
    {
        var statistics = Statistics(new Dictionary<string, long> { [T] = 3 }, ((T, "gone"), new OfferCounts(3, 0, 0, 0, 0)));

        var row = OfferFigures.Summarize(statistics, Catalog).Rows[0];

        Assert.Equal("gone", row.ActionId);
        Assert.Equal("gone (not in the live catalog)", row.Title);
    }

    [Theory]
    [InlineData(null, 7)]
    [InlineData(1, 1)]
    [InlineData(28, 28)]
    [InlineData(30, 7)]
    [InlineData(-1, 7)]
    public void Window_IsOneOfTheOffered_OrTheDefault(int? asked, int window) =>
        Assert.Equal(window, OfferBoard.WindowOrDefault(asked));

    [Fact]
    public void Days_OfAWindow_EndToday_InUtc()
    {
        var days = OfferBoard.Days(new DateTimeOffset(2026, 12, 4, 0, 30, 0, TimeSpan.FromHours(2)), 7);

        Assert.Equal(new DateOnly(2026, 11, 27), days[0]);
        Assert.Equal(new DateOnly(2026, 12, 3), days[^1]);
        Assert.Equal(7, days.Count);
    }
}
