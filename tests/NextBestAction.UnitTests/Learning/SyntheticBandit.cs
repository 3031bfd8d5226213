using NextBestAction.Learning.Evaluation;

namespace NextBestAction.UnitTests.Learning;

/// <summary>
/// A bandit whose truth is known: three customer segments, four actions with a value each and a known acceptance
/// probability per segment, an epsilon-greedy logging policy around a mediocre favourite. The context of a sample is
/// its segment. Any target policy's true value is an exact sum, so estimators can be checked against it.
/// </summary>
internal static class SyntheticBandit
{
    public const double LoggingEpsilon = 0.5;

    public static readonly string[] Actions = ["a0", "a1", "a2", "a3"];

    private static readonly double[] SegmentShares = [0.5, 0.3, 0.2];

    private static readonly double[] Values = [1, 2, 1.5, 2];

    // Segment 2 is never offered a3, so samples differ in their number of candidates.
    private static readonly double[][] AcceptProbabilities =
    [
        [0.10, 0.30, 0.05, 0.40],
        [0.40, 0.10, 0.20, 0.10],
        [0.15, 0.15, 0.50],
    ];

    private static readonly int[] LoggingFavourite = [0, 1, 0];

    private static readonly int[] Best = [3, 0, 2];

    /// <summary>Always the action with the highest expected reward in the segment.</summary>
    public static ITargetPolicy<int> BestPolicy { get; } = TargetPolicy.Deterministic<int>(s => Actions[Best[s.Context]]);

    /// <summary>The logging policy itself as a target: every importance weight is 1.</summary>
    public static ITargetPolicy<int> LoggingPolicy { get; } =
        TargetPolicy.FromDistribution<int>(s => [.. s.Candidates.Select(c => LoggingProbability(s.Context, c))]);

    /// <summary>The true model: predictions equal the expected rewards.</summary>
    public static Func<int, string, double> PerfectModel { get; } = ExpectedReward;

    /// <summary>A miscalibrated model: half the true expected reward plus 0.1.</summary>
    public static Func<int, string, double> WrongModel { get; } = (segment, action) => (0.5 * ExpectedReward(segment, action)) + 0.1;

    public static double ExpectedReward(int segment, string action)
    {
        var a = Array.IndexOf(Actions, action);
        return Values[a] * AcceptProbabilities[segment][a];
    }

    public static string[] CandidatesOf(int segment) => Actions[..AcceptProbabilities[segment].Length];

    public static double LoggingProbability(int segment, string action)
    {
        var uniform = LoggingEpsilon / AcceptProbabilities[segment].Length;
        return action == Actions[LoggingFavourite[segment]] ? uniform + 1 - LoggingEpsilon : uniform;
    }

    /// <summary>The exact value of <paramref name="policy"/>: sum over segments and actions of share x probability x expected reward.</summary>
    public static double TrueValue(ITargetPolicy<int> policy)
    {
        double value = 0;
        for (var segment = 0; segment < SegmentShares.Length; segment++)
        {
            var candidates = CandidatesOf(segment);
            var probe = new LoggedSample<int>(segment, candidates, candidates[0], 1, 0);
            var probabilities = new double[candidates.Length];
            policy.GetProbabilities(probe, probabilities);
            for (var j = 0; j < candidates.Length; j++)
            {
                value += SegmentShares[segment] * probabilities[j] * ExpectedReward(segment, candidates[j]);
            }
        }

        return value;
    }

    /// <summary>
    /// <paramref name="count"/> decisions of the logging policy with their rewards, candidates in a shuffled order per
    /// sample (so nothing may rely on order), with predictions from <paramref name="model"/> when given.
    /// </summary>
    public static List<LoggedSample<int>> Log(int count, int seed, Func<int, string, double>? model = null)
    {
        var random = new Random(seed);
        var samples = new List<LoggedSample<int>>(count);
        for (var i = 0; i < count; i++)
        {
            var segment = DrawSegment(random);
            var candidates = CandidatesOf(segment);
            random.Shuffle(candidates);
            var chosen = random.NextDouble() < LoggingEpsilon
                ? candidates[random.Next(candidates.Length)]
                : Actions[LoggingFavourite[segment]];
            var predictions = model is null ? null : candidates.Select(c => model(segment, c)).ToArray();
            samples.Add(new LoggedSample<int>(segment, candidates, chosen, LoggingProbability(segment, chosen), Reward(random, segment, chosen), predictions)
            {
                Id = $"d-{i}",
            });
        }

        return samples;
    }

    /// <summary>The mean reward of actually running <paramref name="policy"/> for <paramref name="count"/> decisions.</summary>
    public static double OnPolicyValue(ITargetPolicy<int> policy, int count, int seed)
    {
        var random = new Random(seed);
        double total = 0;
        for (var i = 0; i < count; i++)
        {
            var segment = DrawSegment(random);
            var candidates = CandidatesOf(segment);
            var probabilities = new double[candidates.Length];
            policy.GetProbabilities(new LoggedSample<int>(segment, candidates, candidates[0], 1, 0), probabilities);
            var draw = random.NextDouble();
            var j = 0;
            while (j < candidates.Length - 1 && draw >= probabilities[j])
            {
                draw -= probabilities[j];
                j++;
            }

            total += Reward(random, segment, candidates[j]);
        }

        return total / count;
    }

    private static int DrawSegment(Random random)
    {
        var draw = random.NextDouble();
        var segment = 0;
        while (segment < SegmentShares.Length - 1 && draw >= SegmentShares[segment])
        {
            draw -= SegmentShares[segment];
            segment++;
        }

        return segment;
    }

    private static double Reward(Random random, int segment, string action)
    {
        var a = Array.IndexOf(Actions, action);
        return random.NextDouble() < AcceptProbabilities[segment][a] ? Values[a] : 0;
    }
}
