using System.Text.Json.Serialization;

namespace NextBestAction.Decisioning.Models;

/// <summary>
/// The <c>model.json</c> document (format <c>nba-tree-ensemble/1</c>): a boosted tree ensemble with its logistic link
/// and the metadata a registry and a reviewer need. Written by the training CLI, read and validated by
/// <see cref="TreeEnsembleModel"/>. Everything is nullable so validation can name what is missing.
/// </summary>
/// <remarks>
/// Evaluation: raw = bias + sum over trees of weight x leafValue(leaf reached); at an internal node i the instance goes
/// to <c>left[i]</c> when <c>(float)value(splitFeature[i]) &lt;= threshold[i]</c>, else to <c>right[i]</c>; a child
/// c &gt;= 0 is an internal node, a negative child is the leaf ~c (-1 is leaf 0). NaN goes right. Probability =
/// 1 / (1 + exp(link.slope x raw + link.offset)), ML.NET's Platt calibrator.
/// </remarks>
public sealed record TreeEnsembleArtifact
{
    /// <summary>Always <see cref="TreeEnsembleModel.FormatId"/>.</summary>
    public string? Format { get; init; }

    /// <summary>Unique name of the model, e.g. <c>propensity-20250101120000-42</c>; also the decision log's <c>modelVersion</c>.</summary>
    public string? Version { get; init; }

    /// <summary>What the model predicts: <c>propensity</c> (probability to accept), <c>churn</c> (probability to lapse) or <c>value</c> (spend, EUR).</summary>
    public string? Kind { get; init; }

    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>Input names in the order the trees index them: numeric rule attributes and derived features (<see cref="ModelFeatures"/>).</summary>
    public IReadOnlyList<string>? Features { get; init; }

    public double? Bias { get; init; }

    public LinkArtifact? Link { get; init; }

    public IReadOnlyList<TreeArtifact>? Trees { get; init; }

    public ModelMetrics? Metrics { get; init; }

    public TrainingDataRange? TrainingData { get; init; }

    /// <summary>Seed of the training run; with the same data and settings it reproduces this file.</summary>
    public int? Seed { get; init; }

    public TrainerSettings? Trainer { get; init; }

    /// <summary>Features by importance, largest first.</summary>
    public IReadOnlyList<FeatureImportance>? FeatureImportance { get; init; }

    /// <summary>A typical prediction: for a value model the median over its training customers, what "average value" means.</summary>
    public double? Reference { get; init; }
}

/// <summary>
/// The link from raw score to prediction: <c>logistic</c>, probability = 1 / (1 + exp(slope x raw + offset)) with a negative
/// slope, for classifiers; <c>identity</c> (no slope, no offset), prediction = raw, for regressions.
/// </summary>
public sealed record LinkArtifact
{
    /// <summary>Always <c>logistic</c> in format 1.</summary>
    public string? Type { get; init; }

    public double? Slope { get; init; }

    public double? Offset { get; init; }
}

/// <summary>
/// One regression tree as parallel arrays over its internal nodes (root = node 0) plus its leaf values; a tree with a
/// single leaf has empty node arrays.
/// </summary>
public sealed record TreeArtifact
{
    public double? Weight { get; init; }

    public IReadOnlyList<int>? SplitFeature { get; init; }

    /// <summary>Single precision, as ML.NET keeps them: values are compared as floats.</summary>
    public IReadOnlyList<float>? Threshold { get; init; }

    public IReadOnlyList<int>? Left { get; init; }

    public IReadOnlyList<int>? Right { get; init; }

    public IReadOnlyList<double>? LeafValue { get; init; }
}

/// <summary>Quality on the validation rows (the latest part of the data by time), and the logged prior's on the same rows.</summary>
public sealed record ModelMetrics
{
    public double? Auc { get; init; }

    /// <summary>Mean negative log-likelihood in nats (natural logarithm), probabilities clipped to [1e-15, 1 - 1e-15].</summary>
    public double? LogLoss { get; init; }

    public int? ValidationRows { get; init; }

    public int? ValidationPositives { get; init; }

    /// <summary>AUC of the propensity the serving model logged for the same rows.</summary>
    public double? BaselineAuc { get; init; }

    public double? BaselineLogLoss { get; init; }

    /// <summary>Largest difference between this file's probability and ML.NET's own on the validation rows.</summary>
    public double? ExportMaxAbsError { get; init; }

    /// <summary>Regressions: root mean squared error on the validation rows, in the label's unit.</summary>
    public double? Rmse { get; init; }

    /// <summary>Regressions: share of the validation rows' variance the model explains (1 is perfect, 0 no better than their mean).</summary>
    public double? RSquared { get; init; }

    /// <summary>Regressions: the RMSE of the baseline named in the report on the same rows.</summary>
    public double? BaselineRmse { get; init; }
}

/// <summary>What the model was trained on.</summary>
public sealed record TrainingDataRange
{
    /// <summary>Time of the first and last logged decision used.</summary>
    public DateTimeOffset? From { get; init; }

    public DateTimeOffset? To { get; init; }

    /// <summary>Decision time where validation starts: decisions at or after it (by time, then id) were held out.</summary>
    public DateTimeOffset? ValidationFrom { get; init; }

    public int? Decisions { get; init; }

    public int? Rows { get; init; }

    public int? Positives { get; init; }

    public int? TrainingRows { get; init; }

    public int? ValidationRows { get; init; }
}

/// <summary>The trainer and its settings.</summary>
public sealed record TrainerSettings
{
    public string? Name { get; init; }

    public int? Trees { get; init; }

    public int? Leaves { get; init; }

    public double? LearningRate { get; init; }

    public int? MinimumExampleCountPerLeaf { get; init; }

    public double? HoldoutFraction { get; init; }

    public string? Library { get; init; }
}

/// <param name="Feature">A name from <see cref="TreeEnsembleArtifact.Features"/>.</param>
/// <param name="Importance">Split gain summed over the ensemble, relative to the largest (1).</param>
public sealed record FeatureImportance(string Feature, double Importance);

/// <summary>Source-generated JSON for <c>model.json</c>: camelCase, indented, nulls left out.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true)]
[JsonSerializable(typeof(TreeEnsembleArtifact))]
public sealed partial class ModelJsonContext : JsonSerializerContext;
