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
public sealed class AdaptiveStatistics : IAdaptiveCorrection
{
    private readonly FrozenDictionary<string, (double Accepted, double Expected)> byKey;
    private readonly double priorStrength;

    public AdaptiveStatistics(IEnumerable<(string Segment, string ActionId, double Accepted, double Expected)> counts, double priorStrength)
    {
        byKey = counts.ToFrozenDictionary(c => Key(c.Segment, c.ActionId), c => (c.Accepted, c.Expected), StringComparer.Ordinal);
        this.priorStrength = priorStrength;
    }

    public static AdaptiveStatistics Empty { get; } = new([], 1);

    public int Count => byKey.Count;

    public double Factor(string segment, string actionId) =>
        byKey.TryGetValue(Key(segment, actionId), out var c) ? (c.Accepted + priorStrength) / (c.Expected + priorStrength) : 1.0;

    /// <summary>Segment and action in one key; '|' cannot occur in either (both are identifiers).</summary>
    public static string Key(string segment, string actionId) => string.Concat(segment, "|", actionId);
}
