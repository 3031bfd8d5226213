namespace NextBestAction.Decisioning.Engine;

/// <summary>Body of <c>POST /v1/decisions</c> (docs/contracts.md). Nullable so validation can name what is missing.</summary>
/// <param name="Debug">When true the response also says why every other action was not chosen.</param>
/// <param name="DryRun">
/// When true nothing is recorded: no impressions for the contact policy, no outcome record, no decision-log
/// record. For previews by catalog authors and for tools that poll; the decision cannot get an outcome.
/// </param>
public sealed record DecisionRequest(string? CustomerId, string? Touchpoint, string? Channel, DecisionContext? Context, int? MaxActions, bool? Debug = null, bool? DryRun = null);

public sealed record DecisionContext(IReadOnlyList<RequestCartItem>? Cart);

public sealed record RequestCartItem(string? ProductId, string? Category, string? ProductLine, decimal? Price, int? Quantity);

public sealed record DecisionResponse(
    string DecisionId,
    string CustomerId,
    IReadOnlyList<ChosenAction> Actions,
    bool Degraded,
    string ModelVersion,
    string CatalogVersion)
{
    /// <summary>Why a fallback was served: timeout, redis_error, circuit_open or unreadable_profile; absent otherwise.</summary>
    public string? DegradedReason { get; init; }

    /// <summary>Which family of action won and why.</summary>
    public Arbitration? Arbitration { get; init; }

    /// <summary>Present when the request asked for <c>debug</c>.</summary>
    public DecisionDebug? Debug { get; init; }
}

public sealed record ChosenAction(
    string ActionId,
    string Kind,
    string Title,
    double Score,
    double Propensity,
    double Value,
    double Probability,
    IReadOnlyList<string> Reasons,
    IReadOnlyList<FeatureContribution> Explanation)
{
    /// <summary>What the webshop needs to render the offer: the line, its products, the discount and the price.</summary>
    public string? ProductLine { get; init; }

    public IReadOnlyList<string>? BundleProducts { get; init; }

    public double? DiscountPercent { get; init; }

    public double? Price { get; init; }
}

/// <summary>How much one feature added to (or took from) an action's score; the contributions of an action sum to its score.</summary>
public sealed record FeatureContribution(string Feature, double Contribution);

/// <summary>The service-versus-bundle choice: each family's signal strength and the reason.</summary>
public sealed record Arbitration(string? Family, double ServiceSignal, double BundleSignal, string Reason);

/// <summary>Why each action that was not chosen fell out, and the scores of those that were ranked.</summary>
public sealed record DecisionDebug(IReadOnlyList<FilteredAction> Filtered, IReadOnlyList<RankedAction> Ranked);

/// <summary>An action that never got a score, with the stage that removed it.</summary>
public sealed record FilteredAction(string ActionId, string Stage, string Reason);

public sealed record RankedAction(string ActionId, string Kind, double Score, double Propensity, double ContextWeight, bool Chosen);

/// <summary>Stages of the engine's funnel, in the order they run.</summary>
public static class FilterStages
{
    public const string Validity = "validity";
    public const string Channel = "channel";
    public const string Eligibility = "eligibility";
    public const string Suppression = "suppression";
    public const string Consent = "consent";
    public const string ContactPolicy = "contact_policy";
}
