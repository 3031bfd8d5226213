using System.Text.Json;
using Microsoft.ML;
using NextBestAction.Decisioning.Models;
using NextBestAction.Training.History;
using NextBestAction.Training.Reporting;
using NextBestAction.Training.Propensity;

namespace NextBestAction.Training.Tests;

public sealed class PropensityTrainingTests
{
    private const double MinimumAuc = 0.75;
    private static readonly DateTimeOffset Now = new(2026, 4, 1, 12, 0, 0, TimeSpan.Zero);

    private static TrainSettings Settings((string Decisions, string Outcomes) files, string models, string? version = "propensity-test", int seed = 42) => new(
        HistorySource.TryParse(files.Decisions, out _)!,
        HistorySource.TryParse(files.Outcomes, out _)!,
        null,
        models,
        version,
        new TrainerOptions(seed, Trees: 100, Leaves: 20, LearningRate: 0.2, MinimumExampleCountPerLeaf: 10),
        HoldoutFraction: 0.2,
        Now);

    [Fact]
    public async Task Train_SyntheticHistory_ReachesTheMinimumAucAndBeatsTheLoggedPrior()
    {
        using var temp = new TempDirectory();
        var history = SyntheticHistory.Generate(seed: 1, decisions: 4000);
        var files = history.WriteFiles(temp.Path);
        var output = new StringWriter();

        var result = await PropensityTraining.RunAsync(Settings(files, Path.Combine(temp.Path, "models")), output, TestContext.Current.CancellationToken);

        var report = result.Report;
        Assert.True(report.Model.Auc >= MinimumAuc, $"AUC {report.Model.Auc} below {MinimumAuc}");
        // The hidden probabilities themselves rank the same rows only a little better.
        var validation = history.Decisions.Skip(3200).Select(d => (d.DecisionId, d.Chosen[0].ActionId)).ToList();
        var accepted = history.Outcomes.Where(o => o.Type == "offer.accepted").Select(o => (o.DecisionId, o.ActionId)).ToHashSet();
        var oracle = Metrics.Auc([.. validation.Select(v => history.TrueProbability[v])], [.. validation.Select(accepted.Contains)]);
        Assert.True(report.Model.Auc >= oracle - 0.05, $"AUC {report.Model.Auc} more than 0.05 below the hidden probabilities' {oracle}");
        Assert.True(report.Model.Auc > report.Baseline.Auc, $"AUC {report.Model.Auc} not above the logged prior's {report.Baseline.Auc}");
        Assert.True(report.Model.LogLoss < report.Baseline.LogLoss);
        Assert.Equal((3200, 800), (report.Data.TrainingRows, report.Data.ValidationRows));
        Assert.Equal(history.Outcomes.Count(o => o.Type == "offer.accepted"), report.Data.History.Positives);
        Assert.Equal(0, report.Data.History.AcceptedWithoutDecision);
        Assert.Empty(report.Warnings);
        Assert.Equal(10, report.Calibration.Count);
        Assert.Equal(800, report.Calibration.Sum(b => b.Rows));
        // The hidden rule's features lead the importance ranking.
        Assert.Contains(report.FeatureImportance[0].Feature, new[] { "action.affinity", "orders.late", "churn.risk", "action.kind.bundle", "action.inCart" });
        Assert.Contains("reading decisions: 4000 events", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("training FastTree: 100 trees", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("## Quality on the validation rows", output.ToString(), StringComparison.Ordinal);

        var directory = Path.Combine(temp.Path, "models", "propensity-test");
        Assert.Equal(directory, result.Directory);
        Assert.Equal(["model.json", "model.zip", "report.json", "report.md"], Directory.GetFiles(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(["propensity-test"], Directory.GetFileSystemEntries(Path.Combine(temp.Path, "models")).Select(Path.GetFileName));

        var model = TreeEnsembleModel.Load(Path.Combine(directory, "model.json"));
        Assert.Equal(("propensity-test", "propensity", 100, 42, Now), (model.Version, model.Kind, model.TreeCount, model.Seed, model.CreatedAt));
        Assert.Equal(ModelFeatures.All, model.Features);
        Assert.Equal(report.Model.Auc, model.Metrics!.Auc);
        Assert.Equal(SyntheticHistory.Start, model.TrainingData!.From);
        Assert.Equal(SyntheticHistory.Start.AddMinutes(3999), model.TrainingData.To);
        Assert.Equal(SyntheticHistory.Start.AddMinutes(3200), model.TrainingData.ValidationFrom);
        // Serving accepts it: every feature is one it can compute.
        Assert.Equal("propensity-test", new TreeEnsemblePropensityModel(model).Version);

        var written = JsonSerializer.Deserialize(File.ReadAllBytes(Path.Combine(directory, "report.json")), ReportJsonContext.Default.TrainingReport)!;
        Assert.Equal(report.Model, written.Model);
        Assert.Contains("| Feature | Importance |", File.ReadAllText(Path.Combine(directory, "report.md")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_Twice_SameSeed_WritesTheIdenticalModelJson()
    {
        using var temp = new TempDirectory();
        var files = SyntheticHistory.Generate(seed: 2, decisions: 2000).WriteFiles(temp.Path);

        var first = await PropensityTraining.RunAsync(Settings(files, Path.Combine(temp.Path, "a")), TextWriter.Null, TestContext.Current.CancellationToken);
        var second = await PropensityTraining.RunAsync(Settings(files, Path.Combine(temp.Path, "b")), TextWriter.Null, TestContext.Current.CancellationToken);

        var a = File.ReadAllBytes(Path.Combine(first.Directory, "model.json"));
        var b = File.ReadAllBytes(Path.Combine(second.Directory, "model.json"));
        Assert.True(a.AsSpan().SequenceEqual(b), "model.json differs between two runs with the same data and seed");
    }

    [Fact]
    public async Task ExportedModelJson_ReproducesMlNetsCalibratedProbabilitiesOnTheValidationRows()
    {
        using var temp = new TempDirectory();
        var files = SyntheticHistory.Generate(seed: 3, decisions: 2000).WriteFiles(temp.Path);
        var result = await PropensityTraining.RunAsync(Settings(files, Path.Combine(temp.Path, "models")), TextWriter.Null, TestContext.Current.CancellationToken);

        // The validation rows, joined again from the files as the trainer joined them.
        var builder = new TrainingSetBuilder(ModelFeatures.All);
        foreach (var line in File.ReadLines(files.Outcomes))
        {
            builder.AddOutcome(System.Text.Encoding.UTF8.GetBytes(line), "outcomes");
        }

        foreach (var line in File.ReadLines(files.Decisions))
        {
            builder.AddDecision(System.Text.Encoding.UTF8.GetBytes(line), "decisions");
        }

        var validation = builder.Build(0.2).Validation;
        var context = new MLContext(seed: 0);
        var model = TreeEnsembleModel.Load(Path.Combine(result.Directory, "model.json"));
        var mlNetModel = context.Model.Load(Path.Combine(result.Directory, "model.zip"), out _);
        var rows = context.Data.LoadFromEnumerable(validation.Select(PropensityTrainer.ToMl), PropensityTrainer.Schema(model.FeatureCount));
        var mlNet = context.Data.CreateEnumerable<MlPrediction>(mlNetModel.Transform(rows), reuseRowObject: false).Select(p => (double)p.Probability).ToList();

        Assert.Equal(400, validation.Count);
        for (var i = 0; i < validation.Count; i++)
        {
            Assert.Equal(mlNet[i], model.Probability(PropensityTraining.Widen(validation[i].Features)), 1e-5);
        }

        Assert.True(result.Report.Export.MaxAbsError <= 1e-5);
        Assert.Equal(400, result.Report.Export.Rows);
    }

    [Fact]
    public void ValueExactlyOnAThreshold_GoesLeftInMlNetAndInModelJsonAlike()
    {
        var history = SyntheticHistory.Generate(seed: 9, decisions: 1000);
        var builder = new TrainingSetBuilder(ModelFeatures.All);
        foreach (var (decisionId, actionId, type) in history.Outcomes)
        {
            builder.AddOutcome(SyntheticHistory.OutcomeEvent(decisionId, actionId, type, SyntheticHistory.Start), "test");
        }

        foreach (var decision in history.Decisions)
        {
            builder.AddDecision(SyntheticHistory.DecisionEvent(decision), "test");
        }

        var set = builder.Build(0.2);
        var trained = PropensityTrainer.Train(set, new TrainerOptions(1, Trees: 20, Leaves: 8, LearningRate: 0.2, MinimumExampleCountPerLeaf: 10), TextWriter.Null);
        var artifact = trained.ToArtifact(set.Features) with { Version = "t", Kind = "propensity", CreatedAt = Now };
        var model = TreeEnsembleModel.FromArtifact(artifact);

        // Every root split probed with the value on its threshold and just above it: the root decides for every row.
        var probes = new List<TrainingExample>();
        foreach (var tree in artifact.Trees!)
        {
            foreach (var value in new[] { tree.Threshold![0], MathF.BitIncrement(tree.Threshold[0]) })
            {
                var features = (float[])set.Validation[probes.Count % set.Validation.Count].Features.Clone();
                features[tree.SplitFeature![0]] = value;
                probes.Add(set.Validation[0] with { Features = features });
            }
        }

        var mlNet = trained.Predict(probes);
        for (var i = 0; i < probes.Count; i++)
        {
            Assert.Equal(mlNet[i], model.Probability(PropensityTraining.Widen(probes[i].Features)), 1e-5);
        }

        // The probes are sensitive: on the threshold and just above it, ML.NET's answers differ.
        Assert.Contains(Enumerable.Range(0, probes.Count / 2), i => Math.Abs(mlNet[2 * i] - mlNet[(2 * i) + 1]) > 1e-4);
    }

    [Fact]
    public async Task Train_ExistingVersion_RefusedAndNothingOverwritten()
    {
        using var temp = new TempDirectory();
        var files = SyntheticHistory.Generate(seed: 4, decisions: 50).WriteFiles(temp.Path);
        var models = Path.Combine(temp.Path, "models");
        Directory.CreateDirectory(Path.Combine(models, "propensity-test"));

        var error = await Assert.ThrowsAsync<TrainingException>(() => PropensityTraining.RunAsync(Settings(files, models), TextWriter.Null, TestContext.Current.CancellationToken));

        Assert.Contains("already exists", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(models, "propensity-test")));
    }

    [Fact]
    public async Task Train_NoAcceptances_RefusedWithTheReason()
    {
        using var temp = new TempDirectory();
        var history = SyntheticHistory.Generate(seed: 5, decisions: 50);
        var files = history.WriteFiles(temp.Path);
        File.WriteAllText(files.Outcomes, "");

        var error = await Assert.ThrowsAsync<TrainingException>(() => PropensityTraining.RunAsync(Settings(files, temp.Path), TextWriter.Null, TestContext.Current.CancellationToken));

        Assert.Contains("are all not accepted", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultVersion_IsKindTimeAndSeed()
    {
        Assert.Equal("propensity-20260401120000-7", PropensityTraining.DefaultVersion(Now, 7));
    }
}
