using NextBestAction.Learning.Evaluation;

namespace NextBestAction.UnitTests.Learning;

/// <summary>Each estimator on a four-sample log worked out by hand.</summary>
public sealed class OffPolicyFormulaTests
{
    private const double Z95 = 1.959963984540054;

    // The context is the sample's row in this table of target distributions.
    private static readonly double[][] Target = [[1, 0], [1, 0], [0, 0, 1], [0.5, 0.5, 0]];

    private static readonly ITargetPolicy<int> Policy = TargetPolicy.FromDistribution<int>(s => Target[s.Context]);

    /// <summary>
    /// Weights w = target / logging of the chosen action: 1/0.5 = 2, 0/0.25 = 0, 1/0.2 = 5, 0.5/0.8 = 0.625.
    /// Direct terms d = sum of target x prediction: 0.6, 0.5, 0.3, 0.5 x 0.7 + 0.5 x 0.1 = 0.4.
    /// </summary>
    private static List<LoggedSample<int>> Log(bool withModel = true) =>
    [
        new(0, ["a", "b"], "a", 0.5, 1, withModel ? [0.6, 0.2] : null),
        new(1, ["a", "b"], "b", 0.25, 1, withModel ? [0.5, 0.4] : null),
        new(2, ["a", "b", "c"], "c", 0.2, 0, withModel ? [0.1, 0.2, 0.3] : null),
        new(3, ["a", "b", "c"], "a", 0.8, 2, withModel ? [0.7, 0.1, 0.1] : null),
    ];

    private static OffPolicyEvaluation Evaluate(OffPolicyOptions? options = null) => OffPolicyEvaluation.Create(Log(), Policy, options);

    private static void AssertNormalInterval(OffPolicyEstimate estimate)
    {
        Assert.Equal(IntervalMethod.Normal, estimate.Interval.Method);
        Assert.Equal(0.95, estimate.Interval.Level);
        Assert.Equal(estimate.Value - (Z95 * estimate.StandardError), estimate.Interval.Lower, 12);
        Assert.Equal(estimate.Value + (Z95 * estimate.StandardError), estimate.Interval.Upper, 12);
    }

    [Fact]
    public void Ips_IsTheMeanOfWeightTimesReward()
    {
        var ips = Evaluate().Ips();

        // Terms w r: 2, 0, 0, 1.25; squared deviations from 0.8125 sum to 2.921875.
        Assert.Equal(OffPolicyMethod.Ips, ips.Method);
        Assert.Equal(0.8125, ips.Value, 12);
        Assert.Equal(Math.Sqrt(2.921875 / 3 / 4), ips.StandardError, 12);
        AssertNormalInterval(ips);
    }

    [Fact]
    public void Ips_Diagnostics_CountSamplesMatchesAndEffectiveSize()
    {
        var ips = Evaluate().Ips();

        // Sample 1's logged action has target probability 0; the other three match. ESS = (sum w)^2 / sum w^2.
        Assert.Equal(4, ips.SampleCount);
        Assert.Equal(3, ips.MatchedCount);
        Assert.Equal(0, ips.ClippedCount);
        Assert.Equal(7.625 * 7.625 / (4 + 0 + 25 + 0.390625), ips.EffectiveSampleSize, 12);
    }

    [Fact]
    public void SelfNormalizedIps_IsWeightedRewardOverTotalWeight()
    {
        var snips = Evaluate().SelfNormalizedIps();

        // sum w r = 3.25, sum w = 7.625: 26/61. Delta-method terms w (r - 26/61) / 1.90625 are
        // 70/61, 0, -130/61 and 60/61 divided by 1.90625.
        Assert.Equal(OffPolicyMethod.SelfNormalizedIps, snips.Method);
        Assert.Equal(26.0 / 61, snips.Value, 12);
        Assert.Equal(Math.Sqrt((4900.0 + 16900 + 3600) / (61 * 61) / (1.90625 * 1.90625) / 3 / 4), snips.StandardError, 12);
        AssertNormalInterval(snips);
    }

