using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NextBestAction.Decisioning.Models;

namespace NextBestAction.UnitTests.Models;

public sealed class TreeEnsembleModelTests
{
    private static readonly TreeEnsembleModel TwoTrees = TreeEnsembleModel.FromArtifact(TestEnsembles.TwoTrees());

    [Theory]
    // Tree A: 1 <= 1.5 -> leaf0 (-1); tree B: 5 > 3 -> leaf1 (-0.75 x 2). 0.1 - 1 - 1.5.
    [InlineData(1.0, 5.0, -2.4)]
    // A: 2 > 1.5, 0 <= 0 -> leaf1 (0.5); B: 0 <= 3 -> leaf0 (0.25 x 2). 0.1 + 0.5 + 0.5.
    [InlineData(2.0, 0.0, 1.1)]
    // A: 1 > 0 -> leaf2 (2); B: leaf0 (0.5). 0.1 + 2 + 0.5.
    [InlineData(2.0, 1.0, 2.6)]
    // On the threshold goes left in both trees: A leaf0 (-1), B leaf0 (0.5).
    [InlineData(1.5, 3.0, -0.4)]
    public void RawScore_HandComputed(double x0, double x1, double expected)
    {
        Assert.Equal(expected, TwoTrees.RawScore([x0, x1]), 12);
        Assert.Equal(TestEnsembles.Logistic(expected), TwoTrees.Probability([x0, x1]), 12);
    }

    [Fact]
    public void RawScore_ValueAboveThresholdOnlyInDoublePrecision_GoesLeftAsInMlNet()
    {
        // ML.NET compares single-precision feature values: this value rounds to the threshold 1.5f.
        var justAbove = 1.5 + 1e-9;

        Assert.Equal(-2.4, TwoTrees.RawScore([justAbove, 5]), 12);
        Assert.Equal(1.1, TwoTrees.RawScore([1.5 + 1e-6, 0]), 12);
    }

    [Fact]
    public void RawScore_NaN_GoesRight()
    {
        // A: NaN > 1.5 -> node 1, NaN > 0 -> leaf2 (2); B: NaN > 3 -> leaf1 (-1.5).
        Assert.Equal(0.1 + 2 - 1.5, TwoTrees.RawScore([double.NaN, double.NaN]), 12);
    }

    [Fact]
    public void Baseline_IsBiasPlusEveryTreesMeanLeaf()
    {
        // A: mean(-1, 0.5, 2) = 0.5; B: 2 x mean(0.25, -0.75) = -0.5.
        Assert.Equal(0.1, TwoTrees.BaselineRawScore, 12);
        Assert.Equal(TestEnsembles.Logistic(0.1), TwoTrees.BaselineProbability, 12);
    }

    [Fact]
    public void RawContributions_FollowThePath_HandComputed()
    {
        Span<double> contributions = stackalloc double[2];

        var raw = TwoTrees.RawScore([2, 0], contributions);

        // A: root mean 0.5 -> node 1 mean 1.25 (x0 +0.75) -> leaf1 0.5 (x1 -0.75). B: mean -0.5 -> leaf0 0.5 (x1 +1).
        Assert.Equal(1.1, raw, 12);
        Assert.Equal(0.75, contributions[0], 12);
        Assert.Equal(0.25, contributions[1], 12);
    }

    [Fact]
    public void ProbabilityContributions_AreRawOnesScaledToTheProbabilityDifference()
    {
        Span<double> contributions = stackalloc double[2];

        var probability = TwoTrees.Probability([2, 0], contributions);

        var scale = (probability - TwoTrees.BaselineProbability) / (1.1 - 0.1);
        Assert.Equal(TestEnsembles.Logistic(1.1), probability, 12);
        Assert.Equal(0.75 * scale, contributions[0], 12);
        Assert.Equal(0.25 * scale, contributions[1], 12);
        Assert.Equal(probability, TwoTrees.BaselineProbability + contributions[0] + contributions[1], 14);
    }

    [Fact]
    public void ProbabilityContributions_AtTheBaselineScore_StillSumToTheProbability()
    {
        // Leaves -1, 0, 1: root mean 0, so x0 = 1, x1 = 0 reaches leaf 1 (0) with shares +0.5 and -0.5 in raw terms.
        var model = TreeEnsembleModel.FromArtifact(TestEnsembles.Artifact(["x0", "x1"],
            new TreeArtifact { Weight = 1, SplitFeature = [0, 1], Threshold = [0f, 0f], Left = [-1, -2], Right = [1, -3], LeafValue = [-1, 0, 1] }));
        Span<double> contributions = stackalloc double[2];

        var probability = model.Probability([1, 0], contributions);

        Assert.Equal(model.BaselineProbability, probability, 15);
        Assert.True(contributions[0] > 0 && contributions[1] < 0);
        Assert.Equal(probability, model.BaselineProbability + contributions[0] + contributions[1], 15);
    }

