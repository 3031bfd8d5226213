using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace NextBestAction.Decisioning.Catalog;

/// <summary>
/// Holds the live catalog and swaps in new versions: of the file, and of catalogs published from the console
/// (<see cref="CatalogPublications"/>), which take precedence over the file while one is live. A version that fails
/// validation is refused and logged with its errors; the last good catalog stays live. Decisions read
/// <see cref="Current"/> once, so one decision never mixes two versions.
/// </summary>
public sealed partial class CatalogProvider : BackgroundService
{
    /// <summary>How long start-up waits for Redis to say which publication is live before it serves the file's catalog.</summary>
    private static readonly TimeSpan StartupPublicationWait = TimeSpan.FromSeconds(5);

    private readonly string path;
    private readonly TimeSpan interval;
    private readonly ILogger<CatalogProvider> logger;
    private readonly CatalogPublications? publications;
    private readonly Lock reloadGate = new();
    private readonly SemaphoreSlim publicationGate = new(1, 1);
    private byte[] loadedHash;
    private LoadedCatalog file;
    private LoadedCatalog? published;
    private ActionCatalog current;
    private bool publicationsUnreachable;

    public CatalogProvider(IOptions<DecisionOptions> options, ILogger<CatalogProvider> logger, CatalogPublications? publications = null)
    {
        path = DataFiles.ResolvePath(options.Value.CatalogPath);
        interval = TimeSpan.FromSeconds(options.Value.CatalogReloadSeconds);
        this.logger = logger;
        this.publications = publications;
        // The first load throws: a bad catalog at start-up stops the service with the validation errors.
        var bytes = ReadFile();
        file = new LoadedCatalog(CatalogLoader.Parse(bytes, path), bytes, null);
        current = file.Catalog;
        loadedHash = SHA256.HashData(bytes);
    }

    public ActionCatalog Current => Volatile.Read(ref current);

    /// <summary>The live catalog's JSON as it was loaded, and the publication it came from (null: the file).</summary>
    public LoadedCatalog Live => Volatile.Read(ref published) ?? Volatile.Read(ref file);

    /// <summary>The last good version of the catalog file, live or not.</summary>
    public LoadedCatalog FileCatalog => Volatile.Read(ref file);

    /// <summary>The errors of the last refused version, until a good one is loaded.</summary>
    public string? LastRejection { get; private set; }

    /// <summary>
    /// Loads the file if it changed. Returns the live catalog and whether this call swapped it in; while a published
    /// catalog is live a good new file is kept, not swapped in.
    /// </summary>
    public (ActionCatalog Catalog, bool Changed) Reload()
    {
        lock (reloadGate)
        {
            byte[] bytes;
            try
            {
                bytes = ReadFile();
            }
            catch (CatalogValidationException ex)
            {
                Reject(ex.Message);
                throw;
            }

            var hash = SHA256.HashData(bytes);
            if (hash.AsSpan().SequenceEqual(loadedHash))
            {
                return (Current, false);
            }

            ActionCatalog next;
            try
            {
                next = CatalogLoader.Parse(bytes, path);
            }
            catch (CatalogValidationException ex)
            {
                // Remember the refused bytes so the same bad file is not logged again every interval.
                loadedHash = hash;
                Reject(ex.Message);
                throw;
            }

            loadedHash = hash;
            LastRejection = null;
            Volatile.Write(ref file, new LoadedCatalog(next, bytes, null));
            if (Volatile.Read(ref published) is { } live)
            {
                LogFileKeptBehindPublication(logger, next.Version, live.Publication!.Number);
                return (Current, false);
            }

            Volatile.Write(ref current, next);
            LogCatalogLoaded(logger, next.Version, next.Actions.Count);
            return (next, true);
        }
    }

