using BenchmarkDotNet.Attributes;
using NextBestAction.Decisioning.Engine;

namespace NextBestAction.Benchmarks.Score;

/// <summary>
/// Scoring candidates with a trained model as the engine does: feature extraction from the rule scope and the tree
/// walk. Public and unsealed because BenchmarkDotNet requires it.
/// </summary>
public class ScoreBenchmarks
{
    private ScoreWorkload workload = null!;
    private readonly List<FeatureContribution> contributions = [];
    private int next;

    /// <summary>Prepared by the <c>score</c> command before BenchmarkDotNet starts (in-process toolchain).</summary>
    internal static ScoreWorkload? Workload { get; set; }

    [GlobalSetup]
    public void Setup() => workload = Workload ?? throw new InvalidOperationException($"{nameof(Workload)} must be prepared before BenchmarkDotNet runs");

    /// <summary>Every catalog action scored in one decision's scope, as the engine scores its candidates.</summary>
    [Benchmark]
    public double ScoreAllCandidates()
    {
        var scope = workload.Scopes[Next()];
        var actions = workload.Actions;
        var sum = 0.0;
        for (var i = 0; i < actions.Count; i++)
        {
            scope.Action = actions[i];
            sum += workload.Model.Predict(scope, null);
        }

        return sum;
    }

    /// <summary>One candidate scored with its feature contributions, as for a returned action's explanation.</summary>
    [Benchmark]
    public double ExplainOneCandidate()
    {
        var scope = workload.Scopes[Next()];
        scope.Action = workload.Actions[next % workload.Actions.Count];
        return workload.Model.Predict(scope, contributions);
    }

    private int Next()
    {
        var i = next;
        next = i + 1 == workload.Scopes.Length ? 0 : i + 1;
        return i;
    }
}
