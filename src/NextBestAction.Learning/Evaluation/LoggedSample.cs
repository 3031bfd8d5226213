namespace NextBestAction.Learning.Evaluation;

/// <summary>
/// One logged bandit decision (one slot of a served decision): the candidate actions the logging policy could
/// choose from, the action it chose, the probability with which it chose it, and the reward that followed.
/// A decision that showed several actions gives one sample per slot.
/// </summary>
/// <typeparam name="TContext">What a target policy needs to decide (for example the logged decision record).</typeparam>
/// <param name="Context">The decision's inputs as the target policy sees them.</param>
/// <param name="Candidates">Ids of the actions available in this slot, distinct, in a fixed order that target
/// policies and <paramref name="PredictedRewards"/> follow.</param>
/// <param name="ChosenAction">The action the logging policy chose; one of <paramref name="Candidates"/>.</param>
/// <param name="LoggingProbability">The logging policy's probability of choosing <paramref name="ChosenAction"/>
/// (the logged <c>probability</c>); in (0, 1].</param>
/// <param name="Reward">The observed reward, for example the action's value when accepted and 0 otherwise.</param>
/// <param name="PredictedRewards">Optional reward-model predictions, one per candidate in candidate order; the
/// direct method and the doubly robust estimator need them.</param>
public sealed record LoggedSample<TContext>(
    TContext Context,
    IReadOnlyList<string> Candidates,
    string ChosenAction,
    double LoggingProbability,
    double Reward,
    IReadOnlyList<double>? PredictedRewards = null)
{
    /// <summary>Optional id (for example the decision id) quoted in error messages.</summary>
    public string? Id { get; init; }
}
