using System.Text.Json.Serialization;
using NextBestAction.Decisioning.Models;
using NextBestAction.Training.Propensity;

namespace NextBestAction.Training.Reporting;

/// <summary><c>report.json</c>: what a training run read, how the model does on the held-out latest decisions, and against what.</summary>
internal sealed record TrainingReport
{
    public required string Version { get; init; }

    public required string Kind { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required int Seed { get; init; }

    public required ReportSources Sources { get; init; }

    public required ReportData Data { get; init; }

    public required TrainerSettings Trainer { get; init; }

    /// <summary>The new model on the validation rows, scored by model.json as serving will score it.</summary>
    public required ModelQuality Model { get; init; }

    /// <summary>The propensity the serving model logged for the same rows when it decided.</summary>
    public required ModelQuality Baseline { get; init; }

    public required IReadOnlyList<CalibrationBin> Calibration { get; init; }

    public required IReadOnlyList<CalibrationBin> BaselineCalibration { get; init; }

    /// <summary>Features with any split gain, largest first; the others never split.</summary>
    public required IReadOnlyList<FeatureImportance> FeatureImportance { get; init; }

    public required ExportCheck Export { get; init; }

    public required IReadOnlyList<string> Warnings { get; init; }
}

internal sealed record ReportSources(string Decisions, string Outcomes);

/// <param name="From">Time of the first decision used.</param>
/// <param name="To">Time of the last decision used.</param>
/// <param name="ValidationFrom">Time of the first held-out decision.</param>
/// <param name="TrainingRows">Examples the model learnt from.</param>
/// <param name="TrainingPositives">Of those, accepted.</param>
/// <param name="ValidationRows">Examples held out for the figures.</param>
/// <param name="ValidationPositives">Of those, accepted.</param>
/// <param name="History">What reading and joining found.</param>
internal sealed record ReportData(
    DateTimeOffset? From,
    DateTimeOffset? To,
    DateTimeOffset? ValidationFrom,
    int TrainingRows,
    int TrainingPositives,
    int ValidationRows,
    int ValidationPositives,
    HistoryCounts History);

/// <param name="Name">The model version, or what was logged.</param>
/// <param name="Auc">Null when the rows hold one class only.</param>
/// <param name="LogLoss">Nats per row.</param>
/// <param name="MeanPredicted">Mean predicted probability.</param>
/// <param name="ObservedRate">Share of the rows accepted.</param>
/// <param name="Rows">Rows scored.</param>
internal sealed record ModelQuality(string Name, double? Auc, double? LogLoss, double MeanPredicted, double ObservedRate, int Rows);

/// <summary>How closely <c>model.json</c>, evaluated by the serving code, reproduces ML.NET's own probabilities.</summary>
internal sealed record ExportCheck(int Rows, double MaxAbsError, double Tolerance);

/// <summary>Source-generated JSON for <c>report.json</c>.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true)]
[JsonSerializable(typeof(TrainingReport))]
internal sealed partial class ReportJsonContext : JsonSerializerContext;
