using Microsoft.ML.Calibrators;
using Microsoft.ML.Trainers.FastTree;
using NextBestAction.Decisioning.Models;

namespace NextBestAction.Training.Propensity;

/// <summary>
/// Copies a trained FastTree model into <c>model.json</c>'s form: each tree's split features, thresholds, children
/// (ML.NET's encoding: negative c is leaf ~c) and leaf values, the tree weights and bias, and the Platt calibrator as
/// the logistic link (the identity for a regression). FastTree numbers the features as the vector it was given, so indexes map to the feature names.
/// </summary>
internal static class TreeEnsembleExport
{
    /// <summary>The trees with <paramref name="calibrator"/> as the link; see <see cref="FastTreePropensity.ToArtifact"/>.</summary>
    public static TreeEnsembleArtifact ToArtifact(RegressionTreeEnsemble ensemble, PlattCalibrator calibrator, IReadOnlyList<string> features) =>
        ToArtifact(ensemble, features) with
        {
            Link = new LinkArtifact { Type = TreeEnsembleModel.LogisticLink, Slope = calibrator.Slope, Offset = calibrator.Offset },
        };

    /// <summary>A regression: the same trees with the identity link, so the prediction is the raw score.</summary>
    public static TreeEnsembleArtifact ToArtifact(FastTreeRegressionModelParameters parameters, IReadOnlyList<string> features) =>
        ToArtifact(parameters.TrainedTreeEnsemble, features) with { Link = new LinkArtifact { Type = TreeEnsembleModel.IdentityLink } };

    private static TreeEnsembleArtifact ToArtifact(RegressionTreeEnsemble ensemble, IReadOnlyList<string> features)
    {
        var trees = new List<TreeArtifact>(ensemble.Trees.Count);
        for (var t = 0; t < ensemble.Trees.Count; t++)
        {
            var tree = ensemble.Trees[t];
            var nodes = tree.NumberOfNodes;
            for (var n = 0; n < nodes; n++)
            {
                // Only numeric features are fed in, so FastTree makes no categorical splits; the format has none.
                if (tree.CategoricalSplitFlags[n])
                {
                    throw new InvalidOperationException($"tree {t} node {n} is a categorical split, which {TreeEnsembleModel.FormatId} cannot hold");
                }
            }

            trees.Add(new TreeArtifact
            {
                Weight = ensemble.TreeWeights[t],
                SplitFeature = [.. tree.NumericalSplitFeatureIndexes.Take(nodes)],
                Threshold = [.. tree.NumericalSplitThresholds.Take(nodes)],
                Left = [.. tree.LeftChild.Take(nodes)],
                Right = [.. tree.RightChild.Take(nodes)],
                LeafValue = [.. tree.LeafValues.Take(tree.NumberOfLeaves)],
            });
        }

        return new TreeEnsembleArtifact
        {
            Format = TreeEnsembleModel.FormatId,
            Features = [.. features],
            Bias = ensemble.Bias,
            Trees = trees,
        };
    }
}
