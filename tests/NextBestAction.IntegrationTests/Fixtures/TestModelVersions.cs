using System.Text.Json;
using NextBestAction.Decisioning.Models;

namespace NextBestAction.IntegrationTests.Fixtures;

/// <summary>Model versions for a test's registry directory: one tree on <c>action.kind.bundle</c>, so each scores bundles and services its own way.</summary>
public static class TestModelVersions
{
    /// <summary>Writes <c>{registry}/{version}/model.json</c> giving bundles the raw score <paramref name="bundle"/> and services <paramref name="service"/>.</summary>
    public static void Write(string registry, string version, double bundle, double service)
    {
        var artifact = new TreeEnsembleArtifact
        {
            Format = TreeEnsembleModel.FormatId,
            Version = version,
            Kind = "propensity",
            CreatedAt = DateTimeOffset.UnixEpoch,
            Features = ["action.kind.bundle"],
            Bias = 0,
            Link = new LinkArtifact { Type = TreeEnsembleModel.LogisticLink, Slope = -1, Offset = 0 },
            Trees = [new TreeArtifact { Weight = 1, SplitFeature = [0], Threshold = [0.5f], Left = [-1], Right = [-2], LeafValue = [service, bundle] }],
        };
        Directory.CreateDirectory(Path.Combine(registry, version));
        File.WriteAllBytes(Path.Combine(registry, version, ModelRegistry.ModelFile), JsonSerializer.SerializeToUtf8Bytes(artifact, ModelJsonContext.Default.TreeEnsembleArtifact));
    }
}
