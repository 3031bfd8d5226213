using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using NextBestAction.Profiles;
using StackExchange.Redis;

namespace NextBestAction.Decisioning.Catalog;

/// <summary>A catalog published from the console: its number, the version it loads as, who published it and when, and its JSON.</summary>
public sealed record PublishedCatalog(long Number, string Version, string PublishedBy, DateTimeOffset PublishedAt, string Source);

/// <summary>The shared working copy of the catalog: its JSON and who saved it when.</summary>
public sealed record CatalogDraft(string Source, string SavedBy, DateTimeOffset SavedAt);

/// <summary>
/// Catalog versions published from the console, shared by every decision API instance through Redis: the hash
/// <c>{prefix}:catalog:published</c> keeps the last <see cref="KeptVersions"/> publications (number to entry), the
/// string <c>{prefix}:catalog:live</c> names the live one (absent: the catalog file is live), and
/// <c>{prefix}:catalog:draft</c> holds the draft being worked on. Each instance's <see cref="CatalogProvider"/> follows
/// the live pointer on its reload tick, so publishing and rolling back are one pointer write for the whole fleet.
/// </summary>
public sealed class CatalogPublications(RedisProfileStore profiles)
{
    /// <summary>Publications kept for rollback, the live one (the newest when something is published) among them.</summary>
    public const int KeptVersions = 20;

    private const string SequenceField = "sequence";

    private RedisKey PublishedKey => $"{profiles.KeyPrefix}:catalog:published";

    private RedisKey LiveKey => $"{profiles.KeyPrefix}:catalog:live";

    private RedisKey DraftKey => $"{profiles.KeyPrefix}:catalog:draft";

    /// <summary>The number of the live publication, or null when the catalog file is live.</summary>
    public async Task<long?> LiveNumberAsync()
    {
        var value = await profiles.Database.StringGetAsync(LiveKey);
        return value.IsNull ? null : long.Parse((string)value!, CultureInfo.InvariantCulture);
    }

    public async Task<PublishedCatalog?> GetAsync(long number)
    {
        var value = await profiles.Database.HashGetAsync(PublishedKey, Field(number));
        return value.IsNull ? null : JsonSerializer.Deserialize((string)value!, CatalogPublicationJsonContext.Default.PublishedCatalog);
    }

    /// <summary>Every kept publication, newest first.</summary>
    public async Task<IReadOnlyList<PublishedCatalog>> ListAsync()
    {
        var entries = await profiles.Database.HashGetAllAsync(PublishedKey);
        return [.. entries.Where(e => e.Name != SequenceField)
            .Select(e => JsonSerializer.Deserialize((string)e.Value!, CatalogPublicationJsonContext.Default.PublishedCatalog)!)
            .OrderByDescending(p => p.Number)];
    }

    /// <summary>
    /// Keeps <paramref name="source"/> (already validated; it loads as <paramref name="version"/>) as a new publication and
    /// makes it live; then prunes publications beyond <see cref="KeptVersions"/>.
    /// </summary>
    public async Task<PublishedCatalog> PublishAsync(string source, string version, string publishedBy, DateTimeOffset at)
    {
        var db = profiles.Database;
        var number = await db.HashIncrementAsync(PublishedKey, SequenceField);
        var entry = new PublishedCatalog(number, version, publishedBy, at, source);
        // The entry before the pointer, so the pointer never names a publication that is not there.
        await db.HashSetAsync(PublishedKey, Field(number), JsonSerializer.Serialize(entry, CatalogPublicationJsonContext.Default.PublishedCatalog));
        await db.StringSetAsync(LiveKey, Field(number));
        await PruneAsync(number);
        return entry;
    }

    /// <summary>Makes publication <paramref name="number"/> live again, or the catalog file when null. False when that publication is no longer kept.</summary>
    public async Task<bool> MakeLiveAsync(long? number)
    {
        var db = profiles.Database;
        if (number is null)
        {
            await db.KeyDeleteAsync(LiveKey);
            return true;
        }

        if (!await db.HashExistsAsync(PublishedKey, Field(number.Value)))
        {
            return false;
        }

        await db.StringSetAsync(LiveKey, Field(number.Value));
        return true;
    }

    public async Task<CatalogDraft?> GetDraftAsync()
    {
        var value = await profiles.Database.StringGetAsync(DraftKey);
        return value.IsNull ? null : JsonSerializer.Deserialize((string)value!, CatalogPublicationJsonContext.Default.CatalogDraft);
    }

    public Task SaveDraftAsync(CatalogDraft draft) =>
        profiles.Database.StringSetAsync(DraftKey, JsonSerializer.Serialize(draft, CatalogPublicationJsonContext.Default.CatalogDraft));

    public Task DiscardDraftAsync() => profiles.Database.KeyDeleteAsync(DraftKey);

    /// <summary>Drops publications older than the last <see cref="KeptVersions"/>; the live one, just published, is the newest.</summary>
    private async Task PruneAsync(long newest)
    {
        var gone = (await ListAsync()).Select(p => p.Number)
            .Where(n => n <= newest - KeptVersions)
            .Select(n => (RedisValue)Field(n))
            .ToArray();
        if (gone.Length > 0)
        {
            await profiles.Database.HashDeleteAsync(PublishedKey, gone);
        }
    }

    private static string Field(long number) => number.ToString(CultureInfo.InvariantCulture);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(PublishedCatalog))]
[JsonSerializable(typeof(CatalogDraft))]
internal sealed partial class CatalogPublicationJsonContext : JsonSerializerContext;
