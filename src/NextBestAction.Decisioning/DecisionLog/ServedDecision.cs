using NextBestAction.Decisioning.Engine;

namespace NextBestAction.Decisioning.DecisionLog;

/// <summary>
/// A decision as served, handed to the background writers after the response is on its way. It carries what the
/// decision log records of the request (touchpoint, requested channel, cart), not the HTTP request type.
/// </summary>
public sealed record ServedDecision(
    string DecisionId,
    string CustomerId,
    string? Touchpoint,
    string? Channel,
    IReadOnlyList<EngineCartItem> Cart,
    EngineDecision Decision,
    bool Degraded,
    string ModelVersion,
    string CatalogVersion,
    string Policy,
    DateTimeOffset At)
{
    public string Group { get; init; } = DecisionGroups.Treatment;

    /// <summary>The other model's decision on the same input, for the decision log only; never written to the contact history.</summary>
    public EngineDecision? Shadow { get; init; }

    /// <summary>The decision's span, so the decision-log message continues its trace; default when it was not traced.</summary>
    public System.Diagnostics.ActivityContext TraceContext { get; init; }
}
