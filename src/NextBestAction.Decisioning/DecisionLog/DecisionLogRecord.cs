using NextBestAction.Decisioning.Engine;

namespace NextBestAction.Decisioning.DecisionLog;

/// <summary>
/// The <c>data</c> of a <c>decision.logged</c> event on <c>nba.decisions</c>: inputs with the feature values
/// the engine used, every scored candidate, the chosen actions with their probabilities, and versions.
/// Enough to replay the decision, train on it and evaluate other policies off-line.
/// </summary>
public sealed record DecisionLogRecord(
    string DecisionId,
    string CustomerId,
    DateTimeOffset At,
    string? Touchpoint,
    string? Channel,
    bool Degraded,
    string ModelVersion,
    string CatalogVersion,
    string Policy,
    IReadOnlyList<RequestCartItem> Cart,
    IReadOnlyDictionary<string, double> Features,
    Arbitration Arbitration,
    IReadOnlyList<LoggedCandidate> Candidates,
    IReadOnlyList<LoggedChoice> Chosen,
    int FilteredCount);

/// <summary>A candidate that passed every filter, with its score parts and the action-level feature values.</summary>
public sealed record LoggedCandidate(
    string ActionId,
    string Kind,
    double Propensity,
    double ContextWeight,
    double Value,
    double Lever,
    double Score,
    IReadOnlyDictionary<string, double> Features);

public sealed record LoggedChoice(string ActionId, int Rank, double Probability);
