using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NextBestAction.UnitTests.Decisioning;
using NextBestAction.Decisioning.Engine;
using NextBestAction.Decisioning.Models;
using NextBestAction.OperatorConsole.Auth;
using NextBestAction.OperatorConsole.Models;
using NextBestAction.UnitTests.Models;

namespace NextBestAction.UnitTests.OperatorConsole;

/// <summary>Promotion and roll back over a real registry directory: the pointer files, the history, refusals.</summary>
public sealed class ModelPromotionTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 7, 0, 0, TimeSpan.Zero);

    private readonly string directory = Path.Combine(Path.GetTempPath(), $"nba-promotion-{Guid.NewGuid():N}");

    public ModelPromotionTests() => Directory.CreateDirectory(directory);

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void RollbackTarget_UndoesPromotionsInTurn()
    {
        List<PromotionEntry> history = [Entry(PromotionHistory.Promoted, "m2", "m1"), Entry(PromotionHistory.Promoted, "m3", "m2")];
        Assert.Equal("m2", PromotionHistory.RollbackTarget(history));

        history.Add(Entry(PromotionHistory.RolledBack, "m2", "m3"));
        Assert.Equal("m1", PromotionHistory.RollbackTarget(history));

        history.Add(Entry(PromotionHistory.RolledBack, "m1", "m2"));
        Assert.Null(PromotionHistory.RollbackTarget(history));
    }

    [Fact]
    public void RollbackTarget_NothingPromoted_OrThePriorBefore_IsNone()
    {
        Assert.Null(PromotionHistory.RollbackTarget([]));
        Assert.Null(PromotionHistory.RollbackTarget([Entry(PromotionHistory.Promoted, "m1", null)]));
    }

    [Fact]
    public void History_SurvivesALineCutShort()
    {
        PromotionHistory.Append(directory, Entry(PromotionHistory.Promoted, "m2", "m1"));
        File.AppendAllText(Path.Combine(directory, PromotionHistory.FileName), "{\"at\":\"2026-");

        var read = Assert.Single(PromotionHistory.Read(directory));

        Assert.Equal(("m2", "m1", "alice"), (read.Version, read.Previous, read.Who));
    }

    [Fact]
    public void Promote_WritesCurrent_ReloadsTheRegistry_AndKeepsTheHistory_ThenRollBackRestores()
    {
        WriteModel("m1");
        WriteModel("m2");
        Point("m1");
        var (registry, promotion) = Create();

        var promoted = promotion.Promote("m2", "alice");

        Assert.True(promoted.Done, promoted.Message);
        Assert.Equal("m2", registry.Version);
        Assert.Equal("m2", ModelPromotion.ReadPointer(directory, ModelRegistry.CurrentFile));
        Assert.Equal(Entry(PromotionHistory.Promoted, "m2", "m1"), Assert.Single(PromotionHistory.Read(directory)));
        Assert.Empty(Directory.GetFiles(directory, "*.tmp"));

        var rolledBack = promotion.RollBack("bob");

        Assert.True(rolledBack.Done, rolledBack.Message);
        Assert.Equal("m1", registry.Version);
        Assert.Equal("m1", ModelPromotion.ReadPointer(directory, ModelRegistry.CurrentFile));
        Assert.Equal(Entry(PromotionHistory.RolledBack, "m1", "m2") with { Who = "bob" }, PromotionHistory.Read(directory)[^1]);
        Assert.Equal(ModelPromotion.NothingToRollBack, promotion.RollBack("bob").Message);
    }

    [Fact]
    public void Promote_RefusedVersion_LeavesTheLiveModelAndItsPointer_WithTheRegistrysReason()
    {
        WriteModel("m1");
        WriteModel("m2", "cart.value", "customer.shoeSize");
        Point("m1");
        var (registry, promotion) = Create();

        var refused = promotion.Promote("m2", "alice");

        Assert.False(refused.Done);
        Assert.Contains("customer.shoeSize", refused.Message, StringComparison.Ordinal);
        Assert.Contains("m1 stays live", refused.Message, StringComparison.Ordinal);
        Assert.Equal("m1", registry.Version);
        Assert.Equal("m1", ModelPromotion.ReadPointer(directory, ModelRegistry.CurrentFile));
        Assert.Empty(PromotionHistory.Read(directory));
    }

    [Fact]
    public void Promote_TheChallenger_EndsItsRun()
    {
        WriteModel("m1");
        WriteModel("m2");
        Point("m1");
        File.WriteAllText(Path.Combine(directory, ModelRegistry.ChallengerFile), "m2\n");
        var (registry, promotion) = Create();
        Assert.Equal("m2", registry.Challenger?.Version);

        var promoted = promotion.Promote("m2", "alice");

        Assert.True(promoted.Done, promoted.Message);
        Assert.Equal("m2", registry.Version);
        Assert.Null(registry.Challenger);
        Assert.Null(registry.LastChallengerRejection);
        Assert.Null(ModelPromotion.ReadPointer(directory, ModelRegistry.ChallengerFile));
    }

    [Theory]
    [InlineData("m1", "live already")]
    [InlineData("m9", "no version \"m9\"")]
    public void Promote_TheLiveOrAnUnknownVersion_ChangesNothing(string version, string reason)
    {
        WriteModel("m1");
        Point("m1");
        var (_, promotion) = Create();

        var refused = promotion.Promote(version, "alice");

        Assert.False(refused.Done);
        Assert.Contains(reason, refused.Message, StringComparison.Ordinal);
        Assert.Empty(PromotionHistory.Read(directory));
    }

    private static PromotionEntry Entry(string action, string version, string? previous) => new(Now, action, version, previous, "alice");

    private (ModelRegistry Registry, ModelPromotion Promotion) Create()
    {
        var registry = new ModelRegistry(Options.Create(new ModelOptions { Directory = directory, ReloadSeconds = 0 }),
            new PriorPropensityModel(), NullLogger<ModelRegistry>.Instance);
        var clock = new ManualClock(Now);
        return (registry, new ModelPromotion(registry, new ConsoleAudit(NullLoggerFactory.Instance, clock), clock));
    }

    private void WriteModel(string version, params string[] features) => TestEnsembles.WriteVersion(directory, version, features);

    private void Point(string version) => File.WriteAllText(Path.Combine(directory, ModelRegistry.CurrentFile), version + "\n");
}
