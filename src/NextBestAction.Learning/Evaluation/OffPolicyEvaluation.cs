namespace NextBestAction.Learning.Evaluation;

/// <summary>
/// One target policy applied to one log of samples: the validated per-sample importance weights, rewards and
/// reward-model terms, from which each estimator computes its estimate, standard error and confidence interval.
/// Create it once with <see cref="Create{TContext}"/> and ask for as many estimates as needed.
/// </summary>
/// <remarks>
/// With w = target probability / logging probability of the logged action (clipped when configured), r the reward,
/// q the reward model's prediction for the logged action and d the model's expected reward under the target
/// policy (sum over candidates of target probability times prediction), the estimates over n samples are
/// IPS = mean(w r), SNIPS = sum(w r) / sum(w), DM = mean(d) and DR = mean(d + w (r - q)).
/// </remarks>
public sealed partial class OffPolicyEvaluation
{
    /// <summary>Two-sided 95% quantile of the standard normal distribution.</summary>
    private const double Z95 = 1.959963984540054;

    private const double Level = 0.95;

    private readonly double[] weights;
    private readonly double[] rewards;
    private readonly double[]? directTerms;
    private readonly double[]? chosenPredictions;
    private readonly int firstWithoutModel;
    private readonly string? firstWithoutModelId;
    private readonly int matchedCount;
    private readonly int clippedCount;
    private readonly double effectiveSampleSize;
    private readonly OffPolicyOptions options;

    private OffPolicyEvaluation(
        double[] weights,
        double[] rewards,
        double[]? directTerms,
        double[]? chosenPredictions,
        (int Index, string? Id) firstWithoutModel,
        int matchedCount,
        int clippedCount,
        OffPolicyOptions options)
    {
        this.weights = weights;
        this.rewards = rewards;
        this.directTerms = directTerms;
        this.chosenPredictions = chosenPredictions;
        (this.firstWithoutModel, firstWithoutModelId) = firstWithoutModel;
        this.matchedCount = matchedCount;
        this.clippedCount = clippedCount;
        this.options = options;

        double sum = 0, sumOfSquares = 0;
        foreach (var w in weights)
        {
            sum += w;
            sumOfSquares += w * w;
        }

        effectiveSampleSize = sumOfSquares > 0 ? sum * sum / sumOfSquares : 0;
    }

    /// <summary>Number of logged samples.</summary>
    public int SampleCount => weights.Length;

    /// <summary>Whether every sample carries reward-model predictions, so the direct method and DR are available.</summary>
    public bool HasRewardModel => directTerms is not null;

