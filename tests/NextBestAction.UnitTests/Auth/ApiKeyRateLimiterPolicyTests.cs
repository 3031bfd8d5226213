using System.Threading.RateLimiting;
using NextBestAction.ServiceDefaults.Auth;

namespace NextBestAction.UnitTests.Auth;

public sealed class ApiKeyRateLimiterPolicyTests
{
    [Theory]
    [InlineData(1000, 1000, 1.0)]
    [InlineData(2.5, 2, 0.8)]
    [InlineData(0.5, 1, 2.0)]
    [InlineData(0.001, 1, 1000.0)]
    public void TokenBucket_WholeTokensWithAPeriodThatKeepsTheRate(double rate, int tokens, double periodSeconds)
    {
        var options = ApiKeyRateLimiterPolicy.TokenBucket(rate, 2000);

        Assert.Equal(tokens, options.TokensPerPeriod);
        Assert.Equal(periodSeconds, options.ReplenishmentPeriod.TotalSeconds, 6);
        Assert.Equal(2000, options.TokenLimit);
        Assert.Equal(0, options.QueueLimit);
    }

    [Fact]
    public void TokenBucket_BeyondBurst_RefusesWithRetryAfter()
    {
        // Without automatic replenishment nothing refills here, so the outcome is fixed by the counts.
        using var limiter = new TokenBucketRateLimiter(ApiKeyRateLimiterPolicy.TokenBucket(0.001, 2));

        using var first = limiter.AttemptAcquire();
        using var second = limiter.AttemptAcquire();
        using var third = limiter.AttemptAcquire();

        Assert.True(first.IsAcquired && second.IsAcquired);
        Assert.False(third.IsAcquired);
        Assert.True(third.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.True(ApiKeyRateLimiterPolicy.RetryAfterSeconds(retryAfter) >= 1);
    }

    [Theory]
    [InlineData(null, 1)]
    [InlineData(0.0, 1)]
    [InlineData(0.2, 1)]
    [InlineData(1.0, 1)]
    [InlineData(1.5, 2)]
    [InlineData(1000.0, 1000)]
    public void RetryAfterSeconds_WholeSecondsRoundedUpAtLeastOne(double? seconds, int expected)
    {
        var retryAfter = seconds is { } s ? TimeSpan.FromSeconds(s) : (TimeSpan?)null;

        Assert.Equal(expected, ApiKeyRateLimiterPolicy.RetryAfterSeconds(retryAfter));
    }
}
