using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using NextBestAction.Decisioning.Models;
using NextBestAction.Training.Customers;
using NextBestAction.Training.History;
using NextBestAction.Training.Reporting;

namespace NextBestAction.Training.Propensity;

/// <param name="Decisions">Where the <c>decision.logged</c> events are.</param>
/// <param name="Outcomes">Where the feedback events are.</param>
/// <param name="Kafka">Brokers, when either source is a topic.</param>
/// <param name="ModelsDirectory">The model registry directory; the model goes to a new subdirectory named after its version.</param>
/// <param name="Version">The model's version, or null for <c>propensity-&lt;yyyyMMddHHmmss&gt;-&lt;seed&gt;</c>.</param>
/// <param name="Trainer">FastTree's settings and the seed.</param>
/// <param name="HoldoutFraction">Share of the latest decisions held out for validation.</param>
/// <param name="Now">The run's time: model.json's createdAt and the default version (the only wall-clock inputs).</param>
/// <param name="Orders">Where the order events are, for the churn and value models; null trains the propensity model only.</param>
/// <param name="Horizon">How far after a decision its customer's orders count for the churn and value labels.</param>
/// <param name="Keys">Where the keys of sealed decision-log records are; null reads plain records only.</param>
internal sealed record TrainSettings(
    HistorySource Decisions,
    HistorySource Outcomes,
    KafkaSettings? Kafka,
    string ModelsDirectory,
    string? Version,
    TrainerOptions Trainer,
    double HoldoutFraction,
    DateTimeOffset Now,
    HistorySource? Orders = null,
    TimeSpan Horizon = default,
    KeySource? Keys = null);

/// <summary>What a run wrote: the model's directory, its artifact and report.</summary>
internal sealed record TrainingResult(string Directory, TreeEnsembleArtifact Artifact, TrainingReport Report);

/// <summary>The data cannot give a model (no examples, one class only), or the export failed its check.</summary>
internal sealed class TrainingException : Exception
{
    public TrainingException()
    {
    }

    public TrainingException(string message)
        : base(message)
    {
    }

    public TrainingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// <c>train</c>: reads outcomes and logged decisions (and, with <c>--orders</c>, the order history for the churn and value
/// models), joins them into examples, holds out the latest decisions, trains
/// FastTree, exports the trees to <c>model.json</c>, checks that the export scores exactly as ML.NET does, measures both
/// the new model and the logged propensity on the held-out rows, and writes <c>&lt;models&gt;/&lt;version&gt;/</c> whole
/// (model.json, model.zip, report.json, report.md) by renaming a finished temporary directory, so a registry watching
/// the models directory never sees half a model.
/// </summary>
internal static partial class PropensityTraining
{
    public const string Kind = TreeEnsemblePropensityModel.PropensityKind;
    public const string ModelFile = "model.json";
    public const string MlNetModelFile = "model.zip";
    public const string ReportFile = "report.json";
    public const string ReportMarkdownFile = "report.md";

    /// <summary>Largest allowed difference between model.json's probability and ML.NET's on any validation row.</summary>
    public const double ExportTolerance = 1e-5;

    public static async Task<TrainingResult> RunAsync(TrainSettings settings, TextWriter output, CancellationToken cancellationToken)
    {
        var version = settings.Version ?? DefaultVersion(settings.Now, settings.Trainer.Seed);
        if (!VersionPattern().IsMatch(version))
        {
            throw new TrainingException($"version \"{version}\" must start with a letter or digit and hold at most 100 letters, digits, '.', '_' or '-' (it names a directory)");
        }

        var target = Path.Combine(settings.ModelsDirectory, version);
        if (Directory.Exists(target) || File.Exists(target))
        {
            throw new TrainingException($"{target} already exists; a model version is never overwritten, pass another --version");
        }

        using var access = settings.Keys is { } keys ? RedisDecisionLogAccess.Connect(keys.Configuration, keys.KeyPrefix, settings.Now) : null;
        var builder = new TrainingSetBuilder(ModelFeatures.All, access);
        await HistoryReader.ReadAsync(settings.Outcomes, settings.Kafka, "reading outcomes", builder.AddOutcome, output, cancellationToken);
        await HistoryReader.ReadAsync(settings.Decisions, settings.Kafka, "reading decisions", builder.AddDecision, output, cancellationToken);
        var set = builder.Build(settings.HoldoutFraction);
        CheckUsable(set, settings);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"joined: {set.Counts.Rows} examples from {set.Counts.Decisions} decisions, {set.Counts.Positives} accepted; "
            + $"training {set.Training.Count}, validation {set.Validation.Count} (decisions from {set.ValidationFrom:u})"));

