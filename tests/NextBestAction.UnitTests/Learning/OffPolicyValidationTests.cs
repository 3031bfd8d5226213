using NextBestAction.Learning.Evaluation;

namespace NextBestAction.UnitTests.Learning;

/// <summary>Inputs that cannot be evaluated are refused with a message naming the sample and the problem.</summary>
public sealed class OffPolicyValidationTests
{
    private static readonly ITargetPolicy<int> PickA = TargetPolicy.Deterministic<int>(_ => "a");

    private static LoggedSample<int> Good(int i) => new(i, ["a", "b"], "a", 0.5, 1, [0.5, 0.5]) { Id = $"d-{i}" };

    /// <summary>Three good samples with <paramref name="bad"/> as sample 2.</summary>
    private static List<LoggedSample<int>> LogWith(LoggedSample<int> bad) => [Good(0), Good(1), bad with { Id = "d-2" }, Good(3)];

    private static OffPolicyDataException Refused(List<LoggedSample<int>> log, ITargetPolicy<int>? policy = null) =>
        Assert.Throws<OffPolicyDataException>(() => OffPolicyEvaluation.Create(log, policy ?? PickA));

    private static void AssertNamesSampleTwo(OffPolicyDataException ex, string problem)
    {
        Assert.Equal(2, ex.SampleIndex);
        Assert.StartsWith("sample 2 (\"d-2\"): ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyLog_IsRefused()
    {
        var ex = Refused([]);

        Assert.Null(ex.SampleIndex);
        Assert.Contains("no samples", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void LoggingProbability_OutsideZeroToOne_IsRefused(double probability)
    {
        var ex = Refused(LogWith(Good(2) with { LoggingProbability = probability }));

        AssertNamesSampleTwo(ex, $"logging probability {probability} of the chosen action \"a\" is not in (0, 1]");
    }

    [Fact]
    public void LoggingProbability_One_IsAccepted()
    {
        var evaluation = OffPolicyEvaluation.Create(LogWith(Good(2) with { LoggingProbability = 1 }), PickA);

        Assert.Equal((2 + 2 + 1 + 2) / 4.0, evaluation.Ips().Value, 12);
    }

    [Fact]
    public void ChosenAction_NotACandidate_IsRefused()
    {
        var ex = Refused(LogWith(Good(2) with { ChosenAction = "z" }));

        AssertNamesSampleTwo(ex, "the chosen action \"z\" is not one of its 2 candidates");
    }

    [Fact]
    public void NoCandidates_IsRefused()
    {
        var ex = Refused(LogWith(Good(2) with { Candidates = [] }));

        AssertNamesSampleTwo(ex, "has no candidates");
    }

    [Fact]
    public void DuplicateCandidate_IsRefused()
    {
        var ex = Refused(LogWith(Good(2) with { Candidates = ["a", "b", "a"], PredictedRewards = null }));

        AssertNamesSampleTwo(ex, "candidate \"a\" appears more than once");
    }

    [Fact]
    public void Reward_NotFinite_IsRefused()
    {
        var ex = Refused(LogWith(Good(2) with { Reward = double.NaN }));

        AssertNamesSampleTwo(ex, "reward NaN is not a finite number");
    }

    [Fact]
    public void TargetDistribution_NotSummingToOne_IsRefused()
    {
        var ex = Refused(LogWith(Good(2)), TargetPolicy.FromDistribution<int>(s => s.Context == 2 ? [0.6, 0.3] : [1, 0]));

        AssertNamesSampleTwo(ex, "the target policy's probabilities over its 2 candidates sum to 0.8999999999999999, not 1 (tolerance 1E-06)");
    }

    [Fact]
    public void TargetDistribution_OffByRounding_IsAccepted()
    {
        var evaluation = OffPolicyEvaluation.Create(LogWith(Good(2)), TargetPolicy.FromDistribution<int>(_ => [0.7 + 1e-9, 0.3]));

        Assert.Equal(0.7 * 2, evaluation.Ips().Value, 6);
    }

    [Fact]
    public void TargetDistribution_NegativeProbability_IsRefused()
    {
        var ex = Refused(LogWith(Good(2)), TargetPolicy.FromDistribution<int>(s => s.Context == 2 ? [-0.2, 1.2] : [1, 0]));

        AssertNamesSampleTwo(ex, "the target policy gives candidate \"a\" probability -0.2, which is not in [0, 1]");
    }

    [Fact]
    public void TargetDistribution_WrongLength_IsRefusedWithThePolicysReason()
    {
        var ex = Refused(LogWith(Good(2)), TargetPolicy.FromDistribution<int>(s => s.Context == 2 ? [0.5, 0.25, 0.25] : [1, 0]));

        AssertNamesSampleTwo(ex, "the target policy failed: the target policy gave 3 probabilities for 2 candidates");
        Assert.IsType<ArgumentException>(ex.InnerException);
    }

    [Fact]
    public void DeterministicTarget_ChoosingANonCandidate_IsRefused()
    {
        var ex = Refused(LogWith(Good(2)), TargetPolicy.Deterministic<int>(s => s.Context == 2 ? "z" : "a"));

        AssertNamesSampleTwo(ex, "the target policy chose \"z\", which is not one of the sample's 2 candidates");
    }

    [Fact]
    public void Predictions_WrongCount_IsRefused()
    {
        var ex = Refused(LogWith(Good(2) with { PredictedRewards = [0.1, 0.2, 0.3] }));

        AssertNamesSampleTwo(ex, "has 3 reward predictions for 2 candidates");
    }

    [Fact]
    public void Predictions_NotFinite_IsRefused()
    {
        var ex = Refused(LogWith(Good(2) with { PredictedRewards = [0.1, double.NaN] }));

        AssertNamesSampleTwo(ex, "the reward prediction NaN for candidate \"b\" is not a finite number");
    }

    [Fact]
    public void ModelEstimators_WithoutPredictions_NameTheFirstSampleWithout_WhileIpsStillWorks()
    {
        var evaluation = OffPolicyEvaluation.Create(LogWith(Good(2) with { PredictedRewards = null }), PickA);

        var dr = Assert.Throws<OffPolicyDataException>(evaluation.DoublyRobust);
        var dm = Assert.Throws<OffPolicyDataException>(evaluation.DirectMethod);

        AssertNamesSampleTwo(dr, "has no reward-model predictions, which the DoublyRobust estimator needs for every sample");
        AssertNamesSampleTwo(dm, "which the DirectMethod estimator needs");
        Assert.Equal(2, evaluation.Ips().Value);
    }

    [Fact]
    public void SelfNormalizedIps_WithoutAnyMatch_IsRefused_WhileIpsIsZero()
    {
        var evaluation = OffPolicyEvaluation.Create([Good(0), Good(1)], TargetPolicy.Deterministic<int>(_ => "b"));

        var ex = Assert.Throws<OffPolicyDataException>(evaluation.SelfNormalizedIps);

        Assert.Null(ex.SampleIndex);
        Assert.Contains("gives probability 0 to the logged action of all 2 samples", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, evaluation.Ips().Value);
        Assert.Equal(0, evaluation.Ips().MatchedCount);
        Assert.Equal(0, evaluation.Ips().EffectiveSampleSize);
    }

    [Fact]
    public void SampleWithoutId_IsNamedByIndexOnly()
    {
        var ex = Refused([Good(0), Good(1) with { Id = null, LoggingProbability = 0 }]);

        Assert.Equal(1, ex.SampleIndex);
        Assert.StartsWith("sample 1: logging probability 0", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    public void Options_NonPositiveMaxWeight_IsRefused(double max)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(
            () => OffPolicyEvaluation.Create([Good(0)], PickA, new OffPolicyOptions { MaxImportanceWeight = max }));

        Assert.Equal(nameof(OffPolicyOptions.MaxImportanceWeight), ex.ParamName);
    }

    [Fact]
    public void Options_NegativeBootstrapResamplesOrTolerance_AreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(
            () => OffPolicyEvaluation.Create([Good(0)], PickA, new OffPolicyOptions { BootstrapResamples = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(
            () => OffPolicyEvaluation.Create([Good(0)], PickA, new OffPolicyOptions { ProbabilityTolerance = -1e-6 }));
    }

    [Fact]
    public void NullArguments_AreRefused()
    {
        Assert.Throws<ArgumentNullException>(() => OffPolicyEvaluation.Create(null!, PickA));
        Assert.Throws<ArgumentNullException>(() => OffPolicyEvaluation.Create([Good(0)], null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => TargetPolicy.EpsilonGreedy<int>(_ => "a", 1.5));
    }
}
