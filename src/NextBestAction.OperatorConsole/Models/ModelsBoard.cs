using Microsoft.Extensions.DependencyInjection;
using NextBestAction.Decisioning.Engine;
using NextBestAction.Decisioning.Models;
using NextBestAction.Decisioning.Serving;

namespace NextBestAction.OperatorConsole.Models;

/// <summary>One version directory of the registry with its training report.</summary>
/// <param name="Live">Whether it is the live model (the registry loaded it from <c>current</c>).</param>
/// <param name="Challenger">Whether it runs as the challenger.</param>
/// <param name="ReportProblem">Why no figures are shown, when <paramref name="Report"/> is null.</param>
public sealed record ModelVersionRow(string Version, bool Live, bool Challenger, VersionReport? Report, string? ReportProblem);

/// <param name="Mode"><c>shadow</c> or <c>traffic</c>, as <c>GET /v1/admin/model</c> says.</param>
public sealed record ChallengerRun(string Version, string Mode, double TrafficShare);

/// <summary>What the models screen shows: the registry's state as <c>GET /v1/admin/model</c> gives it, each version's figures, the history.</summary>
/// <param name="RegistryDirectory">Null when no registry is configured: the hand-written prior serves.</param>
/// <param name="LivePointer">What <c>current</c> names (it can name a refused version while another stays live).</param>
/// <param name="RollbackTarget">The version a roll back would make live, if any.</param>
public sealed record ModelsView(
    string LiveVersion,
    string? CustomerModels,
    string? RegistryDirectory,
    string? LivePointer,
    ChallengerRun? Challenger,
    string? LastRejection,
    string? ChallengerRejection,
    IReadOnlyList<ModelVersionRow> Versions,
    IReadOnlyList<PromotionEntry> History,
    string? RollbackTarget);

/// <summary>Reads the model registry for the models screen, in process (the same objects <c>GET /v1/admin/model</c> reads).</summary>
public sealed class ModelsBoard(ModelRegistry registry, ModelArms arms, PriorPropensityModel prior)
{
    /// <summary>The hand-written prior's version, which serves when no registry is configured.</summary>
    public string PriorVersion => prior.Version;

    public ModelsView Read()
    {
        var live = registry.Current;
        var challenger = registry.Challenger;
        var directory = registry.RegistryDirectory;
        var history = directory is null ? [] : PromotionHistory.Read(directory);
        var versions = directory is null
            ? []
            : registry.Available.Reverse().Select(v =>
            {
                var (report, problem) = VersionReport.Read(Path.Combine(directory, v));
                return new ModelVersionRow(v, v == live.Version, v == challenger?.Version, report, problem);
            }).ToList();
        return new ModelsView(
            live.Version,
            live.CustomerModels?.Version,
            directory,
            directory is null ? null : ModelPromotion.ReadPointer(directory, ModelRegistry.CurrentFile),
            challenger is null ? null : new ChallengerRun(challenger.Version, arms.TrafficShare > 0 ? "traffic" : "shadow", arms.TrafficShare),
            registry.LastRejection,
            registry.LastChallengerRejection,
            versions,
            [.. history.Reverse()],
            PromotionHistory.RollbackTarget(history));
    }
}

public static class ModelsScreenExtensions
{
    public static IServiceCollection AddModelsScreen(this IServiceCollection services)
    {
        services.AddSingleton<ModelsBoard>();
        services.AddSingleton<ModelPromotion>();
        return services;
    }
}
