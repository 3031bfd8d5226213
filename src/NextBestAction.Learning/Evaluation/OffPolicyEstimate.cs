namespace NextBestAction.Learning.Evaluation;

/// <summary>The off-policy estimators.</summary>
public enum OffPolicyMethod
{
    /// <summary>Direct method: the reward model's expected reward under the target policy. Biased when the model is.</summary>
    DirectMethod,

    /// <summary>Inverse propensity scoring: rewards reweighted by target over logging probability. Unbiased.</summary>
    Ips,

    /// <summary>Self-normalised IPS: IPS divided by the mean weight. Slightly biased, usually far less variance.</summary>
    SelfNormalizedIps,

    /// <summary>Doubly robust: direct method plus an IPS correction of the model's error on the logged action.</summary>
    DoublyRobust,
}

/// <summary>How a confidence interval was computed.</summary>
public enum IntervalMethod
{
    /// <summary>Estimate plus or minus 1.96 standard errors.</summary>
    Normal,

    /// <summary>Percentiles of the estimate over seeded bootstrap resamples of the samples.</summary>
    Bootstrap,
}

/// <summary>A confidence interval for a policy value.</summary>
/// <param name="Lower">Lower bound.</param>
/// <param name="Upper">Upper bound.</param>
/// <param name="Level">Nominal coverage, 0.95.</param>
/// <param name="Method">How the bounds were computed.</param>
public readonly record struct ConfidenceInterval(double Lower, double Upper, double Level, IntervalMethod Method)
{
    /// <summary>Upper minus lower bound.</summary>
    public double Width => Upper - Lower;

    /// <summary>Whether <paramref name="value"/> lies within the bounds (inclusive).</summary>
    public bool Contains(double value) => value >= Lower && value <= Upper;
}

/// <summary>An estimate of the target policy's expected reward per sample.</summary>
/// <param name="Method">The estimator.</param>
/// <param name="Value">The estimated value.</param>
/// <param name="StandardError">Standard error from the per-sample terms (delta method for SNIPS); NaN for one sample.
/// For the direct method it covers sampling noise only, not the reward model's bias.</param>
/// <param name="Interval">The 95% confidence interval.</param>
/// <param name="SampleCount">Number of logged samples.</param>
/// <param name="EffectiveSampleSize">Kish's effective sample size of the (clipped) importance weights,
/// (sum w)^2 / sum w^2: how many on-policy samples the log is worth for IPS; 0 when no weight is positive.</param>
/// <param name="MatchedCount">Samples whose logged action the target policy could have chosen (positive target
/// probability); for a deterministic policy, those where it picks the logged action.</param>
/// <param name="ClippedCount">Samples whose importance weight was cut to the maximum.</param>
public sealed record OffPolicyEstimate(
    OffPolicyMethod Method,
    double Value,
    double StandardError,
    ConfidenceInterval Interval,
    int SampleCount,
    double EffectiveSampleSize,
    int MatchedCount,
    int ClippedCount);
