using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NextBestAction.Decisioning;
using NextBestAction.Decisioning.Catalog;
using NextBestAction.IntegrationTests.Fixtures;
using NextBestAction.Profiles;

namespace NextBestAction.IntegrationTests;

/// <summary>
/// Catalogs published from the console, on a real Redis, as several decision API instances see them: each instance's
/// provider follows the live pointer, a restarted one starts on the publication, the file stays behind a publication
/// until it is made live again, and old publications are pruned but the live one is kept.
/// </summary>
public sealed class CatalogPublicationTests(RedisServerFixture redis) : IDisposable
{
    private readonly string catalogPath = Path.Combine(Path.GetTempPath(), $"nba-publication-{Guid.NewGuid():N}.json");
    private readonly CatalogPublications publications = new(new RedisProfileStore(redis.Connection,
        Options.Create(new RedisOptions { Configuration = "unused", KeyPrefix = $"p{Guid.NewGuid():N}"[..12] })));

    private static string Catalog(string version) =>
        $$"""{"version":"{{version}}","actions":[{"id":"service-advisor","kind":"service","title":"Advisor {{version}}","value":3,"eligibility":["true"]}]}""";

    public void Dispose() => File.Delete(catalogPath);

    private CatalogProvider Instance()
    {
        if (!File.Exists(catalogPath))
        {
            File.WriteAllText(catalogPath, Catalog("file-1"));
        }

        return new CatalogProvider(Options.Create(new DecisionOptions { CatalogPath = catalogPath, CatalogReloadSeconds = 0 }),
            NullLogger<CatalogProvider>.Instance, publications);
    }

    private async Task<PublishedCatalog> PublishAsync(string version)
    {
        var source = Catalog(version);
        return await publications.PublishAsync(source, CatalogLoader.Parse(System.Text.Encoding.UTF8.GetBytes(source), "test").Version, "test", DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task Publication_IsFollowedByEveryInstance_AndByOneThatStartsLater()
    {
        var first = Instance();
        var second = Instance();

        var published = await PublishAsync("pub-1");

        Assert.True(await first.FollowPublicationsAsync());
        Assert.True(await second.FollowPublicationsAsync());
        Assert.False(await second.FollowPublicationsAsync());
        Assert.Equal(published.Version, first.Current.Version);
        Assert.Equal(published.Version, second.Current.Version);
        Assert.Equal(published.Number, second.Live.Publication!.Number);
        var restarted = Instance();
        await restarted.StartAsync(CancellationToken.None);
        Assert.Equal(published.Version, restarted.Current.Version);
        await restarted.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task FileChange_WaitsBehindAPublication_UntilTheFileIsMadeLive()
    {
        var instance = Instance();
        var published = await PublishAsync("pub-1");
        await instance.FollowPublicationsAsync();

        await File.WriteAllTextAsync(catalogPath, Catalog("file-2"));
        var (live, changed) = instance.Reload();

        Assert.False(changed);
        Assert.Equal(published.Version, live.Version);
        Assert.StartsWith("file-2+", instance.FileCatalog.Catalog.Version, StringComparison.Ordinal);
        Assert.True(await publications.MakeLiveAsync(null));
        Assert.True(await instance.FollowPublicationsAsync());
        Assert.StartsWith("file-2+", instance.Current.Version, StringComparison.Ordinal);
        Assert.Null(instance.Live.Publication);
    }

    [Fact]
    public async Task OldPublications_ArePruned_AndCannotBeMadeLive()
    {
        for (var i = 1; i <= CatalogPublications.KeptVersions + 2; i++)
        {
            await PublishAsync($"pub-{i}");
        }

        var kept = await publications.ListAsync();

        Assert.Equal(CatalogPublications.KeptVersions, kept.Count);
        Assert.Equal([.. Enumerable.Range(3, CatalogPublications.KeptVersions).Reverse().Select(n => (long)n)], kept.Select(p => p.Number));
        Assert.Equal(CatalogPublications.KeptVersions + 2, await publications.LiveNumberAsync());
        Assert.False(await publications.MakeLiveAsync(2));
        Assert.True(await publications.MakeLiveAsync(3));
    }
}
