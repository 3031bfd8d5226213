using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NextBestAction.Decisioning.Engine;

namespace NextBestAction.Decisioning.Models;

/// <summary>
/// The propensity model registry: a directory with one sub-directory per model version and a file
/// <c>current</c> naming the live version. Deploying is writing a version name into <c>current</c>; rolling back
/// is writing the previous one. The file is checked every <c>Models:ReloadSeconds</c> (and on demand); a version
/// that cannot be loaded, or whose features the engine does not have, is refused and the live model stays.
/// Without a directory the transparent prior serves. A second pointer, <c>challenger</c>, names a candidate run
/// beside the live model (ModelRegistry.Challenger.cs).
/// </summary>
public sealed partial class ModelRegistry : BackgroundService, IPropensityModelSource, IPropensityModel
{
    public const string CurrentFile = ModelDirectory.CurrentFile;
    public const string ModelFile = ModelDirectory.ModelFile;
    public const string ChurnFile = ModelDirectory.ChurnFile;
    public const string ValueFile = ModelDirectory.ValueFile;

    private readonly string? directory;
    private readonly TimeSpan interval;
    private readonly ILogger<ModelRegistry> logger;
    private readonly Lock reloadGate = new();
    private string? loadedPointer;
    private IPropensityModel current;

    public ModelRegistry(IOptions<ModelOptions> options, PriorPropensityModel fallback, ILogger<ModelRegistry> logger)
    {
        directory = string.IsNullOrWhiteSpace(options.Value.Directory) ? null : DataFiles.ResolvePath(options.Value.Directory);
        interval = TimeSpan.FromSeconds(options.Value.ReloadSeconds);
        this.logger = logger;
        current = fallback;
        if (directory is not null && File.Exists(Path.Combine(directory, CurrentFile)))
        {
            // At start-up a bad model stops the service: better than silently serving the prior.
            Swap(ReadPointer(), throwOnRefusal: true);
        }

        // A bad challenger does not: it is logged, shown in the model status and kept out.
        ReloadChallenger(throwOnRefusal: false);
    }

    /// <summary>The registry directory (<c>Models:Directory</c>, resolved), or null when none is configured and the prior serves.</summary>
    public string? RegistryDirectory => directory;

    public IPropensityModel Current => Volatile.Read(ref current);

    public string Version => Current.Version;

    /// <summary>The reason the last version was refused, until a good one is loaded.</summary>
    public string? LastRejection { get; private set; }

    /// <summary>Versions present in the registry directory; training writes into hidden (dot) directories and renames them when done.</summary>
    public IReadOnlyList<string> Available =>
        directory is null || !Directory.Exists(directory)
            ? []
            : [.. Directory.GetDirectories(directory).Select(Path.GetFileName).OfType<string>()
                .Where(name => !name.StartsWith('.')).Order(StringComparer.Ordinal)];

    public double Predict(RuleScope scope, List<FeatureContribution>? contributions) => Current.Predict(scope, contributions);

    /// <summary>
    /// Loads the versions <c>current</c> and <c>challenger</c> name if they changed; throws <see cref="ModelArtifactException"/>
    /// when either is refused, after both were tried.
    /// </summary>
    public IPropensityModel Reload()
    {
        if (directory is null)
        {
            throw new ModelArtifactException("no model registry is configured (setting Models:Directory)");
        }

        ModelArtifactException? refused = null;
        try
        {
            Swap(ReadPointer(), throwOnRefusal: true);
        }
        catch (ModelArtifactException ex)
        {
            refused = ex;
        }

        try
        {
            ReloadChallenger(throwOnRefusal: true);
        }
        catch (ModelArtifactException ex)
        {
            refused = refused is null ? ex : new ModelArtifactException([.. refused.Errors, .. ex.Errors]);
        }

        return refused is null ? Current : throw refused;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (directory is null || interval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (File.Exists(Path.Combine(directory, CurrentFile)))
            {
                Swap(ReadPointer(), throwOnRefusal: false);
            }

            ReloadChallenger(throwOnRefusal: false);
        }
    }

    private string ReadPointer(string file = CurrentFile)
    {
        var path = Path.Combine(directory!, file);
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ModelArtifactException($"{path}: cannot be read ({ex.GetType().Name})");
        }
    }

    private void Swap(string version, bool throwOnRefusal)
    {
        lock (reloadGate)
        {
            if (version == loadedPointer)
            {
                return;
            }

            // Remembered before loading, so a refused version is reported once, not every interval.
            loadedPointer = version;
            try
            {
                var next = LoadVersion(CurrentFile, version);
                Volatile.Write(ref current, next);
                LastRejection = null;
                LogModelLoaded(logger, next.Version);
            }
            catch (ModelArtifactException ex)
            {
                LastRejection = ex.Message;
                LogModelRefused(logger, Current.Version, ex.Message);
                if (throwOnRefusal)
                {
                    throw;
                }
            }
        }
    }

    /// <summary>The version a pointer file names, loaded; refused when the name is not one version directory or a file is bad.</summary>
    private TreeEnsemblePropensityModel LoadVersion(string pointerFile, string version)
    {
        if (version.Length == 0 || version.IndexOfAny(['/', '\\']) >= 0 || version.StartsWith('.'))
        {
            throw new ModelArtifactException($"{Path.Combine(directory!, pointerFile)}: must name one version directory, was \"{version}\"");
        }

        return ModelDirectory.Load(Path.Combine(directory!, version));
    }

    [LoggerMessage(EventId = 3501, Level = LogLevel.Information, Message = "Propensity model {Version} is live")]
    private static partial void LogModelLoaded(ILogger logger, string version);

    [LoggerMessage(EventId = 3502, Level = LogLevel.Error, Message = "A propensity model was refused; {Version} stays live. Reason: {Reason}")]
    private static partial void LogModelRefused(ILogger logger, string version, string reason);
}

/// <summary>Settings under <c>Models</c>.</summary>
public sealed class ModelOptions
{
    public const string Section = "Models";

    /// <summary>The model registry directory; empty serves the transparent prior.</summary>
    public string Directory { get; set; } = "";

    /// <summary>How often the registry's <c>current</c> file is checked; 0 = only at start-up and on demand.</summary>
    [System.ComponentModel.DataAnnotations.Range(0, 3600, ErrorMessage = "Models:ReloadSeconds must be between 0 and 3600.")]
    public double ReloadSeconds { get; set; } = 5;

    /// <summary>
    /// Share of customers the challenger model serves; 0 runs it in shadow only. At most half: the champion keeps the
    /// majority until a person promotes the challenger.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(0.0, 0.5, ErrorMessage = "Models:ChallengerTrafficShare must be between 0 and 0.5.")]
    public double ChallengerTrafficShare { get; set; }
}
