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

    /// <summary>The churn and value models, when the run read an order history (<c>--orders</c>).</summary>
    public CustomerModelsReport? CustomerModels { get; init; }
}

/// <param name="Orders">Where the order events came from.</param>
/// <param name="HorizonDays">How far after each snapshot its orders count.</param>
/// <param name="Snapshots">Distinct logged decisions, each a snapshot of its customer.</param>
/// <param name="Censored">Snapshots too recent for their horizon to be over in the order history, left out.</param>
/// <param name="TrainingRows">Labelled snapshots learnt from (one per customer per horizon).</param>
/// <param name="ValidationRows">The latest labelled snapshots, held out for the figures.</param>
/// <param name="From">Time of the first labelled snapshot.</param>
/// <param name="ValidationFrom">Time of the first held-out snapshot.</param>
/// <param name="ObservedUntil">The latest event in the order history.</param>
/// <param name="Churn">The churn model, or null when it could not be trained.</param>
/// <param name="Value">The value model, or null when it could not be trained.</param>
/// <param name="Warnings">Why a model is missing, and other doubts.</param>
internal sealed record CustomerModelsReport(
    string Orders,
    double HorizonDays,
    int Snapshots,
    int Censored,
    int TrainingRows,
    int ValidationRows,
    DateTimeOffset? From,
    DateTimeOffset? ValidationFrom,
    DateTimeOffset? ObservedUntil,
    ChurnReport? Churn,
    ValueReport? Value,
    IReadOnlyList<string> Warnings);

/// <summary>The churn classifier (label: no order in the horizon) against the churn risk serving logged.</summary>
internal sealed record ChurnReport(
    ModelQuality Model,
    ModelQuality Baseline,
    IReadOnlyList<CalibrationBin> Calibration,
    IReadOnlyList<FeatureImportance> FeatureImportance,
    ExportCheck Export);

/// <summary>The value regression (label: spend in the horizon, EUR) against predicting the training mean for everyone.</summary>
internal sealed record ValueReport(
    string Name,
    double Rmse,
    double? RSquared,
    double BaselineRmse,
    double TrainingMean,
    double MeanPredicted,
    double MeanObserved,
    double Reference,
    IReadOnlyList<FeatureImportance> FeatureImportance,
    ExportCheck Export);

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