    /// <summary>
    /// Follows the live pointer of the published catalogs: swaps in the publication it names, or the file's catalog
    /// when it names none. Returns whether the live catalog changed. Redis being unreachable keeps what is live.
    /// </summary>
    public async Task<bool> FollowPublicationsAsync()
    {
        if (publications is null)
        {
            return false;
        }

        await publicationGate.WaitAsync();
        try
        {
            var number = await publications.LiveNumberAsync();
            publicationsUnreachable = false;
            var loaded = Volatile.Read(ref published);
            if (number == loaded?.Publication?.Number)
            {
                return false;
            }

            if (number is null)
            {
                Volatile.Write(ref published, null);
                var fileCatalog = Volatile.Read(ref file).Catalog;
                Volatile.Write(ref current, fileCatalog);
                LogBackToFile(logger, fileCatalog.Version);
                return true;
            }

            if (await publications.GetAsync(number.Value) is not { } publication)
            {
                return false;
            }

            var bytes = Encoding.UTF8.GetBytes(publication.Source);
            ActionCatalog next;
            try
            {
                next = CatalogLoader.Parse(bytes, $"published catalog {publication.Number}");
            }
            catch (CatalogValidationException ex)
            {
                // Validated when it was published; a release with stricter rules may still refuse it.
                Reject(ex.Message);
                return false;
            }

            Volatile.Write(ref published, new LoadedCatalog(next, bytes, publication));
            Volatile.Write(ref current, next);
            LogPublicationLive(logger, next.Version, publication.Number, next.Actions.Count);
            return true;
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
        {
            if (!publicationsUnreachable)
            {
                publicationsUnreachable = true;
                LogPublicationsUnreachable(logger, ex.GetType().Name, Current.Version);
            }

            return false;
        }
        finally
        {
            publicationGate.Release();
        }
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Before the API takes traffic, so a restarted instance serves the published catalog from its first decision.
        try
        {
            await FollowPublicationsAsync().WaitAsync(StartupPublicationWait, cancellationToken);
        }
        catch (TimeoutException ex)
        {
            LogPublicationsUnreachable(logger, ex.GetType().Name, Current.Version);
        }

        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (interval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await FollowPublicationsAsync();
            try
            {
                Reload();
            }
            catch (CatalogValidationException)
            {
                // Logged in Reload; the last good catalog stays live.
            }
        }
    }

    private byte[] ReadFile()
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CatalogValidationException($"{path}: the catalog file cannot be read ({ex.GetType().Name}; setting Decisions:CatalogPath)");
        }
    }

    private void Reject(string errors)
    {
        LastRejection = errors;
        LogCatalogRejected(logger, Current.Version, errors);
    }

    [LoggerMessage(EventId = 3301, Level = LogLevel.Information, Message = "Action catalog {Version} is live with {Count} actions")]
    private static partial void LogCatalogLoaded(ILogger logger, string version, int count);

    [LoggerMessage(EventId = 3303, Level = LogLevel.Information, Message = "Action catalog {Version} (published catalog {Number}) is live with {Count} actions")]
    private static partial void LogPublicationLive(ILogger logger, string version, long number, int count);

    [LoggerMessage(EventId = 3304, Level = LogLevel.Information, Message = "No published catalog is live any more; the catalog file's version {Version} is live")]
    private static partial void LogBackToFile(ILogger logger, string version);

    [LoggerMessage(EventId = 3305, Level = LogLevel.Warning, Message = "The catalog file's new version {Version} is valid but not live: published catalog {Number} is, until someone returns to the file")]
    private static partial void LogFileKeptBehindPublication(ILogger logger, string version, long number);

    [LoggerMessage(EventId = 3306, Level = LogLevel.Warning, Message = "Published catalogs cannot be read from Redis ({ErrorType}); {Version} stays live")]
    private static partial void LogPublicationsUnreachable(ILogger logger, string errorType, string version);

    [LoggerMessage(EventId = 3302, Level = LogLevel.Error, Message = "A new action catalog was refused; {Version} stays live. Errors:\n{Errors}")]
    private static partial void LogCatalogRejected(ILogger logger, string version, string errors);
}

/// <summary>A loaded catalog with the JSON it was loaded from, and the publication it came from (null: the file).</summary>
public sealed record LoadedCatalog(ActionCatalog Catalog, byte[] Source, PublishedCatalog? Publication);
