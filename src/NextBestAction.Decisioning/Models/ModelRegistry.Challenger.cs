using Microsoft.Extensions.Logging;
using NextBestAction.Decisioning.Engine;

namespace NextBestAction.Decisioning.Models;

/// <summary>The registry's challenger: a second pointer file naming a candidate version that runs beside the live one.</summary>
public sealed partial class ModelRegistry
{
    public const string ChallengerFile = "challenger";

    // What the challenger pointer said and which live model it was checked against when last read, so an unchanged
    // pointer is not reloaded (nor its refusal logged again) every interval, but a newly promoted live model is seen.
    private (string Pointer, IPropensityModel Live)? challengerChecked;
    private IPropensityModel? challenger;

    /// <summary>The challenger model, or null when the <c>challenger</c> file is absent or empty, or names a refused version.</summary>
    public IPropensityModel? Challenger => Volatile.Read(ref challenger);

    /// <summary>The reason the version the <c>challenger</c> file names was refused, until a good one (or none) is named.</summary>
    public string? LastChallengerRejection { get; private set; }

    private void ReloadChallenger(bool throwOnRefusal)
    {
        if (directory is null)
        {
            return;
        }

        var file = Path.Combine(directory, ChallengerFile);
        string pointer;
        try
        {
            pointer = File.Exists(file) ? ReadPointer(ChallengerFile) : "";
        }
        catch (ModelArtifactException ex)
        {
            RefuseChallenger(ex, throwOnRefusal);
            return;
        }

        lock (reloadGate)
        {
            var live = Current;
            if (challengerChecked is { } last && last.Pointer == pointer && ReferenceEquals(last.Live, live))
            {
                return;
            }

            challengerChecked = (pointer, live);
            if (pointer.Length == 0)
            {
                if (Volatile.Read(ref challenger) is { } removed)
                {
                    LogChallengerRemoved(logger, removed.Version);
                }

                Volatile.Write(ref challenger, null);
                LastChallengerRejection = null;
                return;
            }

            try
            {
                var next = LoadVersion(ChallengerFile, pointer);
                if (next.Version == live.Version)
                {
                    // Usually the challenger was just promoted: comparing a model with itself would only cost time.
                    throw new ModelArtifactException($"{file}: names {next.Version}, which is the live model; empty the file, or name another version");
                }

                Volatile.Write(ref challenger, next);
                LastChallengerRejection = null;
                LogChallengerLoaded(logger, next.Version, live.Version);
            }
            catch (ModelArtifactException ex)
            {
                Volatile.Write(ref challenger, null);
                RefuseChallenger(ex, throwOnRefusal);
            }
        }
    }

    private void RefuseChallenger(ModelArtifactException ex, bool throwOnRefusal)
    {
        LastChallengerRejection = ex.Message;
        LogChallengerRefused(logger, ex.Message);
        if (throwOnRefusal)
        {
            throw ex;
        }
    }

    [LoggerMessage(EventId = 3503, Level = LogLevel.Information, Message = "Challenger model {Version} runs beside the live model {LiveVersion}")]
    private static partial void LogChallengerLoaded(ILogger logger, string version, string liveVersion);

    [LoggerMessage(EventId = 3504, Level = LogLevel.Error, Message = "A challenger model was refused; no challenger runs. Reason: {Reason}")]
    private static partial void LogChallengerRefused(ILogger logger, string reason);

    [LoggerMessage(EventId = 3505, Level = LogLevel.Information, Message = "Challenger model {Version} was removed; the live model decides alone")]
    private static partial void LogChallengerRemoved(ILogger logger, string version);
}