    /// <summary>
    /// Validates <paramref name="samples"/>, asks <paramref name="policy"/> for its distribution on each and keeps
    /// the per-sample terms.
    /// </summary>
    /// <exception cref="OffPolicyDataException">No samples, or a sample or the policy's distribution for it is
    /// invalid (the message says which sample and what is wrong).</exception>
    public static OffPolicyEvaluation Create<TContext>(
        IReadOnlyList<LoggedSample<TContext>> samples,
        ITargetPolicy<TContext> policy,
        OffPolicyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(policy);
        options ??= OffPolicyOptions.Default;
        options.Validate();
        if (samples.Count == 0)
        {
            throw new OffPolicyDataException("there are no samples: off-policy evaluation needs at least one logged decision");
        }

        var n = samples.Count;
        var weights = new double[n];
        var rewards = new double[n];
        var directTerms = new double[n];
        var chosenPredictions = new double[n];
        (int Index, string? Id) withoutModel = (-1, null);
        int matched = 0, clipped = 0;
        var probabilities = new double[8];
        var seen = new HashSet<string>(StringComparer.Ordinal);

        for (var i = 0; i < n; i++)
        {
            var sample = samples[i] ?? throw new OffPolicyDataException($"sample {i}: is null", i);
            var chosen = ChosenIndex(sample, i, seen);

            var logging = sample.LoggingProbability;
            if (!(logging is > 0 and <= 1))
            {
                var why = logging <= 0 ? "; a policy cannot choose an action it gives no probability, so the log is inconsistent" : "";
                throw Invalid(sample, i, $"logging probability {logging} of the chosen action \"{sample.ChosenAction}\" is not in (0, 1]{why}");
            }

            if (!double.IsFinite(sample.Reward))
            {
                throw Invalid(sample, i, $"reward {sample.Reward} is not a finite number");
            }

            var k = sample.Candidates.Count;
            if (probabilities.Length < k)
            {
                probabilities = new double[Math.Max(k, probabilities.Length * 2)];
            }

            var target = probabilities.AsSpan(0, k);
            TargetDistribution(sample, i, policy, target, options.ProbabilityTolerance);

            // A sample the target policy would never produce carries weight 0; it still counts in n, which is what
            // keeps IPS unbiased.
            if (target[chosen] > 0)
            {
                matched++;
            }

            var weight = target[chosen] / logging;
            if (options.MaxImportanceWeight is { } max && weight > max)
            {
                weight = max;
                clipped++;
            }

            weights[i] = weight;
            rewards[i] = sample.Reward;

            if (sample.PredictedRewards is { } predictions)
            {
                directTerms[i] = ExpectedPrediction(sample, i, target, predictions);
                chosenPredictions[i] = predictions[chosen];
            }
            else if (withoutModel.Index < 0)
            {
                withoutModel = (i, sample.Id);
            }
        }

        var hasModel = withoutModel.Index < 0;
        return new OffPolicyEvaluation(
            weights,
            rewards,
            hasModel ? directTerms : null,
            hasModel ? chosenPredictions : null,
            withoutModel,
            matched,
            clipped,
            options);
    }

    /// <summary>Inverse propensity scoring: the mean of w r. Unbiased when the logging probabilities are right and
    /// the weights are not clipped.</summary>
    public OffPolicyEstimate Ips()
    {
        var terms = new double[SampleCount];
        for (var i = 0; i < terms.Length; i++)
        {
            terms[i] = weights[i] * rewards[i];
        }

        return MeanEstimate(OffPolicyMethod.Ips, terms);
    }

    /// <summary>
    /// Self-normalised IPS: sum(w r) / sum(w). The normalisation keeps the estimate within the range of the rewards and
    /// cuts variance at the price of a bias that vanishes as n grows; the standard error is the delta method's.
    /// </summary>
    /// <exception cref="OffPolicyDataException">No logged action has positive target probability, so there is
    /// nothing to normalise by.</exception>
    public OffPolicyEstimate SelfNormalizedIps()
    {
        var n = SampleCount;
        double sumWeights = 0, sumWeighted = 0;
        var weighted = new double[n];
        for (var i = 0; i < n; i++)
        {
            weighted[i] = weights[i] * rewards[i];
            sumWeights += weights[i];
            sumWeighted += weighted[i];
        }

        if (!(sumWeights > 0))
        {
            throw new OffPolicyDataException(
                $"self-normalised IPS is undefined: the target policy gives probability 0 to the logged action of all {n} samples, so the log says nothing about it");
        }

        var value = sumWeighted / sumWeights;

        // Linearisation of the ratio around its value: w (r - V) / mean(w); these terms sum to exactly 0.
        var meanWeight = sumWeights / n;
        double sumOfSquares = 0;
        for (var i = 0; i < n; i++)
        {
            var influence = weights[i] * (rewards[i] - value) / meanWeight;
            sumOfSquares += influence * influence;
        }

        var standardError = n > 1 ? Math.Sqrt(sumOfSquares / (n - 1) / n) : double.NaN;
        var interval = options.BootstrapResamples > 0
            ? Bootstrap(weighted, weights)
            : NormalInterval(value, standardError);
        return Result(OffPolicyMethod.SelfNormalizedIps, value, standardError, interval);
    }

    /// <summary>
    /// Doubly robust: mean of d + w (r - q). Unbiased when either the logging probabilities or the reward model are
    /// right; with a good model its variance is well below IPS's because w only multiplies the model's error.
    /// </summary>
    /// <exception cref="OffPolicyDataException">A sample has no reward-model predictions.</exception>
    public OffPolicyEstimate DoublyRobust()
    {
        var (direct, chosen) = RewardModel(OffPolicyMethod.DoublyRobust);
        var terms = new double[SampleCount];
        for (var i = 0; i < terms.Length; i++)
        {
            terms[i] = direct[i] + (weights[i] * (rewards[i] - chosen[i]));
        }

        return MeanEstimate(OffPolicyMethod.DoublyRobust, terms);
    }

