using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using NextBestAction.Decisioning.Models;

namespace NextBestAction.Training.Propensity;

/// <param name="Seed">Seeds ML.NET's context and FastTree's own generator.</param>
/// <param name="Trees">Boosting iterations.</param>
/// <param name="Leaves">Leaves per tree.</param>
/// <param name="LearningRate">Shrinkage of every tree; FastTree's calibrator slope is -2 x this.</param>
/// <param name="MinimumExampleCountPerLeaf">Fewest training rows a leaf may hold.</param>
internal sealed record TrainerOptions(int Seed, int Trees, int Leaves, double LearningRate, int MinimumExampleCountPerLeaf);

/// <summary>Trains FastTree binary classification (gradient-boosted trees with a Platt calibrator) on the examples.</summary>
internal static class PropensityTrainer
{
    public const string TrainerName = "FastTree";

    private const string TreeStartedTrace = "numTotalTrees left:";

    public static FastTreePropensity Train(TrainingSet set, TrainerOptions options, TextWriter output) =>
        Train([.. set.Training.Select(ToMl)], set.Features.Count, options, output, "training FastTree");

    /// <summary>FastTree binary classification of any rows: the propensity model's and the churn model's trainer.</summary>
    public static FastTreePropensity Train(IReadOnlyList<MlExample> rows, int featureCount, TrainerOptions options, TextWriter output, string step)
    {
        var (context, progress) = Context(options, output, step);
        var schema = Schema(featureCount);
        var training = context.Data.LoadFromEnumerable(rows, schema);
        var trainer = context.BinaryClassification.Trainers.FastTree(Configure(new FastTreeBinaryTrainer.Options(), options));
        var model = trainer.Fit(training);
        progress.Done(model.Model.SubModel.TrainedTreeEnsemble.Trees.Count, $"{rows.Count} rows, {featureCount} features");
        return new FastTreePropensity(context, model, training.Schema, schema);
    }

    /// <summary>A seeded ML.NET context whose FastTree traces drive the progress lines of <paramref name="step"/>.</summary>
    public static (MLContext Context, Progress Progress) Context(TrainerOptions options, TextWriter output, string step)
    {
        var context = new MLContext(options.Seed);
        var progress = new Progress(output, step, "trees", options.Trees);
        // FastTree reports no progress through the API, but traces a line as it starts each tree; should that text ever
        // change, only the progress lines are lost.
        var started = 0;
        context.Log += (_, e) =>
        {
            if (e.Message.Contains(TreeStartedTrace, StringComparison.Ordinal))
            {
                progress.Report(++started);
            }
        };

        return (context, progress);
    }

    /// <summary>Our settings on any FastTree trainer's options: columns "Label" and "Features", the tree shape, the seed.</summary>
    public static T Configure<T>(T trainer, TrainerOptions options)
        where T : BoostedTreeOptions
    {
        trainer.LabelColumnName = nameof(MlExample.Label);
        trainer.FeatureColumnName = nameof(MlExample.Features);
        trainer.NumberOfTrees = options.Trees;
        trainer.NumberOfLeaves = options.Leaves;
        trainer.LearningRate = options.LearningRate;
        trainer.MinimumExampleCountPerLeaf = options.MinimumExampleCountPerLeaf;
        trainer.Seed = options.Seed;
        // One thread: the same data and seed give the same trees, bit for bit.
        trainer.NumberOfThreads = 1;
        return trainer;
    }

    public static MlExample ToMl(TrainingExample example) => new() { Label = example.Accepted, Features = example.Features };

    /// <summary>The feature column is a vector whose length is only known at run time.</summary>
    public static SchemaDefinition Schema(int features)
    {
        var schema = SchemaDefinition.Create(typeof(MlExample));
        schema[nameof(MlExample.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, features);
        return schema;
    }

}

/// <summary>ML.NET's row: the label and the feature vector.</summary>
internal sealed class MlExample
{
    public bool Label { get; set; }

    public float[] Features { get; set; } = [];
}

/// <summary>ML.NET's scored row.</summary>
internal sealed class MlPrediction
{
    public float Score { get; set; }

    public float Probability { get; set; }
}

/// <summary>A trained FastTree model with its ML.NET context, able to score examples and to save itself.</summary>
internal sealed class FastTreePropensity(
    MLContext context,
    BinaryPredictionTransformer<CalibratedModelParametersBase<FastTreeBinaryModelParameters, PlattCalibrator>> model,
    DataViewSchema inputSchema,
    SchemaDefinition schema)
{
    public CalibratedModelParametersBase<FastTreeBinaryModelParameters, PlattCalibrator> Parameters => model.Model;

    /// <summary>The trees and the calibrator as <c>model.json</c>'s form, scoring exactly as <see cref="Predict(IReadOnlyList{MlExample})"/>.</summary>
    public TreeEnsembleArtifact ToArtifact(IReadOnlyList<string> features) =>
        TreeEnsembleExport.ToArtifact(model.Model.SubModel.TrainedTreeEnsemble, model.Model.Calibrator, features);

    /// <summary>ML.NET's calibrated probabilities, in the examples' order.</summary>
    public double[] Predict(IReadOnlyList<TrainingExample> examples) => Predict([.. examples.Select(PropensityTrainer.ToMl)]);

    /// <summary>ML.NET's calibrated probabilities, in the rows' order.</summary>
    public double[] Predict(IReadOnlyList<MlExample> rows)
    {
        var scored = model.Transform(context.Data.LoadFromEnumerable(rows, schema));
        return [.. context.Data.CreateEnumerable<MlPrediction>(scored, reuseRowObject: false).Select(p => (double)p.Probability)];
    }

    /// <summary>Split gain per feature, relative to the largest (ML.NET's feature weights).</summary>
    public float[] FeatureWeights()
    {
        var weights = default(VBuffer<float>);
        model.Model.SubModel.GetFeatureWeights(ref weights);
        return [.. weights.DenseValues()];
    }

    /// <summary>ML.NET's own model file, for tools that load ML.NET models.</summary>
    public void Save(string path) => context.Model.Save(model, inputSchema, path);
}
