using NextBestAction.Decisioning.Engine;

namespace NextBestAction.Decisioning.Models;

/// <summary>
/// A trained customer-level model: <c>churn</c> (probability that the customer places no order within the horizon) or
/// <c>value</c> (the customer's spend within the horizon, EUR). It may only read customer-level features, computed once
/// per decision, and never the predictions it or its sibling feeds (<c>churn.risk</c>, <c>customer.value</c>).
/// </summary>
public sealed class CustomerModel
{
    public const string ChurnKind = "churn";
    public const string ValueKind = "value";

    /// <summary>Features the customer models set, so no customer model may read them.</summary>
    public static IReadOnlyList<string> Outputs { get; } = ["churn.risk", "customer.value"];

    private const int StackFeatures = 256;

    private readonly ModelFeatures features;

    /// <exception cref="ModelArtifactException">Wrong kind, an action-level or output feature, or one this service cannot compute.</exception>
    public CustomerModel(TreeEnsembleModel model, string kind)
    {
        ArgumentNullException.ThrowIfNull(model);
        var errors = new List<string>();
        if (model.Kind != kind)
        {
            errors.Add($"kind: expected \"{kind}\", was \"{model.Kind}\"");
        }

        var expectedLink = kind == ChurnKind ? TreeEnsembleModel.LogisticLink : TreeEnsembleModel.IdentityLink;
        if (model.LinkType != expectedLink)
        {
            errors.Add($"link.type: a {kind} model needs the \"{expectedLink}\" link, was \"{model.LinkType}\"");
        }

        for (var i = 0; i < model.Features.Count; i++)
        {
            var name = model.Features[i];
            if (ModelFeatures.IsActionLevel(name) || ModelFeatures.Derived.Contains(name))
            {
                errors.Add($"features[{i}]: \"{name}\" describes an action; a {kind} model predicts for the customer and may only use customer-level features");
            }
            else if (Outputs.Contains(name))
            {
                errors.Add($"features[{i}]: \"{name}\" is itself predicted by the customer models and cannot be an input");
            }
        }

        if (kind == ValueKind && model.Reference is not (> 0 and < double.PositiveInfinity))
        {
            errors.Add("reference: a value model needs a typical customer's value above 0 (the median over its training data)");
        }

        try
        {
            features = ModelFeatures.Resolve(model.Features);
        }
        catch (ModelArtifactException ex)
        {
            errors.AddRange(ex.Errors);
            features = null!;
        }

        if (errors.Count > 0)
        {
            throw new ModelArtifactException(errors, model.Version);
        }

        Model = model;
        Kind = kind;
    }

    public TreeEnsembleModel Model { get; }

    public string Kind { get; }

    public string Version => Model.Version;

    /// <summary>The prediction for the scope's customer; the scope's action is not read.</summary>
    public double Predict(RuleScope scope)
    {
        var count = features.Count;
        var values = count <= StackFeatures ? stackalloc double[count] : new double[count];
        features.Fill(scope, values);
        return Model.Probability(values);
    }
}

/// <summary>The churn and value models deployed together with a propensity model; either may be absent.</summary>
public sealed class CustomerModelSet : ICustomerModels
{
    public CustomerModelSet(CustomerModel? churn, CustomerModel? value)
    {
        if (churn is null && value is null)
        {
            throw new ArgumentException("a customer model set needs a churn or a value model");
        }

        Churn = churn;
        Value = value;
        Version = string.Join(", ", new[] { churn?.Version, value?.Version }.OfType<string>());
    }

    public CustomerModel? Churn { get; }

    public CustomerModel? Value { get; }

    public string Version { get; }

    public void Apply(RuleScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);

        // Both predict from the features as computed from the profile, before either replaced a prior.
        var churn = Churn?.Predict(scope);
        var value = Value?.Predict(scope);
        if (churn is { } c)
        {
            scope.Features.UseChurnModel(c);
        }

        if (value is { } v)
        {
            scope.Features.UseValueModel(v, Value!.Model.Reference!.Value);
        }
    }
}
