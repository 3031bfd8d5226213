using System.Collections.Frozen;
using NextBestAction.Decisioning.Catalog;
using NextBestAction.Decisioning.Engine;

namespace NextBestAction.Decisioning.Models;

/// <summary>
/// The inputs a model may name and how serving computes them: every numeric or yes/no rule attribute
/// (<see cref="DecisionAttributes.Numeric"/>, exactly the values the decision log records) plus a few derived features
/// for what the log keeps as text. A model's feature list is resolved once at load; an unknown name refuses the model.
/// </summary>
public sealed class ModelFeatures
{
    /// <summary>1 when the action is a bundle, 0 for a service: <c>action.kind</c> is text, trees need a number.</summary>
    public const string ActionKindBundle = "action.kind.bundle";

    private const string ActionPrefix = "action.";

    private static readonly FrozenDictionary<string, Func<RuleScope, double>> Getters = BuildGetters();

    private readonly Func<RuleScope, double>[] getters;

    private ModelFeatures(IReadOnlyList<string> names, Func<RuleScope, double>[] getters)
    {
        Names = names;
        this.getters = getters;
    }

    /// <summary>Derived features: not rule attributes, computed here and by the trainer from the logged candidate.</summary>
    public static IReadOnlyList<string> Derived { get; } = [ActionKindBundle];

    /// <summary>
    /// What the trainer uses: customer-level attributes, then <c>action.*</c> attributes (both in registration order, as
    /// the decision log writes them), then the derived features.
    /// </summary>
    public static IReadOnlyList<string> All { get; } =
    [
        .. DecisionAttributes.Numeric.Select(a => a.Name).Where(n => !IsActionLevel(n)),
        .. DecisionAttributes.Numeric.Select(a => a.Name).Where(IsActionLevel),
        .. Derived,
    ];

    public IReadOnlyList<string> Names { get; }

    public int Count => getters.Length;

    /// <summary>True for features of the action under consideration (logged per candidate), false for customer-level ones.</summary>
    public static bool IsActionLevel(string name) => name.StartsWith(ActionPrefix, StringComparison.Ordinal);

    public static bool IsKnown(string name) => Getters.ContainsKey(name);

    /// <summary>The value of a derived feature from what the decision log holds about the candidate.</summary>
    public static bool TryDerive(string name, string actionKind, out double value)
    {
        switch (name)
        {
            case ActionKindBundle:
                value = KindIndicator(actionKind);
                return true;
            default:
                value = 0;
                return false;
        }
    }

    /// <summary>Resolves names to getters; unknown or repeated names fail with the index and name of each.</summary>
    public static ModelFeatures Resolve(IReadOnlyList<string> names)
    {
        var errors = new List<string>();
        var getters = new Func<RuleScope, double>[names.Count];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < names.Count; i++)
        {
            if (!seen.Add(names[i]))
            {
                errors.Add($"features[{i}]: \"{names[i]}\" is listed twice");
            }
            else if (Getters.TryGetValue(names[i], out var get))
            {
                getters[i] = get;
            }
            else
            {
                errors.Add($"features[{i}]: \"{names[i]}\" is neither a numeric rule attribute nor a derived feature ({string.Join(", ", Derived)}); "
                    + "this service cannot compute it");
            }
        }

        return errors.Count > 0 ? throw new ModelArtifactException(errors) : new ModelFeatures([.. names], getters);
    }

    /// <summary>Writes each feature's value for the scope's action, in <see cref="Names"/> order. Allocates nothing.</summary>
    public void Fill(RuleScope scope, Span<double> values)
    {
        if (values.Length != getters.Length)
        {
            throw new ArgumentException($"expected room for {getters.Length} feature values, got {values.Length}", nameof(values));
        }

        for (var i = 0; i < getters.Length; i++)
        {
            values[i] = getters[i](scope);
        }
    }

    private static double KindIndicator(string? kind) => kind == ActionKinds.Bundle ? 1 : 0;

    private static FrozenDictionary<string, Func<RuleScope, double>> BuildGetters()
    {
        var getters = new Dictionary<string, Func<RuleScope, double>>(StringComparer.Ordinal);
        foreach (var (name, get) in DecisionAttributes.Numeric)
        {
            getters[name] = get;
        }

        getters[ActionKindBundle] = static s => KindIndicator(s.Action.Kind);
        return getters.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
