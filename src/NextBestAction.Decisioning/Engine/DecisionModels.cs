namespace NextBestAction.Decisioning.Engine;

/// <summary>Body of <c>POST /v1/decisions</c> (shared/contracts.md). Nullable so validation can name what is missing.</summary>
public sealed record DecisionRequest(string? CustomerId, string? Touchpoint, string? Channel, DecisionContext? Context, int? MaxActions);

public sealed record DecisionContext(IReadOnlyList<RequestCartItem>? Cart);

public sealed record RequestCartItem(string? ProductId, string? Category, string? ProductLine, decimal? Price, int? Quantity);

public sealed record DecisionResponse(
    string DecisionId,
    string CustomerId,
    IReadOnlyList<ChosenAction> Actions,
    bool Degraded,
    string ModelVersion,
    string CatalogVersion);

public sealed record ChosenAction(
    string ActionId,
    string Kind,
    string Title,
    double Score,
    double Propensity,
    double Value,
    double Probability,
    IReadOnlyList<string> Reasons,
    IReadOnlyList<FeatureContribution> Explanation);

/// <summary>How much one feature added to (or took from) an action's propensity.</summary>
public sealed record FeatureContribution(string Feature, double Contribution);
