namespace NextBestAction.Learning.Evaluation;

/// <summary>The policy under evaluation: for a logged sample, its probability of choosing each candidate.</summary>
/// <typeparam name="TContext">The context type of the logged samples.</typeparam>
public interface ITargetPolicy<TContext>
{
    /// <summary>
    /// Writes the probability of each of <paramref name="sample"/>'s candidates, in candidate order, into
    /// <paramref name="probabilities"/> (cleared, one slot per candidate). The probabilities must sum to 1; a
    /// deterministic policy writes 1 for its action and leaves the rest 0.
    /// </summary>
    void GetProbabilities(LoggedSample<TContext> sample, Span<double> probabilities);
}

/// <summary>Ready-made target policies built from a function.</summary>
public static class TargetPolicy
{
    /// <summary>A deterministic policy: probability 1 on the action <paramref name="chooseAction"/> returns.</summary>
    public static ITargetPolicy<TContext> Deterministic<TContext>(Func<LoggedSample<TContext>, string> chooseAction)
    {
        ArgumentNullException.ThrowIfNull(chooseAction);
        return new DeterministicPolicy<TContext>(chooseAction, 0);
    }

    /// <summary>
    /// Epsilon-greedy around a deterministic choice: <paramref name="epsilon"/> spread evenly over every candidate,
    /// the rest on the action <paramref name="chooseAction"/> returns.
    /// </summary>
    public static ITargetPolicy<TContext> EpsilonGreedy<TContext>(Func<LoggedSample<TContext>, string> chooseAction, double epsilon)
    {
        ArgumentNullException.ThrowIfNull(chooseAction);
        if (!(epsilon is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be in [0, 1]");
        }

        return new DeterministicPolicy<TContext>(chooseAction, epsilon);
    }

    /// <summary>A stochastic policy given as one probability per candidate, in candidate order.</summary>
    public static ITargetPolicy<TContext> FromDistribution<TContext>(Func<LoggedSample<TContext>, IReadOnlyList<double>> distribution)
    {
        ArgumentNullException.ThrowIfNull(distribution);
        return new DistributionPolicy<TContext>(distribution);
    }

    private sealed class DeterministicPolicy<TContext>(Func<LoggedSample<TContext>, string> chooseAction, double epsilon)
        : ITargetPolicy<TContext>
    {
        public void GetProbabilities(LoggedSample<TContext> sample, Span<double> probabilities)
        {
            var action = chooseAction(sample);
            var index = -1;
            for (var i = 0; i < sample.Candidates.Count; i++)
            {
                if (string.Equals(sample.Candidates[i], action, StringComparison.Ordinal))
                {
                    index = i;
                    break;
                }
            }

            if (index < 0)
            {
                throw new ArgumentException($"the target policy chose \"{action}\", which is not one of the sample's {sample.Candidates.Count} candidates");
            }

            probabilities.Fill(epsilon / probabilities.Length);
            probabilities[index] += 1 - epsilon;
        }
    }

    private sealed class DistributionPolicy<TContext>(Func<LoggedSample<TContext>, IReadOnlyList<double>> distribution)
        : ITargetPolicy<TContext>
    {
        public void GetProbabilities(LoggedSample<TContext> sample, Span<double> probabilities)
        {
            var given = distribution(sample);
            if (given.Count != probabilities.Length)
            {
                throw new ArgumentException($"the target policy gave {given.Count} probabilities for {probabilities.Length} candidates");
            }

            for (var i = 0; i < probabilities.Length; i++)
            {
                probabilities[i] = given[i];
            }
        }
    }
}