    [Fact]
    public void DoublyRobust_IsDirectTermPlusWeightedModelError()
    {
        var dr = Evaluate().DoublyRobust();

        // d + w (r - q): 0.6 + 2 x 0.4 = 1.4; 0.5 + 0 = 0.5; 0.3 + 5 x (0 - 0.3) = -1.2; 0.4 + 0.625 x 1.3 = 1.2125.
        // Squared deviations from 0.478125 sum to 4.2057421875.
        Assert.Equal(OffPolicyMethod.DoublyRobust, dr.Method);
        Assert.Equal(0.478125, dr.Value, 12);
        Assert.Equal(Math.Sqrt(4.2057421875 / 3 / 4), dr.StandardError, 12);
        AssertNormalInterval(dr);
    }

    [Fact]
    public void DirectMethod_IsTheModelsExpectationUnderTheTarget()
    {
        var dm = Evaluate().DirectMethod();

        // Terms 0.6, 0.5, 0.3, 0.4; deviations from 0.45 are +-0.15 and +-0.05.
        Assert.Equal(OffPolicyMethod.DirectMethod, dm.Method);
        Assert.Equal(0.45, dm.Value, 12);
        Assert.Equal(Math.Sqrt(0.05 / 3 / 4), dm.StandardError, 12);
        AssertNormalInterval(dm);
    }

    [Fact]
    public void Clipping_CapsWeightsInEveryImportanceWeightedEstimator()
    {
        var evaluation = Evaluate(new OffPolicyOptions { MaxImportanceWeight = 1.5 });

        // Weights 2 and 5 are cut to 1.5: 1.5, 0, 1.5, 0.625.
        var ips = evaluation.Ips();
        Assert.Equal(2, ips.ClippedCount);
        Assert.Equal((1.5 + 0 + 0 + 1.25) / 4, ips.Value, 12);
        Assert.Equal(2.75 / 3.625, evaluation.SelfNormalizedIps().Value, 12);
        Assert.Equal((1.2 + 0.5 - 0.15 + 1.2125) / 4, evaluation.DoublyRobust().Value, 12);
        Assert.Equal(0.45, evaluation.DirectMethod().Value, 12);
        Assert.Equal(3.625 * 3.625 / (2.25 + 0 + 2.25 + 0.390625), ips.EffectiveSampleSize, 12);
    }

    [Fact]
    public void Clipping_AboveEveryWeight_ChangesNothing()
    {
        var clipped = Evaluate(new OffPolicyOptions { MaxImportanceWeight = 5 });

        Assert.Equal(Evaluate().Ips(), clipped.Ips());
        Assert.Equal(Evaluate().DoublyRobust(), clipped.DoublyRobust());
    }

    [Fact]
    public void EstimateAll_WithModel_FourEstimates_WithoutModel_IpsAndSnips()
    {
        var withModel = Evaluate();
        var withoutModel = OffPolicyEvaluation.Create(Log(withModel: false), Policy);

        Assert.True(withModel.HasRewardModel);
        Assert.Equal(
            [OffPolicyMethod.Ips, OffPolicyMethod.SelfNormalizedIps, OffPolicyMethod.DoublyRobust, OffPolicyMethod.DirectMethod],
            withModel.EstimateAll().Select(e => e.Method));
        Assert.False(withoutModel.HasRewardModel);
        Assert.Equal([OffPolicyMethod.Ips, OffPolicyMethod.SelfNormalizedIps], withoutModel.EstimateAll().Select(e => e.Method));
        Assert.Equal(withModel.Ips(), withoutModel.Ips());
    }

