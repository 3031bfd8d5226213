using System.Text.Json;
using System.Text.Json.Nodes;

namespace NextBestAction.OperatorConsole.Models;

/// <summary>One off-policy estimate of the version's policy, EUR per decision, with its 95% interval.</summary>
public sealed record EstimateFigure(string Method, double Value, double Lower, double Upper);

/// <summary>What <c>evaluate --out</c> wrote beside the version (<c>evaluation.json</c>).</summary>
/// <param name="Logged">What the logging policy earned per decision on the same samples.</param>
/// <param name="Verdict">The champion-challenger verdict when the evaluation had a challenger.</param>
public sealed record OffPolicyFigures(int Samples, string Policy, double? Logged, IReadOnlyList<EstimateFigure> Estimates, string? Verdict)
{
    /// <summary>The doubly robust estimate, the one the reports' verdicts go by.</summary>
    public EstimateFigure? DoublyRobust => Estimates.FirstOrDefault(e => e.Method == "DR");
}

/// <summary>
/// The quality figures of one version, read from what training writes beside <c>model.json</c>: <c>report.json</c>
/// (AUC, log-loss and calibration on the held-out latest decisions, against the propensity serving logged; the churn
/// and value models) and, when <c>evaluate</c> was pointed there with <c>--out</c>, <c>evaluation.json</c>.
/// </summary>
public sealed record VersionReport
{
    public const string ReportFile = "report.json";
    public const string EvaluationFile = "evaluation.json";

    public DateTimeOffset? TrainedAt { get; init; }
    public DateTimeOffset? DataFrom { get; init; }
    public DateTimeOffset? DataTo { get; init; }
    public int? TrainingRows { get; init; }
    public int? ValidationRows { get; init; }
    public double? Auc { get; init; }
    public double? BaselineAuc { get; init; }
    public double? LogLoss { get; init; }
    public double? BaselineLogLoss { get; init; }

    /// <summary>Expected calibration error: the row-weighted mean of |predicted - observed| over the calibration deciles.</summary>
    public double? Ece { get; init; }
    public double? BaselineEce { get; init; }
    public double? ChurnAuc { get; init; }
    public double? ValueRmse { get; init; }
    public double? ValueRSquared { get; init; }
    public IReadOnlyList<string> Warnings { get; init; } = [];
    public OffPolicyFigures? OffPolicy { get; init; }

    /// <summary>The version's report, or null and why there is none to show.</summary>
    public static (VersionReport? Report, string? Problem) Read(string versionDirectory)
    {
        var path = Path.Combine(versionDirectory, ReportFile);
        if (!File.Exists(path))
        {
            return (null, $"no {ReportFile} beside this version (train writes one; it was not copied with the model)");
        }

        try
        {
            var report = Parse(JsonNode.Parse(File.ReadAllText(path)));
            var evaluation = Path.Combine(versionDirectory, EvaluationFile);
            return (File.Exists(evaluation) ? report with { OffPolicy = ParseEvaluation(JsonNode.Parse(File.ReadAllText(evaluation))) } : report, null);
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException or InvalidOperationException or FormatException)
        {
            return (null, $"{ReportFile} or {EvaluationFile} cannot be read ({ex.GetType().Name})");
        }
    }

    public static VersionReport Parse(JsonNode? report)
    {
        var calibration = report?["calibration"]?.AsArray();
        var baselineCalibration = report?["baselineCalibration"]?.AsArray();
        var customers = report?["customerModels"];
        return new VersionReport
        {
            TrainedAt = report?["createdAt"]?.GetValue<DateTimeOffset>(),
            DataFrom = report?["data"]?["from"]?.GetValue<DateTimeOffset>(),
            DataTo = report?["data"]?["to"]?.GetValue<DateTimeOffset>(),
            TrainingRows = report?["data"]?["trainingRows"]?.GetValue<int>(),
            ValidationRows = report?["data"]?["validationRows"]?.GetValue<int>(),
            Auc = report?["model"]?["auc"]?.GetValue<double>(),
            BaselineAuc = report?["baseline"]?["auc"]?.GetValue<double>(),
            LogLoss = report?["model"]?["logLoss"]?.GetValue<double>(),
            BaselineLogLoss = report?["baseline"]?["logLoss"]?.GetValue<double>(),
            Ece = calibration is null ? null : ExpectedCalibrationError(calibration),
            BaselineEce = baselineCalibration is null ? null : ExpectedCalibrationError(baselineCalibration),
            ChurnAuc = customers?["churn"]?["model"]?["auc"]?.GetValue<double>(),
            ValueRmse = customers?["value"]?["rmse"]?.GetValue<double>(),
            ValueRSquared = customers?["value"]?["rSquared"]?.GetValue<double>(),
            Warnings = [.. (report?["warnings"]?.AsArray() ?? []).Select(w => w?.GetValue<string>()).OfType<string>()],
        };
    }

    public static OffPolicyFigures ParseEvaluation(JsonNode? evaluation) => new(
        evaluation?["samples"]?.GetValue<int>() ?? 0,
        evaluation?["policy"]?.GetValue<string>() ?? "",
        evaluation?["logged"]?["value"]?.GetValue<double>(),
        [.. (evaluation?["estimates"]?.AsArray() ?? []).OfType<JsonNode>().Select(e => new EstimateFigure(
            e["method"]?.GetValue<string>() ?? "",
            e["value"]?.GetValue<double>() ?? double.NaN,
            e["lower"]?.GetValue<double>() ?? double.NaN,
            e["upper"]?.GetValue<double>() ?? double.NaN))],
        evaluation?["challenger"]?["verdict"]?.GetValue<string>());

    /// <summary>As training computes it: the row-weighted mean distance between predicted and observed rate per bin.</summary>
    public static double ExpectedCalibrationError(JsonArray bins)
    {
        ArgumentNullException.ThrowIfNull(bins);
        var rows = 0.0;
        var distance = 0.0;
        foreach (var bin in bins.OfType<JsonNode>())
        {
            var n = bin["rows"]?.GetValue<int>() ?? 0;
            rows += n;
            distance += n * Math.Abs((bin["meanPredicted"]?.GetValue<double>() ?? 0) - (bin["observedRate"]?.GetValue<double>() ?? 0));
        }

        return rows == 0 ? 0 : distance / rows;
    }
}
