using System.Text;
using NextBestAction.Decisioning.Catalog;
using NextBestAction.OperatorConsole.Auth;

namespace NextBestAction.OperatorConsole.Catalog;

/// <summary>A draft checked by the catalog loader: the catalog it loads as, or the loader's messages.</summary>
public sealed record DraftCheck(ActionCatalog? Catalog, string? Errors);

/// <summary>
/// The catalog screen's changes: the shared draft, publishing it as a new live version for every instance, and making
/// an earlier publication (or the catalog file) live again. Each change is in the console audit with who made it.
/// </summary>
public sealed class CatalogDesk(CatalogProvider catalogs, CatalogPublications publications, ConsoleAudit audit, TimeProvider clock)
{
    /// <summary>The largest draft taken: the shipped catalog is about 10 KB, so a megabyte is a mistake, not a catalog.</summary>
    public const int MaxDraftBytes = 1_000_000;

    public const string DraftSaved = "catalog-draft-saved";
    public const string DraftDiscarded = "catalog-draft-discarded";
    public const string Published = "catalog-published";
    public const string MadeLive = "catalog-made-live";
    public const string WhatIfReplayed = "catalog-what-if";

    /// <summary>Where the loader's messages say the draft's errors are.</summary>
    public const string DraftName = "draft";

    /// <summary>Checks a draft with the loader that checks the file, so its messages are the ones the loader logs.</summary>
    public static DraftCheck Validate(string? source)
    {
        if (string.IsNullOrWhiteSpace(source))
        {
            return new DraftCheck(null, "The draft is empty: paste or upload a catalog (JSON with \"version\" and \"actions\").");
        }

        var bytes = Encoding.UTF8.GetBytes(source);
        if (bytes.Length > MaxDraftBytes)
        {
            return new DraftCheck(null, $"The draft is {bytes.Length:N0} bytes; a catalog may be at most {MaxDraftBytes:N0} bytes.");
        }

        try
        {
            return new DraftCheck(CatalogLoader.Parse(bytes, DraftName), null);
        }
        catch (CatalogValidationException ex)
        {
            return new DraftCheck(null, ex.Message);
        }
    }

    public async Task SaveDraftAsync(string source, string who)
    {
        await publications.SaveDraftAsync(new CatalogDraft(source, who, clock.GetUtcNow()));
        audit.Record(who, DraftSaved, $"{Encoding.UTF8.GetByteCount(source)} bytes");
    }

    public async Task DiscardDraftAsync(string who)
    {
        await publications.DiscardDraftAsync();
        audit.Record(who, DraftDiscarded, "back to the live catalog");
    }

    /// <summary>Publishes a valid draft and makes it live here at once (other instances follow within their reload interval); the draft is then cleared.</summary>
    /// <returns>The publication, or why nothing was published.</returns>
    public async Task<(PublishedCatalog? Publication, string? Refusal)> PublishAsync(string source, string who)
    {
        var check = Validate(source);
        if (check.Catalog is not { } catalog)
        {
            return (null, check.Errors);
        }

        var live = catalogs.Current.Version;
        if (catalog.Version == live)
        {
            return (null, $"The draft is the live catalog ({live}): there is nothing to publish.");
        }

        var publication = await publications.PublishAsync(source, catalog.Version, who, clock.GetUtcNow());
        await catalogs.FollowPublicationsAsync();
        await publications.DiscardDraftAsync();
        audit.Record(who, Published, $"publication {publication.Number}, version {catalog.Version}, replacing {live}");
        return (publication, null);
    }

    /// <summary>Makes publication <paramref name="number"/> live again, or the catalog file when null; the refusal when it is no longer kept.</summary>
    public async Task<string?> MakeLiveAsync(long? number, string who)
    {
        var before = catalogs.Current.Version;
        if (!await publications.MakeLiveAsync(number))
        {
            return $"Publication {number} is no longer kept (the last {CatalogPublications.KeptVersions} are); nothing changed.";
        }

        await catalogs.FollowPublicationsAsync();
        var now = catalogs.Current.Version;
        audit.Record(who, MadeLive, number is null ? $"the catalog file, version {now}, replacing {before}" : $"publication {number}, version {now}, replacing {before}");
        return null;
    }

    public void RecordWhatIf(string who, WhatIfRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        audit.Record(who, WhatIfReplayed, $"draft {run.DraftVersion} against live {run.LiveVersion} on {run.Report.Decisions} decisions");
    }
}
