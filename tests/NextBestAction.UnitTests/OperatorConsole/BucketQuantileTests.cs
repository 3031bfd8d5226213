using NextBestAction.OperatorConsole.Metrics;

namespace NextBestAction.UnitTests.OperatorConsole;

public sealed class BucketQuantileTests
{
    private static readonly double[] Bounds = [0.01, 0.025, 0.05];

    [Fact]
    public void Of_NoValues_Null() => Assert.Null(BucketQuantile.Of(0.99, Bounds, [0, 0, 0, 0]));

    [Fact]
    public void Of_AllInOneBucket_InterpolatesInsideIt()
    {
        // 100 values in (0.01, 0.025]: the 99th lies 99% of the way through that bucket, as histogram_quantile puts it.
        var p99 = BucketQuantile.Of(0.99, Bounds, [0, 100, 0, 0]);

        Assert.Equal(0.01 + (0.015 * 0.99), p99!.Value, 12);
    }

    [Fact]
    public void Of_TailInALaterBucket_FindsThatBucket()
    {
        var p99 = BucketQuantile.Of(0.99, Bounds, [98, 0, 2, 0]);

        Assert.Equal(0.025 + (0.025 * 0.5), p99!.Value, 12);
    }

    [Fact]
    public void Of_TailAboveTheHighestBound_ReportsThatBound() =>
        Assert.Equal(0.05, BucketQuantile.Of(0.99, Bounds, [1, 0, 0, 99]));

    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(0.01, 0)]
    [InlineData(0.010001, 1)]
    [InlineData(0.05, 2)]
    [InlineData(7.0, 3)]
    public void BucketOf_UpperBoundsInclusive(double value, int bucket) => Assert.Equal(bucket, BucketQuantile.BucketOf(value, Bounds));
}
