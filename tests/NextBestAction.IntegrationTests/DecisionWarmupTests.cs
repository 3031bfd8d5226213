using NextBestAction.Testing;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NextBestAction.Decisioning.Serving;
using NextBestAction.Decisioning.Warmup;
using NextBestAction.IntegrationTests.Fixtures;
using StackExchange.Redis;

namespace NextBestAction.IntegrationTests;

/// <summary>
/// Ready means warm: <c>/health/ready</c> answers 200 only after the decision's real Redis read ran on the pooled
/// connection, so the first decision after readiness is not the one that pays for a cold read path.
/// </summary>
public sealed class DecisionWarmupTests(KafkaFixture kafka, RedisServerFixture redis)
{
    [Fact]
    public async Task HealthReady_AnswersOkOnlyAfterTheWarmupReadRedisOnThePooledConnection()
    {
        var readsBefore = ProfileReadCommands();
        await using var factory = new NbaServerFactory(kafka, redis);
        using var client = factory.CreateClient();

        var ready = await NbaServerFactory.WaitUntilReadyAsync(client, TimeSpan.FromSeconds(30));

        var warmup = factory.Services.GetRequiredService<DecisionWarmup>();
        Assert.Equal(HttpStatusCode.OK, ready);
        Assert.True(warmup.IsWarm);
        Assert.True(warmup.RedisReads >= DecisionWarmup.MinimumReads, $"{warmup.RedisReads} warm-up reads");
        // The reads reached the real redis-server: the profile MGET and the contact-history HGETALL, once per read.
        var readsAfter = ProfileReadCommands();
        Assert.True(readsAfter.Mget - readsBefore.Mget >= DecisionWarmup.MinimumReads, $"MGET calls {readsBefore.Mget} -> {readsAfter.Mget}");
        Assert.True(readsAfter.Hgetall - readsBefore.Hgetall >= DecisionWarmup.MinimumReads, $"HGETALL calls {readsBefore.Hgetall} -> {readsAfter.Hgetall}");
    }

    [Fact]
    public async Task HealthReady_WhileProfileReadsFail_TheWarmupKeepsTheServiceUnready_UntilItsTimeout()
    {
        await using var factory = new UnreachableRedisFactory(kafka, redis);
        using var client = factory.CreateClient();
        var health = factory.Services.GetRequiredService<HealthCheckService>();

        var during = await health.CheckHealthAsync(c => c.Name == "decision-warmup");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        HealthReport after;
        do
        {
            await Task.Delay(100);
            after = await health.CheckHealthAsync(c => c.Name == "decision-warmup");
        }
        while (after.Status != HealthStatus.Healthy && DateTime.UtcNow < deadline);
        using var ready = await client.GetAsync("/health/ready");

        Assert.Equal(HealthStatus.Unhealthy, during.Status);
        Assert.Equal("warming up the decision path", during.Entries["decision-warmup"].Description);
        // Past the timeout the warm-up lets go; the Redis check alone keeps the service unready.
        Assert.Equal(HealthStatus.Healthy, after.Status);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
    }

    private (long Mget, long Hgetall) ProfileReadCommands()
    {
        var stats = redis.Connection.GetServers()[0].Info("commandstats").SelectMany(g => g).ToDictionary(p => p.Key, p => p.Value);
        return (CallsOf(stats, "cmdstat_mget"), CallsOf(stats, "cmdstat_hgetall"));
    }

    /// <summary>The <c>calls=</c> count of one INFO commandstats line, 0 when the command never ran.</summary>
    private static long CallsOf(Dictionary<string, string> stats, string command) =>
        stats.TryGetValue(command, out var line)
            ? long.Parse(line.Split(',')[0]["calls=".Length..], System.Globalization.CultureInfo.InvariantCulture)
            : 0;

    /// <summary>Redis on a loopback port where nothing listens, and a warm-up that gives up after two seconds.</summary>
    private sealed class UnreachableRedisFactory(KafkaFixture kafka, RedisServerFixture redis) : NbaServerFactory(kafka, redis)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Redis:Configuration", $"127.0.0.1:{RedisServerLauncher.FreePort()},connectTimeout=200");
            builder.UseSetting("Server:RunIngestion", "false");
            builder.UseSetting("Decisions:WarmupReadyTimeoutMs", "2000");
        }
    }
}
