using NextBestAction.Simulator.Responses;
using NextBestAction.Training.Simulation;

namespace NextBestAction.Benchmarks.Quality;

/// <summary>What the learned policy did after the drift scenario's change.</summary>
/// <param name="DecisionsToRecover">
/// Decisions after the change until the policy's value over the last <c>window</c> decisions, all after the change, is
/// back at 0.9 of the oracle's on the same candidates; null when it never was.
/// </param>
/// <param name="DecisionsToLearnNewAction">
/// Decisions after the change until, over the last <see cref="DriftTracker.NewActionWindow"/> decisions where the new action
/// was the best candidate, the policy showed it at least half the time; null when it never did.
/// </param>
/// <param name="LowestWindowRatio">The lowest value ratio of a full window after the change.</param>
/// <param name="NewActionBest">Decisions after the change where the new action was the best candidate.</param>
/// <param name="NewActionShownWhereBest">How many of those showed it.</param>
internal sealed record DriftResult(
    int? DecisionsToRecover, int? DecisionsToLearnNewAction, double LowestWindowRatio, int DecisionsAfterChange, int NewActionBest, int NewActionShownWhereBest);

/// <summary>Follows one policy run through the drift scenario's change, decision by decision.</summary>
internal sealed class DriftTracker(DriftScenario scenario, int window)
{
    /// <summary>Decisions where the new action was best that make up the share of <see cref="DriftResult.DecisionsToLearnNewAction"/>.</summary>
    public const int NewActionWindow = 50;

    private readonly Queue<(double Value, double Oracle)> recent = new();
    private readonly Queue<bool> newActionShown = new();
    private double windowValue, windowOracle;
    private int after, best, shownWhereBest;
    private int? recovered, learnt;
    private double lowest = double.PositiveInfinity;

    public void Add(SimulatedDecision d)
    {
        if (d.Moment.Time < scenario.ChangeAt)
        {
            return;
        }

        after++;
        recent.Enqueue((d.ExpectedValue, d.OracleExpectedValue));
        (windowValue, windowOracle) = (windowValue + d.ExpectedValue, windowOracle + d.OracleExpectedValue);
        if (recent.Count > window)
        {
            var (value, oracle) = recent.Dequeue();
            (windowValue, windowOracle) = (windowValue - value, windowOracle - oracle);
        }

        if (recent.Count == window && windowOracle > 0)
        {
            var ratio = windowValue / windowOracle;
            lowest = Math.Min(lowest, ratio);
            recovered ??= ratio >= 0.9 ? after : null;
        }

        if (IsNewActionBest(d))
        {
            best++;
            var shown = d.ShownActionId == DriftScenario.NewActionId;
            shownWhereBest += shown ? 1 : 0;
            newActionShown.Enqueue(shown);
            if (newActionShown.Count > NewActionWindow)
            {
                newActionShown.Dequeue();
            }

            learnt ??= newActionShown.Count == NewActionWindow && newActionShown.Count(s => s) * 2 >= NewActionWindow ? after : null;
        }
    }

    public DriftResult Result() => new(recovered, learnt, double.IsPositiveInfinity(lowest) ? 0 : lowest, after, best, shownWhereBest);

    /// <summary>The new action was a candidate and none had a higher true expected value.</summary>
    private static bool IsNewActionBest(SimulatedDecision d)
    {
        if (!d.TrueProbabilities.ContainsKey(DriftScenario.NewActionId))
        {
            return false;
        }

        var candidates = d.Decision.Candidates;
        var newValue = 0.0;
        var bestOther = 0.0;
        for (var i = 0; i < candidates.Count; i++)
        {
            var action = candidates[i].Action;
            var value = d.TrueProbabilities[action.Id] * action.Value;
            if (action.Id == DriftScenario.NewActionId)
            {
                newValue = value;
            }
            else
            {
                bestOther = Math.Max(bestOther, value);
            }
        }

        return newValue > bestOther;
    }
}
