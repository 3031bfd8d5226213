namespace NextBestAction.Decisioning.Catalog;

/// <summary>The catalog file as domain experts write it. Every field is nullable so validation can name what is missing.</summary>
public sealed record CatalogDocument
{
    public string? Version { get; init; }

    public CatalogContactPolicy? ContactPolicy { get; init; }

    /// <summary>
    /// The touch points a decision request may name (the only values accepted as <c>touchpoint</c>). Default: the touch
    /// points of <see cref="ContextWeights"/>.
    /// </summary>
    public IReadOnlyList<string>? Touchpoints { get; init; }

    /// <summary>The channels a decision request may name. Default: the channels the actions list.</summary>
    public IReadOnlyList<string>? Channels { get; init; }

    /// <summary>Context weight per touch point and action kind, e.g. <c>{"checkout":{"bundle":1.2}}</c>; 1 where not set.</summary>
    public Dictionary<string, Dictionary<string, double>>? ContextWeights { get; init; }

    public IReadOnlyList<SuppressionDefinition>? Suppressions { get; init; }

    public IReadOnlyList<ActionDefinition>? Actions { get; init; }
}

/// <summary>Contact policy for the whole catalog: overall caps and how marketing consent is read.</summary>
public sealed record CatalogContactPolicy
{
    /// <summary>Marketing actions shown to one customer per day, over all actions.</summary>
    public int? MaxPerDayOverall { get; init; }

    /// <summary>Marketing actions shown to one customer per 7 days, over all actions.</summary>
    public int? MaxPerWeekOverall { get; init; }

    /// <summary><c>optOut</c> (default): only an objection stops marketing. <c>optIn</c>: marketing needs recorded consent.</summary>
    public string? MarketingConsent { get; init; }

    /// <summary>Per-action caps and cool-down used where an action sets none.</summary>
    public ActionContactPolicy? Defaults { get; init; }
}

/// <summary>Caps and cool-down of one action.</summary>
public sealed record ActionContactPolicy
{
    public int? MaxPerDay { get; init; }

    public int? MaxPerWeek { get; init; }

    public double? CooldownAfterDeclineHours { get; init; }
}

/// <summary>A rule that holds back a kind of action (or every action) while it is true.</summary>
public sealed record SuppressionDefinition
{
    public string? Id { get; init; }

    /// <summary><c>service</c>, <c>bundle</c> or <c>any</c>.</summary>
    public string? AppliesTo { get; init; }

    public string? When { get; init; }

    /// <summary>Shown in debug output and the decision log: why the rule exists.</summary>
    public string? Reason { get; init; }
}

/// <summary>One action as a domain expert writes it in the catalog file.</summary>
public sealed record ActionDefinition
{
    public string? Id { get; init; }
    public string? Kind { get; init; }
    public string? Title { get; init; }
    public string? Description { get; init; }
    public string? ProductLine { get; init; }
    public IReadOnlyList<string>? BundleProducts { get; init; }
    public double? DiscountPercent { get; init; }

    /// <summary>What the customer pays for the bundle, in EUR (optional).</summary>
    public double? Price { get; init; }

    /// <summary>What the action is worth to the business when accepted (margin or saved cost), in EUR.</summary>
    public double? Value { get; init; }

    /// <summary>Business lever: a weight marketers turn to favour or hold back an action. Default 1.</summary>
    public double? Lever { get; init; }

    /// <summary>Channels the action may be shown on (<c>web</c>, <c>app</c>, ...); all when not set.</summary>
    public IReadOnlyList<string>? Channels { get; init; }

    public DateTimeOffset? ValidFrom { get; init; }

    public DateTimeOffset? ValidTo { get; init; }

    /// <summary>Whether the action is marketing (needs consent and counts toward the overall caps). Default: bundles yes, services no.</summary>
    public bool? Marketing { get; init; }

    /// <summary>Rules that must all hold for the action to be a candidate.</summary>
    public IReadOnlyList<string>? Eligibility { get; init; }

    public ActionContactPolicy? ContactPolicy { get; init; }
}