    [Theory]
    [InlineData(OffPolicyMethod.Ips)]
    [InlineData(OffPolicyMethod.SelfNormalizedIps)]
    [InlineData(OffPolicyMethod.DoublyRobust)]
    [InlineData(OffPolicyMethod.DirectMethod)]
    public void Estimate_ByMethod_SameAsTheNamedEstimator(OffPolicyMethod method)
    {
        var evaluation = Evaluate();

        Assert.Equal(evaluation.EstimateAll().Single(e => e.Method == method), evaluation.Estimate(method));
    }

    [Fact]
    public void OneSample_HasAValueButNoStandardError()
    {
        var ips = OffPolicyEvaluation.Create(Log().Take(1).ToList(), Policy).Ips();

        Assert.Equal(2, ips.Value);
        Assert.True(double.IsNaN(ips.StandardError));
        Assert.True(double.IsNaN(ips.Interval.Lower));
    }

    [Fact]
    public void Deterministic_PutsAllProbabilityOnTheChosenAction()
    {
        var sample = new LoggedSample<string>("c", ["x", "y", "z"], "x", 1, 0);
        var probabilities = new double[3];

        TargetPolicy.Deterministic<string>(_ => "y").GetProbabilities(sample, probabilities);

        Assert.Equal([0, 1, 0], probabilities);
    }

    [Fact]
    public void EpsilonGreedy_SpreadsEpsilonEvenly()
    {
        var sample = new LoggedSample<string>("c", ["w", "x", "y", "z"], "x", 1, 0);
        var probabilities = new double[4];

        TargetPolicy.EpsilonGreedy<string>(_ => "x", 0.2).GetProbabilities(sample, probabilities);

        Assert.Equal([0.05, 0.85, 0.05, 0.05], probabilities, (a, b) => Math.Abs(a - b) < 1e-12);
    }

    [Fact]
    public void Bootstrap_SameSeed_SameInterval_OtherSeed_OtherInterval_StandardErrorUnchanged()
    {
        var log = SyntheticBandit.Log(2_000, seed: 5, SyntheticBandit.PerfectModel);
        OffPolicyEstimate Dr(int seed) =>
            OffPolicyEvaluation.Create(log, SyntheticBandit.BestPolicy, new OffPolicyOptions { BootstrapResamples = 200, BootstrapSeed = seed }).DoublyRobust();

        var first = Dr(1);

        Assert.Equal(IntervalMethod.Bootstrap, first.Interval.Method);
        Assert.Equal(first, Dr(1));
        Assert.NotEqual(first.Interval, Dr(2).Interval);
        Assert.Equal(OffPolicyEvaluation.Create(log, SyntheticBandit.BestPolicy).DoublyRobust().StandardError, first.StandardError);
    }

    [Theory]
    [InlineData(OffPolicyMethod.Ips)]
    [InlineData(OffPolicyMethod.SelfNormalizedIps)]
    [InlineData(OffPolicyMethod.DoublyRobust)]
    public void Bootstrap_OnALargeLog_AgreesWithTheNormalInterval(OffPolicyMethod method)
    {
        var log = SyntheticBandit.Log(5_000, seed: 6, SyntheticBandit.PerfectModel);
        var normal = OffPolicyEvaluation.Create(log, SyntheticBandit.BestPolicy).Estimate(method);
        var bootstrap = OffPolicyEvaluation.Create(log, SyntheticBandit.BestPolicy, new OffPolicyOptions { BootstrapResamples = 400, BootstrapSeed = 3 })
            .Estimate(method);

        // Both approximate the same sampling distribution; bounds agree to a fraction of the width.
        Assert.Equal(normal.Value, bootstrap.Value);
        Assert.InRange(bootstrap.Interval.Lower - normal.Interval.Lower, -0.15 * normal.Interval.Width, 0.15 * normal.Interval.Width);
        Assert.InRange(bootstrap.Interval.Upper - normal.Interval.Upper, -0.15 * normal.Interval.Width, 0.15 * normal.Interval.Width);
        Assert.True(bootstrap.Interval.Contains(bootstrap.Value));
    }
}