        var trained = PropensityTrainer.Train(set, settings.Trainer, output);
        CustomerModelsResult? customers = null;
        if (settings.Orders is { } ordersSource)
        {
            var orders = new OrderHistory();
            await HistoryReader.ReadAsync(ordersSource, settings.Kafka, "reading orders", (json, _) => orders.Add(json), output, cancellationToken);
            var customerSet = CustomerSet.Build(builder.Snapshots, orders, settings.Horizon, settings.HoldoutFraction);
            customers = CustomerModelTraining.Train(customerSet, version, settings.Now, settings.Trainer, ordersSource.ToString(), output);
        }

        var trees = trained.ToArtifact(set.Features) with
        {
            Version = version,
            Kind = Kind,
            CreatedAt = settings.Now,
        };

        var labels = set.Validation.Select(e => e.Accepted).ToArray();
        var exported = TreeEnsembleModel.FromArtifact(trees, ModelFile);
        var predicted = set.Validation.Select(e => exported.Probability(Widen(e.Features))).ToArray();
        var export = CheckExport(predicted, trained.Predict(set.Validation));
        var logged = set.Validation.Select(e => e.LoggedPropensity).ToArray();
        var model = Quality(version, predicted, labels);
        var baseline = Quality($"logged propensity ({string.Join(", ", set.Validation.Select(e => e.LoggedModelVersion).Distinct().Order(StringComparer.Ordinal))})", logged, labels);
        var importance = Importance(trained.FeatureWeights(), set.Features);
        var trainer = new TrainerSettings
        {
            Name = PropensityTrainer.TrainerName,
            Trees = settings.Trainer.Trees,
            Leaves = settings.Trainer.Leaves,
            LearningRate = settings.Trainer.LearningRate,
            MinimumExampleCountPerLeaf = settings.Trainer.MinimumExampleCountPerLeaf,
            HoldoutFraction = settings.HoldoutFraction,
            Library = $"Microsoft.ML {MlNetVersion()}",
        };

        var artifact = trees with
        {
            Metrics = new ModelMetrics
            {
                Auc = model.Auc,
                LogLoss = model.LogLoss,
                ValidationRows = set.Validation.Count,
                ValidationPositives = labels.Count(l => l),
                BaselineAuc = baseline.Auc,
                BaselineLogLoss = baseline.LogLoss,
                ExportMaxAbsError = export.MaxAbsError,
            },
            TrainingData = new TrainingDataRange
            {
                From = set.From,
                To = set.To,
                ValidationFrom = set.ValidationFrom,
                Decisions = set.Counts.Decisions,
                Rows = set.Counts.Rows,
                Positives = set.Counts.Positives,
                TrainingRows = set.Training.Count,
                ValidationRows = set.Validation.Count,
            },
            Seed = settings.Trainer.Seed,
            Trainer = trainer,
            FeatureImportance = importance,
        };

        var report = new TrainingReport
        {
            Version = version,
            Kind = Kind,
            CreatedAt = settings.Now,
            Seed = settings.Trainer.Seed,
            Sources = new ReportSources(settings.Decisions.ToString(), settings.Outcomes.ToString()),
            Data = new ReportData(set.From, set.To, set.ValidationFrom, set.Training.Count, set.Training.Count(e => e.Accepted),
                set.Validation.Count, labels.Count(l => l), set.Counts),
            Trainer = trainer,
            Model = model,
            Baseline = baseline,
            Calibration = Metrics.Calibration(predicted, labels),
            BaselineCalibration = Metrics.Calibration(logged, labels),
            FeatureImportance = importance,
            Export = export,
            Warnings = Warnings(set, model),
            CustomerModels = customers?.Report,
        };