    [Theory]
    [InlineData(100, 20)]
    [InlineData(13, 5)]
    [InlineData(1, 2)]
    public void RandomEnsemble_ScoresAsAPlainWalkOfEveryTree(int trees, int leaves)
    {
        var artifact = TestEnsembles.Random(seed: 5, features: 12, trees, leaves);
        var model = TreeEnsembleModel.FromArtifact(artifact);
        var random = new Random(3);
        var features = new double[12];
        for (var i = 0; i < 200; i++)
        {
            for (var f = 0; f < features.Length; f++)
            {
                features[f] = random.NextDouble();
            }

            Assert.Equal(TestEnsembles.Walk(artifact, features), model.RawScore(features), 12);
        }
    }

    [Theory]
    [InlineData(100, 20)]
    [InlineData(13, 5)]
    public void Contributions_OnARandomEnsemble_SumToTheScoreAndLeaveItUnchanged(int trees, int leaves)
    {
        var model = TreeEnsembleModel.FromArtifact(TestEnsembles.Random(seed: 7, features: 12, trees, leaves));
        var random = new Random(11);
        var features = new double[12];
        var contributions = new double[12];
        for (var i = 0; i < 500; i++)
        {
            for (var f = 0; f < features.Length; f++)
            {
                features[f] = random.NextDouble();
            }

            var raw = model.RawScore(features, contributions);
            Assert.Equal(model.RawScore(features), raw);
            Assert.Equal(raw, model.BaselineRawScore + contributions.Sum(), 9);

            var probability = model.Probability(features, contributions);
            Assert.Equal(model.Probability(features), probability);
            Assert.Equal(probability, model.BaselineProbability + contributions.Sum(), 12);
        }
    }

    [Fact]
    public void Parse_WrittenArtifact_ScoresTheSame()
    {
        var artifact = TestEnsembles.Random(seed: 3, features: 5, trees: 10, leaves: 8);
        var json = JsonSerializer.SerializeToUtf8Bytes(artifact, ModelJsonContext.Default.TreeEnsembleArtifact);

        var parsed = TreeEnsembleModel.Parse(json);
        var built = TreeEnsembleModel.FromArtifact(artifact);

        double[] x = [0.1, 0.9, 0.4, 0.5, 0.7];
        Assert.Equal(built.RawScore(x), parsed.RawScore(x));
        Assert.Equal(["f0", "f1", "f2", "f3", "f4"], parsed.Features);
        Assert.Equal(("test-1", "propensity", 10, 80), (parsed.Version, parsed.Kind, parsed.TreeCount, parsed.LeafCount));
    }

    [Fact]
    public void Parse_DocumentedExample_IsAccepted()
    {
        var json = """
            {
              "format": "nba-tree-ensemble/1", "version": "propensity-20260101000000-42", "kind": "propensity",
              "createdAt": "2026-01-01T00:00:00+00:00", "features": ["cart.value", "action.affinity"], "bias": 0,
              "link": { "type": "logistic", "slope": -0.4, "offset": 0 },
              "trees": [ { "weight": 1, "splitFeature": [1], "threshold": [0.5], "left": [-1], "right": [-2], "leafValue": [-0.6, 0.9] } ],
              "seed": 42, "featureImportance": [ { "feature": "action.affinity", "importance": 1 } ]
            }
            """;

        var model = TreeEnsembleModel.Parse(Encoding.UTF8.GetBytes(json));

        Assert.Equal(0.9, model.RawScore([100, 0.8]), 12);
        Assert.Equal(1 / (1 + Math.Exp(-0.4 * 0.9)), model.Probability([100, 0.8]), 12);
    }

