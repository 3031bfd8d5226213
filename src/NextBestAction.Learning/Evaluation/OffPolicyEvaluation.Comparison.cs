namespace NextBestAction.Learning.Evaluation;

/// <summary>
/// How much more (or less) one policy is worth than another on the same logged samples, by one estimator.
/// </summary>
/// <param name="Method">The estimator both values come from.</param>
/// <param name="Value">Policy minus baseline, per sample.</param>
/// <param name="StandardError">Of the paired per-sample differences (delta method for SNIPS).</param>
/// <param name="Interval">95% interval of the difference, paired: both policies are weighed on the same samples (and, with the
/// bootstrap, on the same resamples), so what the log's noise does to both cancels.</param>
/// <param name="SampleCount">Number of logged samples.</param>
public sealed record OffPolicyDifference(OffPolicyMethod Method, double Value, double StandardError, ConfidenceInterval Interval, int SampleCount)
{
    /// <summary>Whether the interval lies wholly on one side of 0, so the log tells the two policies apart at this level.</summary>
    public bool ExcludesZero => Interval.Lower > 0 || Interval.Upper < 0;
}

/// <summary>The paired comparison of two evaluations of one log.</summary>
public sealed partial class OffPolicyEvaluation
{
    /// <summary>
    /// This evaluation's policy minus <paramref name="baseline"/>'s, by <paramref name="method"/>, paired sample by sample. Each
    /// keeps its own reward model for DR and the direct method. The interval is this evaluation's kind (normal or bootstrap).
    /// </summary>
    /// <exception cref="ArgumentException">The two evaluations are not of the same samples.</exception>
    /// <exception cref="OffPolicyDataException">The method is undefined for either policy (see <see cref="Estimate"/>).</exception>
    public OffPolicyDifference DifferenceFrom(OffPolicyEvaluation baseline, OffPolicyMethod method)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        if (baseline.SampleCount != SampleCount || !baseline.rewards.AsSpan().SequenceEqual(rewards))
        {
            throw new ArgumentException("the two evaluations are not of the same logged samples, so they cannot be paired", nameof(baseline));
        }

        if (method == OffPolicyMethod.SelfNormalizedIps)
        {
            return SelfNormalizedDifference(baseline);
        }

        var mine = Terms(method);
        var theirs = baseline.Terms(method);
        var differences = new double[SampleCount];
        for (var i = 0; i < differences.Length; i++)
        {
            differences[i] = mine[i] - theirs[i];
        }

        var estimate = MeanEstimate(method, differences);
        return new OffPolicyDifference(method, estimate.Value, estimate.StandardError, estimate.Interval, SampleCount);
    }

    /// <summary>The per-sample terms whose mean is the estimate of a mean-type estimator.</summary>
    private double[] Terms(OffPolicyMethod method)
    {
        var terms = new double[SampleCount];
        switch (method)
        {
            case OffPolicyMethod.Ips:
                for (var i = 0; i < terms.Length; i++)
                {
                    terms[i] = weights[i] * rewards[i];
                }

                break;
            case OffPolicyMethod.DoublyRobust:
                var (direct, chosen) = RewardModel(method);
                for (var i = 0; i < terms.Length; i++)
                {
                    terms[i] = direct[i] + (weights[i] * (rewards[i] - chosen[i]));
                }

                break;
            case OffPolicyMethod.DirectMethod:
                RewardModel(method).Direct.CopyTo(terms, 0);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(method), method, "not a mean of per-sample terms");
        }

        return terms;
    }

    /// <summary>
    /// SNIPS of this policy minus the baseline's; the standard error from the difference of the two linearisations
    /// w (r - V) / mean(w), which are paired per sample.
    /// </summary>
    private OffPolicyDifference SelfNormalizedDifference(OffPolicyEvaluation baseline)
    {
        var mine = SelfNormalizedIps();
        var theirs = baseline.SelfNormalizedIps();
        var n = SampleCount;
        double myWeights = 0, theirWeights = 0;
        for (var i = 0; i < n; i++)
        {
            myWeights += weights[i];
            theirWeights += baseline.weights[i];
        }

        double sumOfSquares = 0;
        for (var i = 0; i < n; i++)
        {
            var influence = (weights[i] * (rewards[i] - mine.Value) / (myWeights / n))
                - (baseline.weights[i] * (rewards[i] - theirs.Value) / (theirWeights / n));
            sumOfSquares += influence * influence;
        }

        var value = mine.Value - theirs.Value;
        var standardError = n > 1 ? Math.Sqrt(sumOfSquares / (n - 1) / n) : double.NaN;
        var interval = options.BootstrapResamples > 0 ? BootstrapSelfNormalizedDifference(baseline) : NormalInterval(value, standardError);
        return new OffPolicyDifference(OffPolicyMethod.SelfNormalizedIps, value, standardError, interval, n);
    }

    /// <summary>The percentile bootstrap of the SNIPS difference: both ratios on each resample, as <see cref="Bootstrap"/> draws them.</summary>
    private ConfidenceInterval BootstrapSelfNormalizedDifference(OffPolicyEvaluation baseline)
    {
        var n = SampleCount;
        var random = new Random(options.BootstrapSeed);
        var estimates = new List<double>(options.BootstrapResamples);
        for (var b = 0; b < options.BootstrapResamples; b++)
        {
            double myWeighted = 0, myWeights = 0, theirWeighted = 0, theirWeights = 0;
            for (var i = 0; i < n; i++)
            {
                var pick = random.Next(n);
                myWeighted += weights[pick] * rewards[pick];
                myWeights += weights[pick];
                theirWeighted += baseline.weights[pick] * rewards[pick];
                theirWeights += baseline.weights[pick];
            }

            if (myWeights > 0 && theirWeights > 0)
            {
                estimates.Add((myWeighted / myWeights) - (theirWeighted / theirWeights));
            }
        }

        if (estimates.Count == 0)
        {
            return new ConfidenceInterval(double.NaN, double.NaN, Level, IntervalMethod.Bootstrap);
        }

        estimates.Sort();
        return new ConfidenceInterval(Percentile(estimates, (1 - Level) / 2), Percentile(estimates, 1 - ((1 - Level) / 2)), Level, IntervalMethod.Bootstrap);
    }
}
