using NextBestAction.Training.Reporting;

namespace NextBestAction.Training.Tests;

public sealed class MetricsTests
{
    [Fact]
    public void Auc_HandComputed_TiesCountHalf()
    {
        // Pairs (positive, negative): (0.8, 0.1) win, (0.8, 0.4) win, (0.4, 0.1) win, (0.4, 0.4) tie -> 3.5 of 4.
        double[] predicted = [0.1, 0.4, 0.4, 0.8];
        bool[] accepted = [false, false, true, true];

        Assert.Equal(0.875, Metrics.Auc(predicted, accepted)!.Value, 12);
    }

    [Fact]
    public void Auc_OneClass_IsUndefined()
    {
        Assert.Null(Metrics.Auc([0.1, 0.2], [true, true]));
    }

    [Fact]
    public void LogLoss_HandComputed_InNats()
    {
        var expected = -(Math.Log(0.8) + Math.Log(1 - 0.3)) / 2;

        Assert.Equal(expected, Metrics.LogLoss([0.8, 0.3], [true, false])!.Value, 12);
    }

    [Fact]
    public void LogLoss_CertainMiss_IsClippedNotInfinite()
    {
        Assert.Equal(-Math.Log(Metrics.Epsilon), Metrics.LogLoss([0.0], [true])!.Value, 6);
    }

    [Fact]
    public void Calibration_TenEqualBinsByPredictedProbability()
    {
        var predicted = Enumerable.Range(0, 100).Select(i => i / 100.0).ToArray();
        var accepted = predicted.Select(p => p >= 0.9).ToArray();

        var table = Metrics.Calibration(predicted, accepted);

        Assert.Equal(10, table.Count);
        Assert.All(table, b => Assert.Equal(10, b.Rows));
        Assert.Equal(new CalibrationBin(0.9, 0.99, 10, 0.945, 1), table[^1] with { MeanPredicted = Math.Round(table[^1].MeanPredicted, 9) });
        Assert.Equal(0, table[0].ObservedRate);
    }

    [Fact]
    public void Calibration_FewerRowsThanBins_LeavesNoEmptyBin()
    {
        var table = Metrics.Calibration([0.2, 0.5, 0.7], [false, true, true]);

        Assert.Equal(3, table.Count);
        Assert.All(table, b => Assert.Equal(1, b.Rows));
    }
}
