using NextBestAction.Decisioning.Engine;

namespace NextBestAction.Decisioning.Models;

/// <summary>
/// A trained propensity model behind the engine's <see cref="IPropensityModel"/>: reads the model's features from the
/// rule scope and scores with <see cref="TreeEnsembleModel"/>. The explanation lists the baseline probability (as
/// <see cref="BaselineFeature"/>) and every non-zero feature share; together they sum to the propensity.
/// </summary>
public sealed class TreeEnsemblePropensityModel : IPropensityModel
{
    public const string PropensityKind = "propensity";

    /// <summary>The explanation's name for what the model predicts before looking at any feature.</summary>
    public const string BaselineFeature = "baseline";

    /// <summary>Up to this many features the buffers live on the stack.</summary>
    private const int StackFeatures = 256;

    private readonly ModelFeatures features;

    /// <exception cref="ModelArtifactException">The model is not a propensity model, or names a feature this service cannot compute.</exception>
    public TreeEnsemblePropensityModel(TreeEnsembleModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Kind != PropensityKind)
        {
            throw new ModelArtifactException([$"kind: expected \"{PropensityKind}\", was \"{model.Kind}\""], model.Version);
        }

        try
        {
            features = ModelFeatures.Resolve(model.Features);
        }
        catch (ModelArtifactException ex)
        {
            throw new ModelArtifactException(ex.Errors, model.Version);
        }

        Model = model;
    }

    public TreeEnsembleModel Model { get; }

    public string Version => Model.Version;

    /// <summary>The churn and value models deployed with this one, if any.</summary>
    public ICustomerModels? CustomerModels { get; init; }

    public double Predict(RuleScope scope, List<FeatureContribution>? contributions)
    {
        var count = features.Count;
        var values = count <= StackFeatures ? stackalloc double[count] : new double[count];
        features.Fill(scope, values);
        if (contributions is null)
        {
            return Model.Probability(values);
        }

        contributions.Clear();
        var shares = count <= StackFeatures ? stackalloc double[count] : new double[count];
        var probability = Model.Probability(values, shares);
        contributions.Add(new FeatureContribution(BaselineFeature, Model.BaselineProbability));
        for (var i = 0; i < count; i++)
        {
            if (shares[i] != 0)
            {
                contributions.Add(new FeatureContribution(features.Names[i], shares[i]));
            }
        }

        return probability;
    }
}
