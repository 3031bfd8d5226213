namespace NextBestAction.Decisioning.Engine;

/// <summary>
/// A cart line as the engine reads it; the API maps the request's cart lines to it. Same fields and JSON shape as
/// the request's, so the decision log's <c>cart</c> is unchanged.
/// </summary>
public sealed record EngineCartItem(string? ProductId, string? Category, string? ProductLine, decimal? Price, int? Quantity);

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
