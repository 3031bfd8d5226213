using NextBestAction.Contracts;
using NextBestAction.Decisioning.Catalog;
using NextBestAction.Decisioning.Engine;

namespace NextBestAction.Benchmarks.Quality;

/// <summary>The random baseline: one eligible candidate, each with the same chance, drawn from the decision's seed.</summary>
internal sealed class UniformRandomPolicy : IExplorationPolicy
{
    public string Name => "uniform-random";

    /// <remarks>Picks one action: the simulated shop asks for one per decision.</remarks>
    public void Choose(IReadOnlyList<ScoredCandidate> ranked, int maxActions, ulong seed, List<(ScoredCandidate Candidate, double Probability)> chosen, List<double> firstSlot)
    {
        var n = ranked.Count;
        for (var i = 0; i < n; i++)
        {
            firstSlot.Add(1.0 / n);
        }

        if (n > 0 && maxActions > 0)
        {
            chosen.Add((ranked[(int)(StableHash.Unit(StableHash.Mix(seed)) * n)], 1.0 / n));
        }
    }
}

/// <summary>
/// The oracle: the eligible candidate with the highest true probability x value, the truth handed in per decision by the
/// simulated shop. What no policy can beat on the same candidates.
/// </summary>
internal sealed class OraclePolicy : IExplorationPolicy
{
    public string Name => "oracle";

    /// <summary>The hidden model's acceptance probability for the decision being made; set before each decision.</summary>
    public Func<CatalogAction, double> TrueProbability { get; set; } = _ => 0;

    public void Choose(IReadOnlyList<ScoredCandidate> ranked, int maxActions, ulong seed, List<(ScoredCandidate Candidate, double Probability)> chosen, List<double> firstSlot)
    {
        var best = -1;
        var bestValue = double.NegativeInfinity;
        for (var i = 0; i < ranked.Count; i++)
        {
            var value = TrueProbability(ranked[i].Action) * ranked[i].Action.Value;
            if (value > bestValue)
            {
                (best, bestValue) = (i, value);
            }
        }

        for (var i = 0; i < ranked.Count; i++)
        {
            firstSlot.Add(i == best ? 1 : 0);
        }

        if (best >= 0 && maxActions > 0)
        {
            chosen.Add((ranked[best], 1.0));
        }
    }
}

/// <summary>
/// The adaptive correction learning in process after every answer, as the service's shared statistics do through Redis:
/// per touch point and action, expected += the shown action's model propensity and accepted += 1 on acceptance; the
/// factor is (accepted + k) / (expected + k).
/// </summary>
internal sealed class OnlineAdaptiveCorrection(double priorStrength) : IAdaptiveCorrection
{
    private readonly Dictionary<string, (double Accepted, double Expected)> counts = new(StringComparer.Ordinal);

    public double Factor(string segment, string actionId) =>
        counts.TryGetValue(AdaptiveStatistics.Key(segment, actionId), out var c) ? (c.Accepted + priorStrength) / (c.Expected + priorStrength) : 1.0;

    public void Observe(string segment, ScoredCandidate shown, bool accepted)
    {
        var key = AdaptiveStatistics.Key(segment, shown.Action.Id);
        var c = counts.GetValueOrDefault(key);
        counts[key] = (c.Accepted + (accepted ? 1 : 0), c.Expected + shown.ModelPropensity);
    }
}