    [Theory]
    [InlineData("format", null, "format is required")]
    [InlineData("format", "\"nba-tree-ensemble/2\"", "format: expected \"nba-tree-ensemble/1\"")]
    [InlineData("version", null, "version is required")]
    [InlineData("kind", "\"\"", "kind is required")]
    [InlineData("createdAt", null, "createdAt is required")]
    [InlineData("features", null, "features is required")]
    [InlineData("features", "[\"x0\", \"x0\"]", "features[1]: \"x0\" is listed twice")]
    [InlineData("bias", null, "bias is required")]
    [InlineData("bias", "\"high\"", "bias: not valid here")]
    [InlineData("link", null, "link is required")]
    [InlineData("link", "{\"type\": \"probit\", \"slope\": -1, \"offset\": 0}", "link.type: expected \"logistic\" or \"identity\", was \"probit\"")]
    [InlineData("link", "{\"type\": \"logistic\", \"offset\": 0}", "link.slope is required")]
    [InlineData("link", "{\"type\": \"logistic\", \"slope\": 0, \"offset\": 0}", "link.slope must not be 0")]
    [InlineData("trees", null, "trees is required")]
    [InlineData("trees", "[]", "trees: at least one tree is required")]
    [InlineData("modelVersion", "\"x\"", "modelVersion: unknown field")]
    public void Parse_BadField_RefusedNamingTheField(string field, string? json, string expected)
    {
        var document = JsonNode.Parse(JsonSerializer.Serialize(TestEnsembles.TwoTrees(), ModelJsonContext.Default.TreeEnsembleArtifact))!.AsObject();
        if (json is null)
        {
            document.Remove(field);
        }
        else
        {
            document[field] = JsonNode.Parse(json);
        }

        var error = Assert.Throws<ModelArtifactException>(() => TreeEnsembleModel.Parse(Encoding.UTF8.GetBytes(document.ToJsonString()), "models/x/model.json"));

        Assert.Contains($"models/x/model.json: {expected}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("leafValue", "[-1, 0.5]", "trees[0].leafValue: a tree with 2 split(s) has 3 leaves, found 2 values")]
    [InlineData("threshold", "[1.5]", "trees[0].threshold: expected 2 values (one per entry of splitFeature), found 1")]
    [InlineData("threshold", "[1.5, \"x\"]", "trees[0].threshold[1]: not valid here")]
    [InlineData("splitFeature", "[0, 2]", "trees[0].splitFeature[1]: 2 is not an index into features (0 to 1)")]
    [InlineData("right", "[1, -4]", "trees[0].right[1]: -4 is neither an internal node")]
    [InlineData("right", "[1, 0]", "trees[0].right[1]: 0 is neither an internal node")]
    [InlineData("right", "[1, 1]", "trees[0]: node 1 is reached twice")]
    [InlineData("right", "[1, -2]", "trees[0]: leaf 1 is reached twice")]
    [InlineData("right", "[-3, -2]", "trees[0]: 1 internal node(s) cannot be reached from the root")]
    [InlineData("weight", null, "trees[0].weight is required")]
    [InlineData("left", null, "trees[0].left is required")]
    [InlineData("leafValues", "[1]", "trees[0].leafValues: unknown field")]
    public void Parse_BadTree_RefusedNamingTheTreeAndField(string field, string? json, string expected)
    {
        var document = JsonNode.Parse(JsonSerializer.Serialize(TestEnsembles.TwoTrees(), ModelJsonContext.Default.TreeEnsembleArtifact))!.AsObject();
        var tree = document["trees"]![0]!.AsObject();
        if (json is null)
        {
            tree.Remove(field);
        }
        else
        {
            tree[field] = JsonNode.Parse(json);
        }

        var error = Assert.Throws<ModelArtifactException>(() => TreeEnsembleModel.Parse(Encoding.UTF8.GetBytes(document.ToJsonString())));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NotJson_RefusedWithTheLine()
    {
        var error = Assert.Throws<ModelArtifactException>(() => TreeEnsembleModel.Parse("{\n  \"format\": \"nba-tree-ensemble/1\",\n  oops\n}"u8, "model.json"));

        Assert.StartsWith("model.json: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("(line 3)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_JsonNullOrArray_Refused()
    {
        Assert.Contains("JSON null", Assert.Throws<ModelArtifactException>(() => TreeEnsembleModel.Parse("null"u8)).Message, StringComparison.Ordinal);
        Assert.Contains("must be a JSON object", Assert.Throws<ModelArtifactException>(() => TreeEnsembleModel.Parse("[]"u8)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFile_NamesThePath()
    {
        var path = Path.Combine(Path.GetTempPath(), $"nba-missing-{Guid.NewGuid():N}", "model.json");

        var error = Assert.Throws<ModelArtifactException>(() => TreeEnsembleModel.Load(path));

        Assert.Equal($"{path}: model file not found", error.Message);
    }

    [Fact]
    public void Parse_SeveralProblems_ReportsEveryOne()
    {
        var artifact = TestEnsembles.TwoTrees() with { Version = null, Link = null };

        var error = Assert.Throws<ModelArtifactException>(() => TreeEnsembleModel.FromArtifact(artifact));

        Assert.Equal(2, error.Errors.Count);
    }

    [Fact]
    public void SingleLeafTree_AddsItsLeafValue()
    {
        var model = TreeEnsembleModel.FromArtifact(TestEnsembles.Artifact(["x0"],
            new TreeArtifact { Weight = 3, SplitFeature = [], Threshold = [], Left = [], Right = [], LeafValue = [0.5] }));
        Span<double> contributions = stackalloc double[1];

        Assert.Equal(0.1 + 1.5, model.RawScore([42]), 12);
        Assert.Equal(model.BaselineRawScore, model.RawScore([42], contributions), 12);
        Assert.Equal(0, contributions[0]);
    }

    [Fact]
    public void WrongNumberOfFeatures_Throws()
    {
        Assert.Throws<ArgumentException>(() => TwoTrees.RawScore([1.0]));
        Assert.Throws<ArgumentException>(() => TwoTrees.Probability([1.0, 2.0], new double[3]));
    }
}
