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
        var (context, progress) = PropensityTrainer.Context(options, output, "training the value model");
        var schema = Schema(featureCount);
        var training = context.Data.LoadFromEnumerable(rows, schema);
        var trainer = context.Regression.Trainers.FastTree(PropensityTrainer.Configure(new FastTreeRegressionTrainer.Options(), options));
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
