namespace NextBestAction.Decisioning.Engine;

/// <summary>
/// The last step of the engine: picks the actions to show from the ranked candidates and says with which
/// probability each was picked, for learning and off-policy evaluation.
/// </summary>
public interface IExplorationPolicy
{
    string Name { get; }

    /// <param name="ranked">Eligible candidates, best first.</param>
    /// <param name="chosen">Receives the picked candidates with their probabilities, in display order.</param>
    void Choose(IReadOnlyList<ScoredCandidate> ranked, int maxActions, List<(ScoredCandidate Candidate, double Probability)> chosen);
}

/// <summary>Always the best ranked: every pick has probability 1.</summary>
public sealed class GreedyPolicy : IExplorationPolicy
{
    public string Name => "greedy";

    public void Choose(IReadOnlyList<ScoredCandidate> ranked, int maxActions, List<(ScoredCandidate Candidate, double Probability)> chosen)
    {
        for (var i = 0; i < ranked.Count && i < maxActions; i++)
        {
            chosen.Add((ranked[i], 1.0));
        }
    }
}
