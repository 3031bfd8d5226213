using System.Collections.Frozen;
using NextBestAction.Decisioning.Engine;
using NextBestAction.Decisioning.Rules;

namespace NextBestAction.Decisioning.Catalog;

/// <summary>The two families of action the webshop can show at the last touch point.</summary>
public static class ActionKinds
{
    public const string Service = "service";
    public const string Bundle = "bundle";

    public static IReadOnlyList<string> All { get; } = [Service, Bundle];
}

/// <summary>How a missing marketing consent is read (catalog <c>contactPolicy.marketingConsent</c>).</summary>
public enum MarketingConsentMode
{
    /// <summary>Marketing is shown unless the customer objected (consent withdrawn).</summary>
    OptOut,

    /// <summary>Marketing is shown only with recorded consent.</summary>
    OptIn,
}

/// <summary>One validated action with its rules compiled. Immutable.</summary>
public sealed class CatalogAction
{
    public required int Index { get; init; }
    public required string Id { get; init; }
    public required string Kind { get; init; }
    public required string Title { get; init; }
    public string? ProductLine { get; init; }
    public required IReadOnlyList<string> BundleProducts { get; init; }
    public double DiscountPercent { get; init; }
    public double? Price { get; init; }
    public required double Value { get; init; }
    public required double Lever { get; init; }

    /// <summary>Null: every channel.</summary>
    public FrozenSet<string>? Channels { get; init; }

    public DateTimeOffset? ValidFrom { get; init; }
    public DateTimeOffset? ValidTo { get; init; }
    public required bool Marketing { get; init; }
    public required IReadOnlyList<CompiledRule<RuleScope>> Eligibility { get; init; }
    public int? MaxPerDay { get; init; }
    public int? MaxPerWeek { get; init; }
    public TimeSpan CooldownAfterDecline { get; init; }

    public bool IsBundle => Kind == ActionKinds.Bundle;

    public bool IsValidAt(DateTimeOffset now) => (ValidFrom is null || now >= ValidFrom) && (ValidTo is null || now < ValidTo);
}

/// <summary>A suppression rule, compiled.</summary>
public sealed record Suppression(string Id, string AppliesTo, CompiledRule<RuleScope> When, string Reason)
{
    public const string AnyKind = "any";

    public bool AppliesToKind(string kind) => AppliesTo == AnyKind || AppliesTo == kind;
}

/// <summary>
/// A validated catalog, ready for the engine. Immutable, so a reload swaps the whole catalog atomically and a
/// decision in flight keeps the version it started with.
/// </summary>
public sealed class ActionCatalog
{
    private readonly FrozenDictionary<string, FrozenDictionary<string, double>> contextWeights;
    private readonly FrozenSet<string> touchpointSet;
    private readonly FrozenSet<string> channelSet;

    public ActionCatalog(
        string version,
        IReadOnlyList<CatalogAction> actions,
        IReadOnlyList<Suppression> suppressions,
        IReadOnlyDictionary<string, Dictionary<string, double>> contextWeights,
        int? maxPerDayOverall,
        int? maxPerWeekOverall,
        MarketingConsentMode marketingConsent,
        IReadOnlyList<string> touchpoints,
        IReadOnlyList<string> channels)
    {
        Version = version;
        Actions = actions;
        Suppressions = suppressions;
        this.contextWeights = contextWeights.ToFrozenDictionary(
            kv => kv.Key, kv => kv.Value.ToFrozenDictionary(StringComparer.Ordinal), StringComparer.Ordinal);
        MaxPerDayOverall = maxPerDayOverall;
        MaxPerWeekOverall = maxPerWeekOverall;
        MarketingConsent = marketingConsent;
        ById = actions.ToFrozenDictionary(a => a.Id, StringComparer.Ordinal);
        Touchpoints = touchpoints;
        Channels = channels;
        touchpointSet = touchpoints.ToFrozenSet(StringComparer.Ordinal);
        channelSet = channels.ToFrozenSet(StringComparer.Ordinal);
    }

    /// <summary>The declared version plus a hash of the file's bytes, so an edit without a new version is still told apart.</summary>
    public string Version { get; }

    public IReadOnlyList<CatalogAction> Actions { get; }

    public FrozenDictionary<string, CatalogAction> ById { get; }

    public IReadOnlyList<Suppression> Suppressions { get; }

    public int? MaxPerDayOverall { get; }

    public int? MaxPerWeekOverall { get; }

    public MarketingConsentMode MarketingConsent { get; }

    /// <summary>
    /// The touch points a decision request may name. Nothing else is accepted: the touch point becomes a metric label and a
    /// Redis field, so free text would let any caller grow both without bound.
    /// </summary>
    public IReadOnlyList<string> Touchpoints { get; }

    /// <summary>The channels a decision request may name, for the same reason.</summary>
    public IReadOnlyList<string> Channels { get; }

    public bool HasTouchpoint(string touchpoint) => touchpointSet.Contains(touchpoint);

    public bool HasChannel(string channel) => channelSet.Contains(channel);

    /// <summary>How much this kind of action fits the touch point; 1 where the catalog says nothing.</summary>
    public double ContextWeight(string touchpoint, string kind) =>
        contextWeights.TryGetValue(touchpoint, out var byKind) && byKind.TryGetValue(kind, out var weight) ? weight : 1.0;
}
