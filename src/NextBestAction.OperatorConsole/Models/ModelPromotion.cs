using NextBestAction.Decisioning.Models;
using NextBestAction.OperatorConsole.Auth;

namespace NextBestAction.OperatorConsole.Models;

/// <summary>What a promotion or roll back came to, in words for the page.</summary>
public sealed record PromotionResult(bool Done, string Message);

/// <summary>
/// Promotes a registry version to live and rolls back to the one live before: writes <c>current</c> atomically (a temporary
/// file renamed over it), has the registry load it at once, and keeps the promotion history. The registry is the judge:
/// a version it refuses is taken out of <c>current</c> again, so the live model stays and a restart does not stumble on it.
/// </summary>
public sealed class ModelPromotion(ModelRegistry registry, ConsoleAudit audit, TimeProvider clock)
{
    public const string PromotedAudit = "model-promote";
    public const string RolledBackAudit = "model-roll-back";

    public const string NoRegistry = "No model registry is configured (Models:Directory is empty): there is no version to make live.";
    public const string NothingToRollBack = "There is no earlier version to roll back to: no promotion made here is left to undo.";

    private readonly Lock gate = new();

    public PromotionResult Promote(string version, string who)
    {
        lock (gate)
        {
            return MakeLive(version, who, PromotionHistory.Promoted);
        }
    }

    public PromotionResult RollBack(string who)
    {
        lock (gate)
        {
            if (registry.RegistryDirectory is not { } directory)
            {
                return new PromotionResult(false, NoRegistry);
            }

            return PromotionHistory.RollbackTarget(PromotionHistory.Read(directory)) is { } target
                ? MakeLive(target, who, PromotionHistory.RolledBack)
                : new PromotionResult(false, NothingToRollBack);
        }
    }

    /// <summary>The version a pointer file names, or null when the file is absent or empty.</summary>
    public static string? ReadPointer(string directory, string file)
    {
        var path = Path.Combine(directory, file);
        return File.Exists(path) && File.ReadAllText(path).Trim() is { Length: > 0 } version ? version : null;
    }

    private PromotionResult MakeLive(string version, string who, string action)
    {
        if (registry.RegistryDirectory is not { } directory)
        {
            return new PromotionResult(false, NoRegistry);
        }

        if (!registry.Available.Contains(version, StringComparer.Ordinal))
        {
            return new PromotionResult(false, $"The registry holds no version \"{version}\".");
        }

        var previous = ReadPointer(directory, ModelRegistry.CurrentFile);
        if (previous == version && registry.Version == version)
        {
            return new PromotionResult(false, $"{version} is live already.");
        }

        var liveBefore = registry.Version;
        var challenger = ReadPointer(directory, ModelRegistry.ChallengerFile);
        try
        {
            WritePointer(directory, ModelRegistry.CurrentFile, version);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A registry mounted read-only in this instance: the pointer is changed where the registry is kept.
            return new PromotionResult(false, $"The registry directory cannot be written here ({ex.GetType().Name}); {liveBefore} stays live. Write the version into {ModelRegistry.CurrentFile} where the registry is kept.");
        }

        if (challenger == version)
        {
            // The registry refuses the live version as challenger: promoting the challenger ends its run.
            WritePointer(directory, ModelRegistry.ChallengerFile, "");
        }

        if (Reload() is { } refusal)
        {
            RestorePointers(directory, previous, challenger);
            Reload();
            return new PromotionResult(false, $"The registry refused {version}; {liveBefore} stays live. {refusal}");
        }

        PromotionHistory.Append(directory, new PromotionEntry(clock.GetUtcNow(), action, version, previous, who));
        audit.Record(who, action == PromotionHistory.Promoted ? PromotedAudit : RolledBackAudit, $"{version} live, {previous ?? "no version"} before");
        var done = action == PromotionHistory.Promoted
            ? $"{version} is live: promoted, {previous ?? "no version"} was live before."
            : $"{version} is live again: rolled back from {previous ?? "no version"}.";
        var challengerEnded = challenger == version ? " It was the challenger, so the challenger file was emptied." : "";
        return new PromotionResult(true, done + challengerEnded);
    }

    /// <summary>Loads what the pointers name now; the live version's refusal, or null when the registry took it.</summary>
    private string? Reload()
    {
        try
        {
            registry.Reload();
        }
        catch (ModelArtifactException)
        {
            // Also thrown for a refused challenger, which leaves the live model as promoted; the live refusal is below.
        }

        return registry.LastRejection;
    }

    private static void RestorePointers(string directory, string? previous, string? challenger)
    {
        if (previous is null)
        {
            File.Delete(Path.Combine(directory, ModelRegistry.CurrentFile));
        }
        else
        {
            WritePointer(directory, ModelRegistry.CurrentFile, previous);
        }

        if (challenger is not null)
        {
            WritePointer(directory, ModelRegistry.ChallengerFile, challenger);
        }
    }

    /// <summary>Writes a temporary file and renames it over the pointer, so an instance reading it sees the old name or the new, never half.</summary>
    private static void WritePointer(string directory, string file, string version)
    {
        var temporary = Path.Combine(directory, $".{file}.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(temporary, version + "\n");
        File.Move(temporary, Path.Combine(directory, file), overwrite: true);
    }
}
