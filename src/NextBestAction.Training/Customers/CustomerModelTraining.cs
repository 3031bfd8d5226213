using System.Globalization;
using NextBestAction.Decisioning.Models;
using NextBestAction.Training.Propensity;
using NextBestAction.Training.Reporting;

namespace NextBestAction.Training.Customers;

/// <summary>A trained customer model ready to be written: its artifact and ML.NET's own file.</summary>
internal sealed record TrainedCustomerModel(string FileName, TreeEnsembleArtifact Artifact, string MlNetFileName, Action<string> SaveMlNet);

/// <summary>What <see cref="CustomerModelTraining.Train"/> produced: the models it could train and the report section.</summary>
internal sealed record CustomerModelsResult(IReadOnlyList<TrainedCustomerModel> Models, CustomerModelsReport Report);

/// <summary>
/// Trains the churn classifier and the value regression on customer snapshots (the customer-level features of logged
/// decisions) labelled with the orders placed in the horizon after each. Either model is skipped, with a warning, when its
/// labels cannot teach anything (one class only, or nobody spent); the propensity model is trained regardless.
/// </summary>
internal static class CustomerModelTraining
{
    public const string ChurnMlNetFile = "churn.zip";
    public const string ValueMlNetFile = "value.zip";

    public static CustomerModelsResult Train(CustomerSet set, string version, DateTimeOffset now, TrainerOptions options, string ordersSource, TextWriter output)
    {
        var warnings = new List<string>();
        var models = new List<TrainedCustomerModel>();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"customer snapshots: {set.Training.Count + set.Validation.Count} labelled over a {set.Horizon.TotalDays:0.##}-day horizon "
            + $"(of {set.Snapshots} decisions; {set.Censored} too recent to label); training {set.Training.Count}, validation {set.Validation.Count}"));

        ChurnReport? churn = null;
        if (set.Validation.Count == 0 || !set.Training.Any(e => e.Lapsed) || set.Training.All(e => e.Lapsed))
        {
            warnings.Add(set.Validation.Count == 0
                ? "no churn or value model: fewer than two customer snapshots could be labelled; read a longer order history or shorten --horizon-days"
                : "no churn model: in the training snapshots every customer lapsed, or none did; a classifier needs both");
        }
        else
        {
            (churn, var model) = TrainChurn(set, version, now, options, output);
            models.Add(model);
        }

        ValueReport? value = null;
        if (set.Validation.Count > 0)
        {
            if (set.Training.All(e => e.Spend == 0))
            {
                warnings.Add("no value model: no training snapshot was followed by an order in the horizon");
            }
            else
            {
                (value, var model) = TrainValue(set, version, now, options, output);
                models.Add(model);
            }
        }

        var report = new CustomerModelsReport(ordersSource, set.Horizon.TotalDays, set.Snapshots, set.Censored, set.Training.Count, set.Validation.Count,
            set.Training.Count > 0 ? set.Training[0].At : null, set.Validation.Count > 0 ? set.Validation[0].At : null, set.ObservedUntil, churn, value, warnings);
        return new CustomerModelsResult(models, report);
    }

    private static (ChurnReport Report, TrainedCustomerModel Model) TrainChurn(CustomerSet set, string version, DateTimeOffset now, TrainerOptions options, TextWriter output)
    {
        var training = set.Training.Select(e => new MlExample { Label = e.Lapsed, Features = e.Features }).ToList();
        var validation = set.Validation.Select(e => new MlExample { Label = e.Lapsed, Features = e.Features }).ToList();
        var trained = PropensityTrainer.Train(training, set.Features.Count, options, output, "training the churn model");
        var artifact = Describe(trained.ToArtifact(set.Features), $"{version}-churn", CustomerModel.ChurnKind, now, set, options,
            PropensityTrainer.TrainerName, trained.FeatureWeights());
        var exported = TreeEnsembleModel.FromArtifact(artifact, ModelDirectory.ChurnFile);
        var predicted = set.Validation.Select(e => exported.Probability(PropensityTraining.Widen(e.Features))).ToArray();
        var export = Check(predicted, trained.Predict(validation), ModelDirectory.ChurnFile);
        var labels = set.Validation.Select(e => e.Lapsed).ToArray();
        var quality = PropensityTraining.Quality(artifact.Version!, predicted, labels);
        var baseline = PropensityTraining.Quality("logged churn.risk", [.. set.Validation.Select(e => e.LoggedChurnRisk)], labels);
        artifact = artifact with
        {
            Metrics = new ModelMetrics
            {
                Auc = quality.Auc,
                LogLoss = quality.LogLoss,
                ValidationRows = labels.Length,
                ValidationPositives = labels.Count(l => l),
                BaselineAuc = baseline.Auc,
                BaselineLogLoss = baseline.LogLoss,
                ExportMaxAbsError = export.MaxAbsError,
            },
        };
        var report = new ChurnReport(quality, baseline, Metrics.Calibration(predicted, labels), artifact.FeatureImportance!, export);
        return (report, new TrainedCustomerModel(ModelDirectory.ChurnFile, artifact, ChurnMlNetFile, trained.Save));
    }

    private static (ValueReport Report, TrainedCustomerModel Model) TrainValue(CustomerSet set, string version, DateTimeOffset now, TrainerOptions options, TextWriter output)
    {
        var training = set.Training.Select(e => new MlValueExample { Label = (float)e.Spend, Features = e.Features }).ToList();
        var validation = set.Validation.Select(e => new MlValueExample { Label = (float)e.Spend, Features = e.Features }).ToList();
        var trained = ValueTrainer.Train(training, set.Features.Count, options, output);
        var artifact = Describe(TreeEnsembleExport.ToArtifact(trained.Parameters, set.Features), $"{version}-value", CustomerModel.ValueKind, now, set, options,
            ValueTrainer.TrainerName, trained.FeatureWeights());
        var exported = TreeEnsembleModel.FromArtifact(artifact, ModelDirectory.ValueFile);

        // The typical customer's value: the median prediction over the training customers, floored so the weight stays defined.
        var reference = Math.Max(1, Median([.. set.Training.Select(e => exported.Probability(PropensityTraining.Widen(e.Features)))]));
        var predicted = set.Validation.Select(e => exported.Probability(PropensityTraining.Widen(e.Features))).ToArray();
        var export = Check(predicted, trained.Predict(validation), ModelDirectory.ValueFile);
        var observed = set.Validation.Select(e => e.Spend).ToArray();
        var trainingMean = set.Training.Average(e => e.Spend);
        var rmse = Metrics.Rmse(predicted, observed);
        var baselineRmse = Metrics.Rmse([.. observed.Select(_ => trainingMean)], observed);
        var rSquared = Metrics.RSquared(predicted, observed);
        artifact = artifact with
        {
            Reference = reference,
            Metrics = new ModelMetrics
            {
                Rmse = rmse,
                RSquared = rSquared,
                BaselineRmse = baselineRmse,
                ValidationRows = observed.Length,
                ExportMaxAbsError = export.MaxAbsError,
            },
        };
        var report = new ValueReport(artifact.Version!, rmse, rSquared, baselineRmse, trainingMean, predicted.Average(), observed.Average(), reference,
            artifact.FeatureImportance!, export);
        return (report, new TrainedCustomerModel(ModelDirectory.ValueFile, artifact, ValueMlNetFile, trained.Save));
    }

    private static TreeEnsembleArtifact Describe(
        TreeEnsembleArtifact trees, string version, string kind, DateTimeOffset now, CustomerSet set, TrainerOptions options, string trainer, float[] weights) =>
        trees with
        {
            Version = version,
            Kind = kind,
            CreatedAt = now,
            Seed = options.Seed,
            Trainer = new TrainerSettings
            {
                Name = trainer,
                Trees = options.Trees,
                Leaves = options.Leaves,
                LearningRate = options.LearningRate,
                MinimumExampleCountPerLeaf = options.MinimumExampleCountPerLeaf,
            },
            TrainingData = new TrainingDataRange
            {
                From = set.Training.Count > 0 ? set.Training[0].At : null,
                To = set.Validation.Count > 0 ? set.Validation[^1].At : null,
                ValidationFrom = set.Validation.Count > 0 ? set.Validation[0].At : null,
                Rows = set.Training.Count + set.Validation.Count,
                TrainingRows = set.Training.Count,
                ValidationRows = set.Validation.Count,
            },
            FeatureImportance = PropensityTraining.Importance(weights, set.Features),
        };

    /// <summary>The exported file must reproduce ML.NET within the tolerance, relative for values above 1 (EUR amounts).</summary>
    private static ExportCheck Check(double[] exported, double[] mlNet, string file)
    {
        var maxError = 0.0;
        for (var i = 0; i < exported.Length; i++)
        {
            maxError = Math.Max(maxError, Math.Abs(exported[i] - mlNet[i]) / Math.Max(1, Math.Abs(mlNet[i])));
        }

        return maxError <= PropensityTraining.ExportTolerance
            ? new ExportCheck(exported.Length, maxError, PropensityTraining.ExportTolerance)
            : throw new TrainingException(string.Create(CultureInfo.InvariantCulture,
                $"the exported {file} differs from ML.NET's predictions by up to {maxError:0.###e+0} (tolerance {PropensityTraining.ExportTolerance:0e+0}); nothing was written"));
    }

    private static double Median(double[] values)
    {
        if (values.Length == 0)
        {
            return 0;
        }

        Array.Sort(values);
        var middle = values.Length / 2;
        return values.Length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }
}
