using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NextBestAction.Decisioning;
using NextBestAction.Decisioning.Engine;
using NextBestAction.Decisioning.Serving;
using NextBestAction.IntegrationTests.Fixtures;
using NextBestAction.Profiles;

namespace NextBestAction.IntegrationTests;

/// <summary>The adaptive counts in a real redis-server: all-time by default, per hour and fading with a half-life.</summary>
public sealed class AdaptiveStoreTests(RedisServerFixture redis)
{
    private static readonly DateTimeOffset Start = new(2026, 6, 1, 9, 10, 0, TimeSpan.Zero);

    private (AdaptiveStore Store, StepClock Clock, RedisProfileStore Profiles) Store(DecisionOptions options)
    {
        var profiles = new RedisProfileStore(redis.Connection, Options.Create(new RedisOptions { Configuration = "unused", KeyPrefix = $"a{Guid.NewGuid():N}"[..12] }));
        var clock = new StepClock(Start);
        return (new AdaptiveStore(profiles, Options.Create(options), clock, NullLogger<AdaptiveStore>.Instance), clock, profiles);
    }

    [Fact]
    public async Task WithoutHalfLife_CountsAreAllTime_AndTheFactorIsTheirPosteriorMean()
    {
        var (store, clock, profiles) = Store(new DecisionOptions { AdaptivePriorStrength = 20 });
        await store.RecordShownAsync(profiles.Database, "checkout", "bundle-a", 100, 20);
        for (var i = 0; i < 40; i++)
        {
            await store.RecordAcceptedAsync("checkout", "bundle-a");
        }

        clock.Now = Start.AddDays(30);
        var statistics = await store.RefreshAsync();

        Assert.Equal(60 / 40.0, statistics.Factor("checkout", "bundle-a"), 9);
        Assert.Equal(["a:checkout:bundle-a", "e:checkout:bundle-a", "n:checkout:bundle-a"],
            (await profiles.Database.HashKeysAsync($"{profiles.KeyPrefix}:adaptive")).Select(k => (string)k!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task WithHalfLife_CountsAreKeptPerHour_FadeWithAge_AndNegligibleHoursAreDeleted()
    {
        var (store, clock, profiles) = Store(new DecisionOptions { AdaptivePriorStrength = 20, AdaptiveHalfLifeHours = 2, AdaptiveOptimism = 1 });
        await store.RecordShownAsync(profiles.Database, "checkout", "bundle-a", 100, 40);
        clock.Now = Start.AddHours(2);
        await store.RecordShownAsync(profiles.Database, "checkout", "bundle-a", 100, 40);
        await store.RecordAcceptedAsync("checkout", "bundle-a");

        // The first hour's 40 expected weigh half, the second hour's fully: E = 60, A = 1.
        var statistics = await store.RefreshAsync();
        Assert.Equal(AdaptiveStatistics.Posterior(1, 60, 20, 1), statistics.Factor("checkout", "bundle-a"), 9);
        Assert.Equal(1 + (1 / Math.Sqrt(20)), statistics.Factor("checkout", "never-shown"), 9);

        // Forty hours on, both hours weigh less than 1/1000: the counts are gone, from the snapshot and from Redis.
        clock.Now = Start.AddHours(42);
        statistics = await store.RefreshAsync();
        Assert.Equal(0, statistics.Count);
        Assert.Empty(await profiles.Database.HashKeysAsync($"{profiles.KeyPrefix}:adaptive"));
    }

    private sealed class StepClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
