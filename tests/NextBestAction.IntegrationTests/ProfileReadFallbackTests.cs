using Microsoft.AspNetCore.Hosting;
using NextBestAction.IntegrationTests.Fixtures;

namespace NextBestAction.IntegrationTests;

/// <summary>
/// A stored profile that cannot be read: the decision falls back (<c>unreadable_profile</c>), and since Redis answered,
/// the profile read's circuit breaker does not count it as a failure.
/// </summary>
public sealed class ProfileReadFallbackTests(KafkaFixture kafka, RedisServerFixture redis) : IAsyncLifetime
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(45);
    private readonly EagerBreakerFactory factory = new(kafka, redis);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => factory.DisposeAsync();

    [Fact]
    public async Task UnreadableStoredProfile_IsDegradedUnreadable_AndDoesNotOpenTheCircuit()
    {
        using var client = factory.CreateWebshopClient();
        await NbaServerFactory.WaitUntilReadyAsync(client, MaxWait);
        var unreadable = $"cust-{factory.Suffix}-unreadable";
        await factory.ProfileStore.Database.StringSetAsync(factory.ProfileStore.Keys.Profile(unreadable), "{ not a profile");

        for (var i = 0; i < 5; i++)
        {
            var decision = await NbaServerFactory.DecideUntilAsync(client, new { customerId = unreadable }, NeverCircuitOpen, MaxWait);
            Assert.True(decision.Degraded);
            Assert.Equal("unreadable_profile", decision.DegradedReason);
        }

        var healthy = await NbaServerFactory.DecideUntilAsync(client, new { customerId = $"cust-{factory.Suffix}-healthy" }, NeverCircuitOpen, MaxWait);
        Assert.False(healthy.Degraded);
        Assert.Null(healthy.DegradedReason);
    }

    /// <summary>Accepts any decision but one the open circuit served; a slow read on a busy machine is tried again.</summary>
    private static bool NeverCircuitOpen(DecisionDto decision)
    {
        Assert.NotEqual("circuit_open", decision.DegradedReason);
        return decision.DegradedReason != "timeout";
    }

    /// <summary>A breaker that would open after two failed reads and stay open for the rest of the test; a budget no read misses.</summary>
    private sealed class EagerBreakerFactory(KafkaFixture kafka, RedisServerFixture redis) : NbaServerFactory(kafka, redis)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Decisions:CircuitBreakerMinimumReads", "2");
            builder.UseSetting("Decisions:CircuitBreakerFailureRatio", "0.5");
            builder.UseSetting("Decisions:CircuitBreakerOpenMs", "60000");
            builder.UseSetting("Decisions:ProfileReadBudgetMs", "2000");
            builder.UseSetting("Server:RunIngestion", "false");
        }
    }
}
