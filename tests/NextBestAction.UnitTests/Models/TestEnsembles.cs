using System.Text.Json;
using NextBestAction.Decisioning.Models;

namespace NextBestAction.UnitTests.Models;

/// <summary>Hand-built ensembles whose scores are worked out by hand in the tests.</summary>
internal static class TestEnsembles
{
    public const double Bias = 0.1;
    public const double Slope = -0.4;
    public const double Offset = 0.1;

    /// <summary>
    /// Tree A (weight 1): x0 &lt;= 1.5 ? leaf0 (-1) : (x1 &lt;= 0 ? leaf1 (0.5) : leaf2 (2)).
    /// Tree B (weight 2): x1 &lt;= 3 ? leaf0 (0.25) : leaf1 (-0.75).
    /// </summary>
    public static TreeEnsembleArtifact TwoTrees() => Artifact(
        ["x0", "x1"],
        new TreeArtifact { Weight = 1, SplitFeature = [0, 1], Threshold = [1.5f, 0f], Left = [-1, -2], Right = [1, -3], LeafValue = [-1, 0.5, 2] },
        new TreeArtifact { Weight = 2, SplitFeature = [1], Threshold = [3f], Left = [-1], Right = [-2], LeafValue = [0.25, -0.75] });

    public static TreeEnsembleArtifact Artifact(IReadOnlyList<string> features, params TreeArtifact[] trees) => new()
    {
        Format = TreeEnsembleModel.FormatId,
        Version = "test-1",
        Kind = "propensity",
        CreatedAt = TestEvents.Now,
        Features = features,
        Bias = Bias,
        Link = new LinkArtifact { Type = TreeEnsembleModel.LogisticLink, Slope = Slope, Offset = Offset },
        Trees = trees,
    };

    /// <summary>
    /// Writes a one-tree version into a registry directory: <c>{registry}/{version}/model.json</c>, on <paramref name="features"/>
    /// (by default two the engine computes; name an unknown one to have the version refused).
    /// </summary>
    public static void WriteVersion(string registry, string version, params string[] features)
    {
        var artifact = Artifact(features.Length == 0 ? ["cart.value", "action.affinity"] : features,
            new TreeArtifact { Weight = 1, SplitFeature = [0], Threshold = [100f], Left = [-1], Right = [-2], LeafValue = [-1, 1] }) with { Version = version };
        Directory.CreateDirectory(Path.Combine(registry, version));
        File.WriteAllBytes(Path.Combine(registry, version, ModelRegistry.ModelFile), JsonSerializer.SerializeToUtf8Bytes(artifact, ModelJsonContext.Default.TreeEnsembleArtifact));
    }

    public static double Logistic(double raw) => 1 / (1 + Math.Exp((Slope * raw) + Offset));

    /// <summary>The reference: bias plus, tree by tree, the weighted value of the leaf reached by comparing floats.</summary>
    public static double Walk(TreeEnsembleArtifact artifact, double[] features)
    {
        var sum = artifact.Bias!.Value;
        foreach (var tree in artifact.Trees!)
        {
            var node = tree.SplitFeature!.Count == 0 ? -1 : 0;
            while (node >= 0)
            {
                node = (float)features[tree.SplitFeature[node]] <= tree.Threshold![node] ? tree.Left![node] : tree.Right![node];
            }

            sum += tree.Weight!.Value * tree.LeafValue![~node];
        }

        return sum;
    }

    /// <summary>A random but well-formed ensemble: each tree grown by splitting random leaves, as FastTree numbers nodes.</summary>
    public static TreeEnsembleArtifact Random(int seed, int features, int trees, int leaves)
    {
        var random = new Random(seed);
        var list = new TreeArtifact[trees];
        for (var t = 0; t < trees; t++)
        {
            var split = new List<int>();
            var threshold = new List<float>();
            var left = new List<int>();
            var right = new List<int>();
            var parentOfLeaf = new List<(int Node, bool Left)> { (-1, false) };
            for (var n = 0; n < leaves - 1; n++)
            {
                var leaf = random.Next(parentOfLeaf.Count);
                var (parent, isLeft) = parentOfLeaf[leaf];
                if (parent >= 0)
                {
                    (isLeft ? left : right)[parent] = n;
                }

                split.Add(random.Next(features));
                threshold.Add((float)random.NextDouble());
                left.Add(~leaf);
                right.Add(~parentOfLeaf.Count);
                parentOfLeaf[leaf] = (n, true);
                parentOfLeaf.Add((n, false));
            }

            list[t] = new TreeArtifact
            {
                Weight = 0.5 + random.NextDouble(),
                SplitFeature = split,
                Threshold = threshold,
                Left = left,
                Right = right,
                LeafValue = [.. Enumerable.Range(0, leaves).Select(_ => random.NextDouble() - 0.5)],
            };
        }

        return Artifact([.. Enumerable.Range(0, features).Select(i => $"f{i}")], list);
    }
}
