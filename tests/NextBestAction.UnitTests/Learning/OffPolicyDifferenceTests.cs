using NextBestAction.Learning.Evaluation;

namespace NextBestAction.UnitTests.Learning;

/// <summary>Two policies on one log: the paired difference of each estimator.</summary>
public sealed class OffPolicyDifferenceTests
{
    private static readonly OffPolicyMethod[] Methods =
        [OffPolicyMethod.Ips, OffPolicyMethod.SelfNormalizedIps, OffPolicyMethod.DoublyRobust, OffPolicyMethod.DirectMethod];

    /// <summary>A logged bandit of three actions, uniform logging, the reward of "b" twice that of "a".</summary>
    private static List<LoggedSample<int>> Log(int n = 600)
    {
        var random = new Random(3);
        string[] actions = ["a", "b", "c"];
        return [.. Enumerable.Range(0, n).Select(i =>
        {
            var chosen = actions[random.Next(3)];
            var p = chosen switch { "a" => 0.3, "b" => 0.6, _ => 0.1 };
            return new LoggedSample<int>(i, actions, chosen, 1.0 / 3, random.NextDouble() < p ? 1 : 0, [0.3, 0.5, 0.2]);
        })];
    }

    private static OffPolicyEvaluation Always(string action, List<LoggedSample<int>> log, OffPolicyOptions? options = null) =>
        OffPolicyEvaluation.Create(log, TargetPolicy.Deterministic<int>(_ => action), options);

    [Theory]
    [InlineData(0)]
    [InlineData(300)]
    public void Difference_IsTheDifferenceOfTheEstimates_WithAnIntervalAroundIt(int bootstrapResamples)
    {
        var log = Log();
        var options = new OffPolicyOptions { BootstrapResamples = bootstrapResamples, BootstrapSeed = 7 };
        var champion = Always("a", log, options);
        var challenger = Always("b", log, options);

        foreach (var method in Methods)
        {
            var difference = challenger.DifferenceFrom(champion, method);

            Assert.Equal(challenger.Estimate(method).Value - champion.Estimate(method).Value, difference.Value, 12);
            Assert.True(difference.Interval.Contains(difference.Value), $"{method}: {difference.Interval} does not contain {difference.Value}");
            Assert.Equal(bootstrapResamples > 0 ? IntervalMethod.Bootstrap : IntervalMethod.Normal, difference.Interval.Method);
            Assert.Equal(log.Count, difference.SampleCount);
        }

        // "b" is truly worth 0.3 more per decision; 600 uniform samples show it.
        var dr = challenger.DifferenceFrom(champion, OffPolicyMethod.DoublyRobust);
        Assert.True(dr.ExcludesZero, $"DR difference {dr.Value} with {dr.Interval}");
        Assert.True(dr.Interval.Contains(0.3), $"DR difference interval {dr.Interval} misses the true 0.3");
    }

    [Fact]
    public void Difference_OfAPolicyWithItself_IsExactlyZero()
    {
        var log = Log();

        foreach (var method in Methods)
        {
            var difference = Always("a", log).DifferenceFrom(Always("a", log), method);

            Assert.Equal((0.0, 0.0, 0.0), (difference.Value, difference.Interval.Lower, difference.Interval.Upper));
            Assert.False(difference.ExcludesZero);
        }
    }

    [Fact]
    public void Difference_OfEvaluationsOfOtherLogs_IsRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => Always("b", Log(600)).DifferenceFrom(Always("a", Log(500)), OffPolicyMethod.Ips));

        Assert.Contains("not of the same logged samples", error.Message, StringComparison.Ordinal);
    }
}
