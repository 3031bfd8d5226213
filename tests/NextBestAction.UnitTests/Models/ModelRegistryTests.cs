using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NextBestAction.Decisioning.Engine;
using NextBestAction.Decisioning.Models;

namespace NextBestAction.UnitTests.Models;

/// <summary>The registry over a real directory: deploy by pointer, hot swap, refusal keeps the live model, rollback.</summary>
public sealed class ModelRegistryTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), $"nba-models-{Guid.NewGuid():N}");

    public ModelRegistryTests() => Directory.CreateDirectory(directory);

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private void WriteModel(string version, params string[] features) => TestEnsembles.WriteVersion(directory, version, features);

    private void Point(string version) => File.WriteAllText(Path.Combine(directory, ModelRegistry.CurrentFile), version + "\n");

    private void Challenge(string version) => File.WriteAllText(Path.Combine(directory, ModelRegistry.ChallengerFile), version + "\n");

    private ModelRegistry Registry() => new(Options.Create(new ModelOptions { Directory = directory, ReloadSeconds = 0 }),
        new PriorPropensityModel(), NullLogger<ModelRegistry>.Instance);

    [Fact]
    public void NoPointer_ServesThePrior()
    {
        Assert.Equal(new PriorPropensityModel().Version, Registry().Version);
    }

    [Fact]
    public void Pointer_LoadsThatVersion_AndAnEditedPointerSwapsOnReload()
    {
        WriteModel("m1");
        WriteModel("m2");
        Point("m1");
        var registry = Registry();
        Assert.Equal("m1", registry.Version);

        Point("m2");
        registry.Reload();

        Assert.Equal("m2", registry.Version);
        Assert.IsType<TreeEnsemblePropensityModel>(registry.Current);
        Assert.Equal(["m1", "m2"], registry.Available);
    }

    [Fact]
    public void ModelWithUnknownFeature_IsRefused_AndTheLiveModelStays_ThenRollbackWorks()
    {
        WriteModel("m1");
        WriteModel("m2", "cart.value", "customer.shoeSize");
        Point("m1");
        var registry = Registry();

        Point("m2");
        var refused = Assert.Throws<ModelArtifactException>(registry.Reload);

        Assert.Contains("customer.shoeSize", refused.Message, StringComparison.Ordinal);
        Assert.Equal("m1", registry.Version);
        Assert.Contains("customer.shoeSize", registry.LastRejection, StringComparison.Ordinal);

        Point("m1");
        registry.Reload();
        Assert.Equal("m1", registry.Version);
        Assert.Null(registry.LastRejection);
    }

    [Fact]
    public void BadModelAtStartUp_StopsStartUp_WithTheReason()
    {
        Point("missing");

        var ex = Assert.Throws<ModelArtifactException>(Registry);

        Assert.Contains("model file not found", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PointerOutsideTheRegistry_IsRefused()
    {
        WriteModel("m1");
        Point("m1");
        var registry = Registry();

        Point("../elsewhere");

        Assert.Throws<ModelArtifactException>(registry.Reload);
        Assert.Equal("m1", registry.Version);
    }

    [Fact]
    public void ChallengerPointer_LoadsItBesideTheLiveModel_AndAnEmptyPointerRemovesIt()
    {
        WriteModel("m1");
        WriteModel("m2");
        Point("m1");
        Challenge("m2");
        var registry = Registry();

        Assert.Equal(("m1", "m2"), (registry.Version, registry.Challenger?.Version));

        Challenge("");
        registry.Reload();

        Assert.Null(registry.Challenger);
        Assert.Null(registry.LastChallengerRejection);
        Assert.Equal("m1", registry.Version);
    }

    [Fact]
    public void BadChallenger_IsRefusedAndKeptOut_WithoutStoppingStartUp_WhileTheLiveModelServes()
    {
        WriteModel("m1");
        WriteModel("m2", "cart.value", "customer.shoeSize");
        Point("m1");
        Challenge("m2");

        var registry = Registry();

        Assert.Equal("m1", registry.Version);
        Assert.Null(registry.Challenger);
        Assert.Contains("customer.shoeSize", registry.LastChallengerRejection, StringComparison.Ordinal);

        WriteModel("m3");
        Challenge("m3");
        registry.Reload();
        Assert.Equal("m3", registry.Challenger?.Version);
        Assert.Null(registry.LastChallengerRejection);

        Challenge("../elsewhere");
        var refused = Assert.Throws<ModelArtifactException>(registry.Reload);
        Assert.Contains(ModelRegistry.ChallengerFile, refused.Message, StringComparison.Ordinal);
        Assert.Null(registry.Challenger);
        Assert.Equal("m1", registry.Version);
    }

    [Fact]
    public void PromotedChallenger_StopsRunningAsChallenger_UntilAnotherIsNamed()
    {
        WriteModel("m1");
        WriteModel("m2");
        Point("m1");
        Challenge("m2");
        var registry = Registry();

        Point("m2");
        var refused = Assert.Throws<ModelArtifactException>(registry.Reload);

        Assert.Equal("m2", registry.Version);
        Assert.Null(registry.Challenger);
        Assert.Contains("which is the live model", refused.Message, StringComparison.Ordinal);
    }
}
