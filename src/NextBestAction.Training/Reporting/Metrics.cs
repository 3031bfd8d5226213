namespace NextBestAction.Training.Reporting;

/// <summary>One bin of a calibration table: its rows' lowest and highest predicted probability, their mean, and the share accepted.</summary>
internal sealed record CalibrationBin(double From, double To, int Rows, double MeanPredicted, double ObservedRate);

/// <summary>Quality measures of probabilities against outcomes; the same code scores the new model and the logged baseline.</summary>
internal static class Metrics
{
    /// <summary>Log-loss clips probabilities to [Epsilon, 1 - Epsilon], so a confident miss costs about 34.5 nats, not infinity.</summary>
    public const double Epsilon = 1e-15;

    /// <summary>
    /// Area under the ROC curve: the chance that a random accepted row scores above a random other one, ties counting
    /// half (Mann-Whitney with average ranks). Null when the rows hold only one class.
    /// </summary>
    public static double? Auc(IReadOnlyList<double> predicted, IReadOnlyList<bool> accepted)
    {
        var order = Enumerable.Range(0, predicted.Count).OrderBy(i => predicted[i]).ToArray();
        double positiveRankSum = 0;
        long positives = 0;
        for (var start = 0; start < order.Length;)
        {
            var end = start;
            while (end + 1 < order.Length && predicted[order[end + 1]] == predicted[order[start]])
            {
                end++;
            }

            // Ranks are 1-based; tied rows share the mean of their ranks.
            var rank = ((start + 1) + (end + 1)) / 2.0;
            for (var k = start; k <= end; k++)
            {
                if (accepted[order[k]])
                {
                    positiveRankSum += rank;
                    positives++;
                }
            }

            start = end + 1;
        }

        var negatives = order.Length - positives;
        return positives == 0 || negatives == 0
            ? null
            : (positiveRankSum - (positives * (positives + 1) / 2.0)) / ((double)positives * negatives);
    }

    /// <summary>Mean negative log-likelihood in nats (natural logarithm). Null without rows.</summary>
    public static double? LogLoss(IReadOnlyList<double> predicted, IReadOnlyList<bool> accepted)
    {
        if (predicted.Count == 0)
        {
            return null;
        }

        double sum = 0;
        for (var i = 0; i < predicted.Count; i++)
        {
            var p = Math.Clamp(predicted[i], Epsilon, 1 - Epsilon);
            sum -= accepted[i] ? Math.Log(p) : Math.Log(1 - p);
        }

        return sum / predicted.Count;
    }

    /// <summary>Root mean squared error; 0 without rows.</summary>
    public static double Rmse(IReadOnlyList<double> predicted, IReadOnlyList<double> observed)
    {
        if (predicted.Count == 0)
        {
            return 0;
        }

        double sum = 0;
        for (var i = 0; i < predicted.Count; i++)
        {
            var error = predicted[i] - observed[i];
            sum += error * error;
        }

        return Math.Sqrt(sum / predicted.Count);
    }

    /// <summary>1 - squared error / variance of the observed values around their mean; null when they do not vary.</summary>
    public static double? RSquared(IReadOnlyList<double> predicted, IReadOnlyList<double> observed)
    {
        if (observed.Count == 0)
        {
            return null;
        }

        var mean = observed.Average();
        double residual = 0, total = 0;
        for (var i = 0; i < observed.Count; i++)
        {
            residual += (observed[i] - predicted[i]) * (observed[i] - predicted[i]);
            total += (observed[i] - mean) * (observed[i] - mean);
        }

        return total == 0 ? null : 1 - (residual / total);
    }

    /// <summary>
    /// Expected calibration error: the row-weighted mean distance between the predicted and the observed acceptance
    /// rate over the calibration bins (0 for a perfectly calibrated model).
    /// </summary>
    public static double ExpectedCalibrationError(IReadOnlyList<CalibrationBin> bins)
    {
        var rows = bins.Sum(b => b.Rows);
        return rows == 0 ? 0 : bins.Sum(b => b.Rows * Math.Abs(b.MeanPredicted - b.ObservedRate)) / rows;
    }

    /// <summary>
    /// Predicted against observed acceptance in <paramref name="bins"/> bins of equal size (deciles by default) of the rows
    /// ordered by predicted probability: with propensities mostly small, equal-width bins above 0.3 would be nearly empty.
    /// </summary>
    public static IReadOnlyList<CalibrationBin> Calibration(IReadOnlyList<double> predicted, IReadOnlyList<bool> accepted, int bins = 10)
    {
        var order = Enumerable.Range(0, predicted.Count).OrderBy(i => predicted[i]).ToArray();
        var table = new List<CalibrationBin>(bins);
        for (var b = 0; b < bins; b++)
        {
            var (start, end) = ((int)((long)b * order.Length / bins), (int)((long)(b + 1) * order.Length / bins));
            if (end == start)
            {
                continue;
            }

            double predictedSum = 0;
            var acceptedCount = 0;
            for (var k = start; k < end; k++)
            {
                predictedSum += predicted[order[k]];
                acceptedCount += accepted[order[k]] ? 1 : 0;
            }

            var rows = end - start;
            table.Add(new CalibrationBin(predicted[order[start]], predicted[order[end - 1]], rows, predictedSum / rows, (double)acceptedCount / rows));
        }

        return table;
    }
}