        Write(settings.ModelsDirectory, target, artifact, trained, report, customers?.Models ?? []);
        var markdown = ReportMarkdown.Render(report);
        await output.WriteLineAsync();
        await output.WriteAsync(markdown);
        await output.WriteLineAsync();
        var files = new[] { ModelFile, MlNetModelFile }.Concat((customers?.Models ?? []).SelectMany(m => new[] { m.FileName, m.MlNetFileName }))
            .Concat([ReportFile, ReportMarkdownFile]);
        await output.WriteLineAsync($"wrote {target}: {string.Join(", ", files)}");
        return new TrainingResult(target, artifact, report);
    }

    public static string DefaultVersion(DateTimeOffset now, int seed) =>
        string.Create(CultureInfo.InvariantCulture, $"{Kind}-{now.UtcDateTime:yyyyMMddHHmmss}-{seed}");

    /// <summary>The evaluator takes doubles; widening the logged floats is exact, so it compares the very same values.</summary>
    public static double[] Widen(float[] features) => [.. features.Select(f => (double)f)];

    /// <summary>The package version (5.0.1), not the assembly version ML.NET keeps at 1.0.0.0.</summary>
    private static string MlNetVersion()
    {
        var version = typeof(Microsoft.ML.MLContext).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        return version.Split('+')[0];
    }

    private static void CheckUsable(TrainingSet set, TrainSettings settings)
    {
        if (set.Counts.Rows == 0)
        {
            var problems = set.Counts.Problems.Count > 0 ? $" First problems: {string.Join("; ", set.Counts.Problems)}" : "";
            throw new TrainingException(
                $"no examples: {set.Counts.DecisionEvents} events in {settings.Decisions} gave no chosen action to learn from.{problems}");
        }

        if (set.Validation.Count == 0)
        {
            throw new TrainingException($"only {set.Counts.Decisions} decision(s): at least two are needed to hold the latest out for validation");
        }

        var positives = set.Training.Count(e => e.Accepted);
        if (positives == 0 || positives == set.Training.Count)
        {
            throw new TrainingException($"the {set.Training.Count} training examples are all {(positives == 0 ? "not accepted" : "accepted")}; "
                + $"a classifier needs both (outcome events read: {set.Counts.OutcomeEvents}, acceptances: {set.Counts.Accepted}, "
                + $"of which {set.Counts.AcceptedWithoutDecision} match no logged decision)");
        }
    }

    private static ExportCheck CheckExport(double[] exported, double[] mlNet)
    {
        var maxError = 0.0;
        for (var i = 0; i < exported.Length; i++)
        {
            maxError = Math.Max(maxError, Math.Abs(exported[i] - mlNet[i]));
        }

        return maxError <= ExportTolerance
            ? new ExportCheck(exported.Length, maxError, ExportTolerance)
            : throw new TrainingException(string.Create(CultureInfo.InvariantCulture,
                $"the exported {ModelFile} differs from ML.NET's probabilities by up to {maxError:0.###e+0} (tolerance {ExportTolerance:0e+0}); nothing was written"));
    }

    public static ModelQuality Quality(string name, double[] predicted, bool[] labels) => new(
        name,
        Metrics.Auc(predicted, labels),
        Metrics.LogLoss(predicted, labels),
        predicted.Length == 0 ? 0 : predicted.Average(),
        labels.Length == 0 ? 0 : labels.Count(l => l) / (double)labels.Length,
        predicted.Length);

    /// <summary>Features with any split gain, largest first.</summary>
    public static FeatureImportance[] Importance(float[] weights, IReadOnlyList<string> features) =>
        [.. weights.Select((w, i) => new FeatureImportance(features[i], w))
            .Where(f => f.Importance > 0)
            .OrderByDescending(f => f.Importance)
            .ThenBy(f => f.Feature, StringComparer.Ordinal)];

    private static List<string> Warnings(TrainingSet set, ModelQuality model)
    {
        var warnings = new List<string>();
        var c = set.Counts;
        foreach (var (feature, rows) in c.MissingFeatureValues.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            warnings.Add($"`{feature}` was missing from {rows} of {c.Rows} logged examples and taken as 0 (logged by an older service version?)");
        }

        if (c.UnreadableEvents > 0)
        {
            warnings.Add($"{c.UnreadableEvents} events could not be read and were skipped; first: {string.Join("; ", c.Problems)}");
        }

        if (model.Auc is null)
        {
            warnings.Add("the validation rows hold one class only, so AUC is undefined; train on a longer period");
        }

        if (c.ConflictingOutcomes > 0)
        {
            warnings.Add($"{c.ConflictingOutcomes} offers were both accepted and declined or ignored; they count as accepted");
        }

        return warnings;
    }

    private static void Write(
        string modelsDirectory, string target, TreeEnsembleArtifact artifact, FastTreePropensity trained, TrainingReport report, IReadOnlyList<TrainedCustomerModel> customerModels)
    {
        Directory.CreateDirectory(modelsDirectory);
        var partial = Path.Combine(modelsDirectory, $".{Path.GetFileName(target)}.partial-{Guid.NewGuid():N}");
        Directory.CreateDirectory(partial);
        try
        {
            File.WriteAllBytes(Path.Combine(partial, ModelFile), JsonSerializer.SerializeToUtf8Bytes(artifact, ModelJsonContext.Default.TreeEnsembleArtifact));
            trained.Save(Path.Combine(partial, MlNetModelFile));
            foreach (var customerModel in customerModels)
            {
                File.WriteAllBytes(Path.Combine(partial, customerModel.FileName), JsonSerializer.SerializeToUtf8Bytes(customerModel.Artifact, ModelJsonContext.Default.TreeEnsembleArtifact));
                customerModel.SaveMlNet(Path.Combine(partial, customerModel.MlNetFileName));
            }

            File.WriteAllBytes(Path.Combine(partial, ReportFile), JsonSerializer.SerializeToUtf8Bytes(report, ReportJsonContext.Default.TrainingReport));
            File.WriteAllText(Path.Combine(partial, ReportMarkdownFile), ReportMarkdown.Render(report), Encoding.UTF8);
            Directory.Move(partial, target);
        }
        catch
        {
            Directory.Delete(partial, recursive: true);
            throw;
        }
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$", RegexOptions.CultureInvariant)]
    private static partial Regex VersionPattern();
}
