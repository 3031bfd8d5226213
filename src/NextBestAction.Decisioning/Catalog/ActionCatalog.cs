using System.Collections.Frozen;
using System.Text.Json.Serialization;

namespace NextBestAction.Decisioning.Catalog;

/// <summary>The two families of action the webshop can show at the last touch point.</summary>
public static class ActionKinds
{
    public const string Service = "service";
    public const string Bundle = "bundle";

    public static IReadOnlyList<string> All { get; } = [Service, Bundle];
}

/// <summary>What makes an action a candidate (the rule language of the decision-engine issue replaces this).</summary>
public static class ActionTriggers
{
    /// <summary>The cart holds a product of the action's product line.</summary>
    public const string CartProductLine = "cart_product_line";

    /// <summary>A delivery arrived after its promised date in the last 90 days, or an order is late now.</summary>
    public const string BrokenPromise = "broken_promise";

    /// <summary>Always a candidate: the offer of last resort.</summary>
    public const string Always = "always";

    public static IReadOnlyList<string> All { get; } = [CartProductLine, BrokenPromise, Always];
}

/// <summary>One action as a domain expert writes it in the catalog file.</summary>
public sealed record ActionDefinition
{
    public string? Id { get; init; }
    public string? Kind { get; init; }
    public string? Title { get; init; }
    public string? Trigger { get; init; }
    public string? ProductLine { get; init; }
    public IReadOnlyList<string>? BundleProducts { get; init; }
    public decimal? DiscountPercent { get; init; }

    /// <summary>What the action is worth to the business when accepted (margin or saved cost), in EUR.</summary>
    public double? Value { get; init; }

    /// <summary>Business lever: a weight marketers turn to favour or hold back an action. Default 1.</summary>
    public double? Lever { get; init; }
}

/// <summary>The catalog file: a version and its actions.</summary>
public sealed record CatalogDocument
{
    public string? Version { get; init; }
    public IReadOnlyList<ActionDefinition>? Actions { get; init; }
}

/// <summary>A validated catalog, ready for the engine. Immutable, so it can be swapped atomically later.</summary>
public sealed class ActionCatalog
{
    public ActionCatalog(string version, IReadOnlyList<ActionDefinition> actions)
    {
        Version = version;
        Actions = actions;
        BundlesByProductLine = actions
            .Where(a => a.Trigger == ActionTriggers.CartProductLine)
            .GroupBy(a => a.ProductLine!, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => (IReadOnlyList<ActionDefinition>)[.. g], StringComparer.Ordinal);
    }

    public string Version { get; }

    public IReadOnlyList<ActionDefinition> Actions { get; }

    [JsonIgnore]
    public FrozenDictionary<string, IReadOnlyList<ActionDefinition>> BundlesByProductLine { get; }
}
