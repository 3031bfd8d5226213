namespace NextBestAction.OperatorConsole.Metrics;

/// <summary>
/// Quantiles of a histogram kept as counts per bucket, interpolated linearly inside the bucket the quantile falls in, as
/// Prometheus' <c>histogram_quantile</c> does: the overview then shows what the SLO dashboards show.
/// </summary>
public static class BucketQuantile
{
    /// <summary>
    /// The <paramref name="quantile"/> of <paramref name="counts"/> (one more than <paramref name="upperBounds"/>: the last
    /// counts values above the highest bound, which reports that bound), or null without values.
    /// </summary>
    public static double? Of(double quantile, IReadOnlyList<double> upperBounds, IReadOnlyList<long> counts)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(counts.Count, upperBounds.Count + 1);
        var total = counts.Sum();
        if (total == 0)
        {
            return null;
        }

        var rank = quantile * total;
        long below = 0;
        for (var i = 0; i < upperBounds.Count; i++)
        {
            if (below + counts[i] >= rank && counts[i] > 0)
            {
                var lower = i == 0 ? 0 : upperBounds[i - 1];
                return lower + ((upperBounds[i] - lower) * (rank - below) / counts[i]);
            }

            below += counts[i];
        }

        return upperBounds[^1];
    }

    /// <summary>The index of the bucket <paramref name="value"/> falls in (upper bounds inclusive, as OpenTelemetry's).</summary>
    public static int BucketOf(double value, IReadOnlyList<double> upperBounds)
    {
        for (var i = 0; i < upperBounds.Count; i++)
        {
            if (value <= upperBounds[i])
            {
                return i;
            }
        }

        return upperBounds.Count;
    }
}
