using NextBestAction.Decisioning.Catalog;
using NextBestAction.Decisioning.Engine;
using NextBestAction.Decisioning.Models;
using NextBestAction.Benchmarks.Engine;
using NextBestAction.Profiles;

namespace NextBestAction.Benchmarks.Score;

/// <summary>
/// A served-size tree model over every feature the service computes, and the scopes of real simulated decisions to
/// score it on. The trees are random in shape but split on values drawn from those decisions' own features, so the
/// paths candidates take vary as they would with a trained model; the cost of a walk depends on shape, not on what
/// the leaves say.
/// </summary>
internal sealed class ScoreWorkload
{
    public const int Trees = 100;
    public const int Leaves = 20;

    private ScoreWorkload(TreeEnsemblePropensityModel model, RuleScope[] scopes, IReadOnlyList<CatalogAction> actions)
    {
        Model = model;
        Scopes = scopes;
        Actions = actions;
    }

    public TreeEnsemblePropensityModel Model { get; }

    /// <summary>One scope per decision input; every catalog action is scored in it.</summary>
    public RuleScope[] Scopes { get; }

    public IReadOnlyList<CatalogAction> Actions { get; }

    public static ScoreWorkload Create(EngineWorkload engine, int seed)
    {
        var catalog = engine.Catalog;
        var scopes = engine.Inputs
            .Select(i => new RuleScope(DecisionFeatures.Compute(i.Profile, i.Contacts, i.Touchpoint, i.Channel, i.Cart, i.Now, catalog, ProfileRules.Default)))
            .ToArray();
        var features = ModelFeatures.Resolve(ModelFeatures.All);
        var random = new Random(seed);
        var rows = new List<double[]>();
        foreach (var scope in scopes.Take(200))
        {
            foreach (var action in catalog.Actions)
            {
                scope.Action = action;
                var row = new double[features.Count];
                features.Fill(scope, row);
                rows.Add(row);
            }
        }

        var artifact = new TreeEnsembleArtifact
        {
            Format = TreeEnsembleModel.FormatId,
            Version = "score-benchmark",
            Kind = TreeEnsemblePropensityModel.PropensityKind,
            CreatedAt = DateTimeOffset.UnixEpoch,
            Features = ModelFeatures.All,
            Bias = 0,
            Link = new LinkArtifact { Type = TreeEnsembleModel.LogisticLink, Slope = -0.4, Offset = 0 },
            Trees = [.. Enumerable.Range(0, Trees).Select(_ => Tree(random, rows, features.Count))],
        };
        return new ScoreWorkload(new TreeEnsemblePropensityModel(TreeEnsembleModel.FromArtifact(artifact, "score-benchmark")), scopes, catalog.Actions);
    }

    /// <summary>A random binary tree with <see cref="Leaves"/> leaves: each new split replaces a random leaf.</summary>
    private static TreeArtifact Tree(Random random, List<double[]> rows, int featureCount)
    {
        var splitFeature = new List<int>();
        var threshold = new List<float>();
        var left = new List<int>();
        var right = new List<int>();
        // Where each leaf hangs: (node, is left child); leaf i is encoded as ~i.
        var leaves = new List<(int Node, bool Left)>();

        void Split(int feature)
        {
            var row = rows[random.Next(rows.Count)];
            splitFeature.Add(feature);
            threshold.Add((float)row[feature]);
            left.Add(0);
            right.Add(0);
        }

        Split(random.Next(featureCount));
        left[0] = ~0;
        right[0] = ~1;
        leaves.Add((0, true));
        leaves.Add((0, false));
        while (leaves.Count < Leaves)
        {
            var replaced = random.Next(leaves.Count);
            var (parent, isLeft) = leaves[replaced];
            var node = splitFeature.Count;
            Split(random.Next(featureCount));
            if (isLeft)
            {
                left[parent] = node;
            }
            else
            {
                right[parent] = node;
            }

            // The replaced leaf's number moves to the new node's left; a new leaf number goes right.
            left[node] = ~replaced;
            leaves[replaced] = (node, true);
            right[node] = ~leaves.Count;
            leaves.Add((node, false));
        }

        return new TreeArtifact
        {
            Weight = 1,
            SplitFeature = splitFeature,
            Threshold = threshold,
            Left = left,
            Right = right,
            LeafValue = [.. Enumerable.Range(0, Leaves).Select(_ => (random.NextDouble() - 0.5) * 0.2)],
        };
    }
}
