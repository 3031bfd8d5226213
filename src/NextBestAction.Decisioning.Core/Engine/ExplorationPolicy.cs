using NextBestAction.Contracts;

namespace NextBestAction.Decisioning.Engine;

/// <summary>
/// The last step of the engine: picks the actions to show from the ranked candidates and says with which
/// probability each was picked, for learning and off-policy evaluation. Randomness comes in as a seed, so a
/// logged decision can be replayed exactly.
/// </summary>
public interface IExplorationPolicy
{
    string Name { get; }

    /// <param name="ranked">Eligible candidates, best first.</param>
    /// <param name="seed">The decision's random seed.</param>
    /// <param name="chosen">Receives the picks in display order, each with the probability it was picked for its slot given the slots before it.</param>
    /// <param name="firstSlot">Receives, per ranked candidate, the probability of being picked first; they sum to 1.</param>
    void Choose(IReadOnlyList<ScoredCandidate> ranked, int maxActions, ulong seed, List<(ScoredCandidate Candidate, double Probability)> chosen, List<double> firstSlot);
}

/// <summary>Always the best ranked: every pick has probability 1.</summary>
public sealed class GreedyPolicy : IExplorationPolicy
{
    public string Name => "greedy";

    public void Choose(IReadOnlyList<ScoredCandidate> ranked, int maxActions, ulong seed, List<(ScoredCandidate Candidate, double Probability)> chosen, List<double> firstSlot)
    {
        for (var i = 0; i < ranked.Count; i++)
        {
            firstSlot.Add(i == 0 ? 1 : 0);
            if (i < maxActions)
            {
                chosen.Add((ranked[i], 1.0));
            }
        }
    }
}

/// <summary>
/// With probability 1 - epsilon the best remaining candidate, otherwise one of the remaining candidates at
/// random, slot by slot. Every candidate keeps a chance of epsilon / n to be shown first, so outcomes of
/// actions the model ranks low are still observed and off-policy evaluation has support everywhere.
/// </summary>
public sealed class EpsilonGreedyPolicy(double epsilon) : IExplorationPolicy
{
    public string Name => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"epsilon-greedy({epsilon})");

    public void Choose(IReadOnlyList<ScoredCandidate> ranked, int maxActions, ulong seed, List<(ScoredCandidate Candidate, double Probability)> chosen, List<double> firstSlot)
    {
        var n = ranked.Count;
        for (var i = 0; i < n; i++)
        {
            firstSlot.Add((i == 0 ? 1 - epsilon : 0) + (epsilon / n));
        }

        var remaining = new List<ScoredCandidate>(ranked);
        var random = new SplitMix64(seed);
        while (chosen.Count < maxActions && remaining.Count > 0)
        {
            var m = remaining.Count;
            var index = random.NextDouble() < epsilon ? random.NextInt(m) : 0;
            chosen.Add((remaining[index], (index == 0 ? 1 - epsilon : 0) + (epsilon / m)));
            remaining.RemoveAt(index);
        }
    }
}

/// <summary>A small, allocation-free random source (SplitMix64), reproducible from the decision's seed.</summary>
internal struct SplitMix64(ulong state)
{
    private ulong state = state;

    public double NextDouble() => StableHash.Unit(StableHash.Mix(state += 0x9E3779B97F4A7C15UL));

    public int NextInt(int exclusiveMax) => (int)(NextDouble() * exclusiveMax);
}
