using System.Collections.Frozen;

namespace NextBestAction.Decisioning.Engine;

/// <summary>
/// Corrects the model's propensity per action and segment from outcomes seen since: so a new action, or one
/// the model misjudges, is learnt in minutes rather than at the next retrain.
/// </summary>
public interface IAdaptiveCorrection
{
    /// <summary>The factor to multiply the model's propensity with; 1 when nothing has been learnt.</summary>
    double Factor(string segment, string actionId);
}

/// <summary>
/// Observed against expected acceptances per segment and action, with a Bayesian prior: the factor is
/// (accepted + k) / (expected + k), where expected is the sum of the model's propensities over the impressions
/// and k is the prior strength in expected acceptances. With no data the factor is 1 (trust the model); as
/// evidence grows it moves to the observed ratio, the model still ranking customers within the action.
/// </summary>
/// <remarks>
/// The factor is the mean of a Gamma(k + accepted, k + expected) posterior of the model's error, the conjugate prior of
/// a Poisson count of acceptances. With an optimism b above 0 it is the mean plus b posterior standard deviations
/// (sqrt(k + accepted) / (k + expected)): actions with little evidence, a new one above all, get a bonus that shrinks as
/// outcomes come in, so they are tried without random exploration. Deterministic, so the exploration policy's logged
/// probabilities stay exact.
/// </remarks>
public sealed class AdaptiveStatistics : IAdaptiveCorrection
{
    private readonly FrozenDictionary<string, (double Accepted, double Expected)> byKey;
    private readonly double priorStrength;
    private readonly double optimism;
    private readonly double unseenFactor;

    /// <param name="optimism">Posterior standard deviations added to the mean factor, 0 for none.</param>
    public AdaptiveStatistics(IEnumerable<(string Segment, string ActionId, double Accepted, double Expected)> counts, double priorStrength, double optimism = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(priorStrength);
        ArgumentOutOfRangeException.ThrowIfNegative(optimism);
        byKey = counts.ToFrozenDictionary(c => Key(c.Segment, c.ActionId), c => (c.Accepted, c.Expected), StringComparer.Ordinal);
        this.priorStrength = priorStrength;
        this.optimism = optimism;
        unseenFactor = Posterior(0, 0, priorStrength, optimism);
    }

    public static AdaptiveStatistics Empty { get; } = new([], 1);

    public int Count => byKey.Count;

    public double Factor(string segment, string actionId) =>
        byKey.TryGetValue(Key(segment, actionId), out var c) ? Posterior(c.Accepted, c.Expected, priorStrength, optimism) : unseenFactor;

    /// <summary>Segment and action in one key; '|' cannot occur in either (both are identifiers).</summary>
    public static string Key(string segment, string actionId) => string.Concat(segment, "|", actionId);

    /// <summary>The posterior mean of the model's error factor plus <paramref name="optimism"/> standard deviations.</summary>
    public static double Posterior(double accepted, double expected, double priorStrength, double optimism)
    {
        var shape = priorStrength + Math.Max(0, accepted);
        var rate = priorStrength + Math.Max(0, expected);
        return (shape + (optimism * Math.Sqrt(shape))) / rate;
    }
}

/// <summary>
/// Adaptive counts that forget: every count loses half its weight per <c>halfLife</c> of the clock handed in, so the
/// factor follows customers who change (a product line out of fashion) instead of averaging over all time. Kept in
/// process; the service keeps the same counts per hour in Redis (<c>AdaptiveStore</c>). Not thread-safe.
/// </summary>
public sealed class ForgettingAdaptiveCounts(TimeSpan halfLife, double priorStrength, double optimism) : IAdaptiveCorrection
{
    private readonly Dictionary<string, (double Accepted, double Expected, DateTimeOffset At)> counts = new(StringComparer.Ordinal);

    /// <summary>The clock the factors are read at; set before each decision.</summary>
    public DateTimeOffset Now { get; set; }

    public double Factor(string segment, string actionId)
    {
        var (accepted, expected) = Decayed(AdaptiveStatistics.Key(segment, actionId), Now);
        return AdaptiveStatistics.Posterior(accepted, expected, priorStrength, optimism);
    }

    /// <summary>One impression of <paramref name="actionId"/> whose model propensity was <paramref name="expected"/>, accepted or not, at <paramref name="at"/>.</summary>
    public void Observe(string segment, string actionId, double expected, bool accepted, DateTimeOffset at)
    {
        var key = AdaptiveStatistics.Key(segment, actionId);
        var (a, e) = Decayed(key, at);
        counts[key] = (a + (accepted ? 1 : 0), e + expected, at);
    }

    /// <summary>The weight a count made <paramref name="age"/> ago keeps.</summary>
    public static double Weight(TimeSpan age, TimeSpan halfLife) =>
        halfLife <= TimeSpan.Zero || age <= TimeSpan.Zero ? 1 : Math.Pow(0.5, age / halfLife);

    private (double Accepted, double Expected) Decayed(string key, DateTimeOffset at)
    {
        if (!counts.TryGetValue(key, out var c))
        {
            return (0, 0);
        }

        var weight = Weight(at - c.At, halfLife);
        return (c.Accepted * weight, c.Expected * weight);
    }
}
