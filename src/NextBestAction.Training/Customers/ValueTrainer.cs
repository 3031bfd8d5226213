using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using NextBestAction.Training.Propensity;

namespace NextBestAction.Training.Customers;

/// <summary>ML.NET's row for a regression: the label (spend, EUR) and the feature vector.</summary>
internal sealed class MlValueExample
{
    public float Label { get; set; }

    public float[] Features { get; set; } = [];
}

/// <summary>ML.NET's scored regression row.</summary>
internal sealed class MlValuePrediction
{
    public float Score { get; set; }
}

/// <summary>Trains FastTree regression (least squares: the prediction is the expected spend) on customer snapshots.</summary>
internal static class ValueTrainer
{
    public const string TrainerName = "FastTreeRegression";

    public static FastTreeValue Train(IReadOnlyList<MlValueExample> rows, int featureCount, TrainerOptions options, TextWriter output)
    {
        var context = new MLContext(options.Seed);
        var progress = new Progress(output, "training the value model", "trees", options.Trees);
        var started = 0;
        context.Log += (_, e) =>
        {
            // As for the propensity trainer: FastTree traces a line per tree and reports nothing else.
            if (e.Message.Contains("numTotalTrees left:", StringComparison.Ordinal))
            {
                progress.Report(++started);
            }
        };

        var schema = Schema(featureCount);
        var training = context.Data.LoadFromEnumerable(rows, schema);
        var trainer = context.Regression.Trainers.FastTree(new FastTreeRegressionTrainer.Options
        {
            LabelColumnName = nameof(MlValueExample.Label),
            FeatureColumnName = nameof(MlValueExample.Features),
            NumberOfTrees = options.Trees,
            NumberOfLeaves = options.Leaves,
            LearningRate = options.LearningRate,
            MinimumExampleCountPerLeaf = options.MinimumExampleCountPerLeaf,
            Seed = options.Seed,
            NumberOfThreads = 1,
        });
        var model = trainer.Fit(training);
        progress.Done(model.Model.TrainedTreeEnsemble.Trees.Count, $"{rows.Count} rows, {featureCount} features");
        return new FastTreeValue(context, model, training.Schema, schema);
    }

    public static SchemaDefinition Schema(int features)
    {
        var schema = SchemaDefinition.Create(typeof(MlValueExample));
        schema[nameof(MlValueExample.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, features);
        return schema;
    }
}

/// <summary>A trained FastTree regression with its ML.NET context, able to score rows and to save itself.</summary>
internal sealed class FastTreeValue(
    MLContext context,
    RegressionPredictionTransformer<FastTreeRegressionModelParameters> model,
    DataViewSchema inputSchema,
    SchemaDefinition schema)
{
    public FastTreeRegressionModelParameters Parameters => model.Model;

    public double[] Predict(IReadOnlyList<MlValueExample> rows)
    {
        var scored = model.Transform(context.Data.LoadFromEnumerable(rows, schema));
        return [.. context.Data.CreateEnumerable<MlValuePrediction>(scored, reuseRowObject: false).Select(p => (double)p.Score)];
    }

    public float[] FeatureWeights()
    {
        var weights = default(VBuffer<float>);
        model.Model.GetFeatureWeights(ref weights);
        return [.. weights.DenseValues()];
    }

    public void Save(string path) => context.Model.Save(model, inputSchema, path);
}
