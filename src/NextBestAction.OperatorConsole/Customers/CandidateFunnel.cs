using NextBestAction.Decisioning.Engine;

namespace NextBestAction.OperatorConsole.Customers;

/// <summary>
/// One action of a debug decision as the dry-run table shows it: the stage where it fell out (with why), or the
/// ranking stage with its score, propensity, context weight and whether it was chosen.
/// </summary>
public sealed record CandidateRow(string ActionId, string Stage, string? Reason, RankedAction? Ranked)
{
    public bool Chosen => Ranked?.Chosen == true;
}

/// <summary>Puts every candidate of a debug decision in the order of the engine's funnel.</summary>
public static class CandidateFunnel
{
    /// <summary>The stage of an action that passed every filter and got a score.</summary>
    public const string RankedStage = "ranked";

    /// <summary>The funnel's stages in the order they run (<see cref="FilterStages"/>), ranking last.</summary>
    private static readonly string[] Stages =
    [
        FilterStages.Validity,
        FilterStages.Channel,
        FilterStages.Eligibility,
        FilterStages.Suppression,
        FilterStages.Consent,
        FilterStages.ContactPolicy,
        RankedStage,
    ];

    public static IReadOnlyList<string> StageOrder => Stages;

    /// <summary>
    /// Filtered actions by the stage that removed them (a stage the console does not know goes just before ranking),
    /// keeping the engine's order within a stage; then the ranked ones in rank order.
    /// </summary>
    public static IReadOnlyList<CandidateRow> Rows(DecisionDebug debug)
    {
        ArgumentNullException.ThrowIfNull(debug);
        var filtered = debug.Filtered
            .Select((f, i) => (Row: new CandidateRow(f.ActionId, f.Stage, f.Reason, null), Position: i))
            .OrderBy(r => StageIndex(r.Row.Stage))
            .ThenBy(r => r.Position)
            .Select(r => r.Row);
        var ranked = debug.Ranked.Select(r => new CandidateRow(r.ActionId, RankedStage, null, r));
        return [.. filtered, .. ranked];
    }

    /// <summary>Where <paramref name="stage"/> sits in the funnel; an unknown filter stage sorts after the known ones, before ranking.</summary>
    public static int StageIndex(string stage)
    {
        var index = Array.IndexOf(Stages, stage);
        return index >= 0 ? index : Stages.Length - 1;
    }
}
