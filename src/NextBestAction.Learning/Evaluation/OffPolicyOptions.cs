namespace NextBestAction.Learning.Evaluation;

/// <summary>Settings of an off-policy evaluation.</summary>
public sealed record OffPolicyOptions
{
    /// <summary>No clipping, normal-approximation intervals.</summary>
    public static OffPolicyOptions Default { get; } = new();

    /// <summary>
    /// Upper bound on each importance weight (target probability / logging probability), or null for none.
    /// Clipping trades bias for variance: rare logged actions the target policy favours no longer dominate the
    /// estimate, but their reward is under-counted, so clipped IPS-based estimates lean towards 0 (and doubly robust
    /// ones towards the reward model). Leave it off to keep IPS and doubly robust unbiased.
    /// </summary>
    public double? MaxImportanceWeight { get; init; }

    /// <summary>
    /// Number of bootstrap resamples for percentile confidence intervals; 0 (the default) uses the normal
    /// approximation from the per-sample terms instead. The standard error is the analytic one either way.
    /// </summary>
    public int BootstrapResamples { get; init; }

    /// <summary>Seed of the bootstrap's resampling, so that intervals are reproducible.</summary>
    public int BootstrapSeed { get; init; }

    /// <summary>How far from 1 a target policy's probabilities may sum (rounding in softmax and the like).</summary>
    public double ProbabilityTolerance { get; init; } = 1e-6;

    internal void Validate()
    {
        if (MaxImportanceWeight is { } max && !(max > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxImportanceWeight), max, "the maximum importance weight must be positive");
        }

        if (BootstrapResamples < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(BootstrapResamples), BootstrapResamples, "the number of bootstrap resamples must be 0 (off) or positive");
        }

        if (!(ProbabilityTolerance is >= 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(ProbabilityTolerance), ProbabilityTolerance, "the probability tolerance must be in [0, 1)");
        }
    }
}
