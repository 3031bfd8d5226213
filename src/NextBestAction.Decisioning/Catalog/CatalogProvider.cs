using System.Security.Cryptography;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace NextBestAction.Decisioning.Catalog;

/// <summary>
/// Holds the live catalog and swaps in new versions of the file. A version that fails validation is refused
/// and logged with its errors; the last good catalog stays live. Decisions read <see cref="Current"/> once,
/// so one decision never mixes two versions.
/// </summary>
public sealed partial class CatalogProvider : BackgroundService
{
    private readonly string path;
    private readonly TimeSpan interval;
    private readonly ILogger<CatalogProvider> logger;
    private readonly Lock reloadGate = new();
    private byte[] loadedHash;
    private ActionCatalog current;

    public CatalogProvider(IOptions<DecisionOptions> options, ILogger<CatalogProvider> logger)
    {
        path = DataFiles.ResolvePath(options.Value.CatalogPath);
        interval = TimeSpan.FromSeconds(options.Value.CatalogReloadSeconds);
        this.logger = logger;
        // The first load throws: a bad catalog at start-up stops the service with the validation errors.
        var bytes = ReadFile();
        current = CatalogLoader.Parse(bytes, path);
        loadedHash = SHA256.HashData(bytes);
    }

    public ActionCatalog Current => Volatile.Read(ref current);

    /// <summary>The errors of the last refused version, until a good one is loaded.</summary>
    public string? LastRejection { get; private set; }

    /// <summary>Loads the file if it changed. Returns the live catalog and whether this call swapped it in.</summary>
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
            Volatile.Write(ref current, next);
            LogCatalogLoaded(logger, next.Version, next.Actions.Count);
            return (next, true);
        }
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

    [LoggerMessage(EventId = 3302, Level = LogLevel.Error, Message = "A new action catalog was refused; {Version} stays live. Errors:\n{Errors}")]
    private static partial void LogCatalogRejected(ILogger logger, string version, string errors);
}
