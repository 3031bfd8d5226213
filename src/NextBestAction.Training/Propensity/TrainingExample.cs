namespace NextBestAction.Training.Propensity;

/// <summary>
/// One chosen action of one logged decision: the features the engine saw for it (in the model's feature order, single
/// precision as ML.NET takes them), whether the customer accepted it, and the propensity the serving model logged.
/// </summary>
internal sealed record TrainingExample(
    string DecisionId,
    string ActionId,
    DateTimeOffset At,
    float[] Features,
    bool Accepted,
    double LoggedPropensity,
    string LoggedModelVersion);