    /// <summary>
    /// Direct method: mean of d, the reward model's expected reward under the target policy. Low variance, but as
    /// biased as the model; its interval ignores that bias. For reference next to the other estimators.
    /// </summary>
    /// <exception cref="OffPolicyDataException">A sample has no reward-model predictions.</exception>
    public OffPolicyEstimate DirectMethod()
    {
        var (direct, _) = RewardModel(OffPolicyMethod.DirectMethod);
        return MeanEstimate(OffPolicyMethod.DirectMethod, direct);
    }

    /// <summary>The estimate of one <paramref name="method"/>.</summary>
    public OffPolicyEstimate Estimate(OffPolicyMethod method) => method switch
    {
        OffPolicyMethod.Ips => Ips(),
        OffPolicyMethod.SelfNormalizedIps => SelfNormalizedIps(),
        OffPolicyMethod.DoublyRobust => DoublyRobust(),
        OffPolicyMethod.DirectMethod => DirectMethod(),
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "unknown off-policy method"),
    };

    /// <summary>IPS and SNIPS, and with a reward model also DR and the direct method.</summary>
    public IReadOnlyList<OffPolicyEstimate> EstimateAll() =>
        HasRewardModel ? [Ips(), SelfNormalizedIps(), DoublyRobust(), DirectMethod()] : [Ips(), SelfNormalizedIps()];

    private static int ChosenIndex<TContext>(LoggedSample<TContext> sample, int index, HashSet<string> seen)
    {
        if (sample.Candidates is null || sample.Candidates.Count == 0)
        {
            throw Invalid(sample, index, "has no candidates");
        }

        seen.Clear();
        var chosen = -1;
        for (var j = 0; j < sample.Candidates.Count; j++)
        {
            var candidate = sample.Candidates[j] ?? throw Invalid(sample, index, $"candidate {j} is null");
            if (!seen.Add(candidate))
            {
                throw Invalid(sample, index, $"candidate \"{candidate}\" appears more than once, so its probabilities are ambiguous");
            }

            if (string.Equals(candidate, sample.ChosenAction, StringComparison.Ordinal))
            {
                chosen = j;
            }
        }

        return chosen >= 0
            ? chosen
            : throw Invalid(sample, index, $"the chosen action \"{sample.ChosenAction}\" is not one of its {sample.Candidates.Count} candidates");
    }

    private static void TargetDistribution<TContext>(
        LoggedSample<TContext> sample,
        int index,
        ITargetPolicy<TContext> policy,
        Span<double> target,
        double tolerance)
    {
        target.Clear();
        try
        {
            policy.GetProbabilities(sample, target);
        }
        catch (Exception ex) when (ex is not OffPolicyDataException)
        {
            // The policy cannot know which sample it was given; say it here.
            throw Invalid(sample, index, $"the target policy failed: {ex.Message}", ex);
        }

        double sum = 0;
        for (var j = 0; j < target.Length; j++)
        {
            if (!(target[j] >= 0 && target[j] <= 1 + tolerance))
            {
                throw Invalid(sample, index, $"the target policy gives candidate \"{sample.Candidates[j]}\" probability {target[j]}, which is not in [0, 1]");
            }

            sum += target[j];
        }

        if (Math.Abs(sum - 1) > tolerance)
        {
            throw Invalid(sample, index, $"the target policy's probabilities over its {target.Length} candidates sum to {sum}, not 1 (tolerance {tolerance})");
        }
    }

    private static double ExpectedPrediction<TContext>(
        LoggedSample<TContext> sample,
        int index,
        ReadOnlySpan<double> target,
        IReadOnlyList<double> predictions)
    {
        if (predictions.Count != target.Length)
        {
            throw Invalid(sample, index, $"has {predictions.Count} reward predictions for {target.Length} candidates");
        }

        double expected = 0;
        for (var j = 0; j < target.Length; j++)
        {
            if (!double.IsFinite(predictions[j]))
            {
                throw Invalid(sample, index, $"the reward prediction {predictions[j]} for candidate \"{sample.Candidates[j]}\" is not a finite number");
            }

            expected += target[j] * predictions[j];
        }

        return expected;
    }

    private static OffPolicyDataException Invalid<TContext>(LoggedSample<TContext> sample, int index, string problem, Exception? inner = null)
    {
        var id = sample.Id is null ? "" : $" (\"{sample.Id}\")";
        return new OffPolicyDataException($"sample {index}{id}: {problem}", index, inner);
    }

    private (double[] Direct, double[] Chosen) RewardModel(OffPolicyMethod method)
    {
        if (directTerms is null || chosenPredictions is null)
        {
            var id = firstWithoutModelId is null ? "" : $" (\"{firstWithoutModelId}\")";
            throw new OffPolicyDataException(
                $"sample {firstWithoutModel}{id}: has no reward-model predictions, which the {method} estimator needs for every sample",
                firstWithoutModel);
        }

        return (directTerms, chosenPredictions);
    }

    private OffPolicyEstimate MeanEstimate(OffPolicyMethod method, double[] terms)
    {
        var n = terms.Length;
        double sum = 0;
        foreach (var t in terms)
        {
            sum += t;
        }

        var mean = sum / n;

        // Two passes: the variance from squared deviations, not from E[t^2] - mean^2, which cancels badly.
        double sumOfSquares = 0;
        foreach (var t in terms)
        {
            sumOfSquares += (t - mean) * (t - mean);
        }

        var standardError = n > 1 ? Math.Sqrt(sumOfSquares / (n - 1) / n) : double.NaN;
        var interval = options.BootstrapResamples > 0
            ? Bootstrap(terms, null)
            : NormalInterval(mean, standardError);
        return Result(method, mean, standardError, interval);
    }

    private OffPolicyEstimate Result(OffPolicyMethod method, double value, double standardError, ConfidenceInterval interval) =>
        new(method, value, standardError, interval, SampleCount, effectiveSampleSize, matchedCount, clippedCount);

    private static ConfidenceInterval NormalInterval(double value, double standardError) =>
        new(value - (Z95 * standardError), value + (Z95 * standardError), Level, IntervalMethod.Normal);

    /// <summary>
    /// Percentile bootstrap of sum(numerators) / sum(denominators) over resamples drawn with replacement (each
    /// denominator 1 when none are given, i.e. a mean). Every estimator draws the same resamples for the same seed,
    /// so their intervals are comparable. Resamples with a zero denominator (SNIPS without a matched sample) are
    /// left out.
    /// </summary>
    private ConfidenceInterval Bootstrap(double[] numerators, double[]? denominators)
    {
        var n = numerators.Length;
        var random = new Random(options.BootstrapSeed);
        var estimates = new List<double>(options.BootstrapResamples);
        for (var b = 0; b < options.BootstrapResamples; b++)
        {
            double numerator = 0, denominator = 0;
            for (var i = 0; i < n; i++)
            {
                var pick = random.Next(n);
                numerator += numerators[pick];
                denominator += denominators is null ? 1 : denominators[pick];
            }

            if (denominator > 0)
            {
                estimates.Add(numerator / denominator);
            }
        }

        if (estimates.Count == 0)
        {
            return new ConfidenceInterval(double.NaN, double.NaN, Level, IntervalMethod.Bootstrap);
        }

        estimates.Sort();
        return new ConfidenceInterval(
            Percentile(estimates, (1 - Level) / 2),
            Percentile(estimates, 1 - ((1 - Level) / 2)),
            Level,
            IntervalMethod.Bootstrap);
    }

    /// <summary>Linear interpolation between the order statistics around position q (n - 1).</summary>
    private static double Percentile(List<double> sorted, double q)
    {
        var position = q * (sorted.Count - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Count - 1);
        var fraction = position - below;
        return sorted[below] + ((sorted[above] - sorted[below]) * fraction);
    }
}
