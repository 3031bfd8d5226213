namespace NextBestAction.Decisioning.Models;

/// <summary>
/// The layout of the model directory that training writes and the service's registry reads: one sub-directory per
/// version, and a file <see cref="CurrentFile"/> naming the live one.
/// </summary>
public static class ModelDirectory
{
    public const string CurrentFile = "current";
    public const string ModelFile = "model.json";

    /// <summary>Optional churn model deployed with the propensity model of the same version.</summary>
    public const string ChurnFile = "churn.json";

    /// <summary>Optional value model deployed with the propensity model of the same version.</summary>
    public const string ValueFile = "value.json";

    /// <summary>
    /// The version's propensity model with its churn and value models when their files are there. One bad file refuses the
    /// whole version, so propensity, churn and value always come from the same deployment.
    /// </summary>
    public static TreeEnsemblePropensityModel Load(string versionDirectory)
    {
        var propensity = new TreeEnsemblePropensityModel(TreeEnsembleModel.Load(Path.Combine(versionDirectory, ModelFile)));
        var churn = LoadCustomerModel(Path.Combine(versionDirectory, ChurnFile), CustomerModel.ChurnKind);
        var value = LoadCustomerModel(Path.Combine(versionDirectory, ValueFile), CustomerModel.ValueKind);
        return churn is null && value is null ? propensity : new TreeEnsemblePropensityModel(propensity.Model)
        {
            CustomerModels = new CustomerModelSet(churn, value),
        };
    }

    private static CustomerModel? LoadCustomerModel(string path, string kind)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return new CustomerModel(TreeEnsembleModel.Load(path), kind);
        }
        catch (ModelArtifactException ex)
        {
            throw new ModelArtifactException(ex.Errors, path);
        }
    }
}
