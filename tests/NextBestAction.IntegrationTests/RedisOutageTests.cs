using NextBestAction.Testing;
using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using NextBestAction.IntegrationTests.Fixtures;

namespace NextBestAction.IntegrationTests;

/// <summary>
/// Redis goes away while events keep arriving: ingestion pauses and retries instead of skipping or
/// dead-lettering, and applies the events once Redis is back.
/// </summary>
public sealed class RedisOutageTests(KafkaFixture kafka, RedisServerFixture sharedRedis) : IAsyncLifetime
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(45);

    private readonly int port = RedisServerLauncher.FreePort();
    private Process? redis;
    private OwnRedisFactory? factory;

    public async ValueTask InitializeAsync()
    {
        redis = RedisServerFixture.StartProcess(port);
        (await RedisServerLauncher.ConnectWhenReadyAsync($"127.0.0.1:{port}")).Dispose();
        factory = new OwnRedisFactory(kafka, sharedRedis, port);
        factory.CreateClient().Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        if (factory is not null)
        {
            await factory.DisposeAsync();
        }

        await StopRedisAsync();
    }

    private async Task StopRedisAsync()
    {
        await RedisServerLauncher.StopAsync(redis);
        redis = null;
    }

    [Fact]
    public async Task EventsDuringOutage_AreAppliedAfterRedisReturns_NotDeadLettered()
    {
        using var client = factory!.CreateWebshopClient();
        var customer = $"cust-{factory.Suffix}-outage";
        var request = new { customerId = customer };
        await kafka.ProduceAsync(factory.Topics.Clickstream, customer, CloudEvents.Create("cart.item_added", customer,
            new { productId = "p-sony-wh-1000xm5", category = "headphones", productLine = "sony-wh", price = 379.0, quantity = 1 }));
        var before = await NbaServerFactory.DecideUntilAsync(client, request, d => d.Actions[0].ActionId == "bundle-sony-wh", MaxWait);
        Assert.Equal("bundle-sony-wh", before.Actions[0].ActionId);

        await StopRedisAsync();
        await kafka.ProduceAsync(factory.Topics.Clickstream, customer, CloudEvents.Create("cart.item_added", customer,
            new { productId = "p-airpods-pro-2", category = "headphones", productLine = "airpods", price = 279.0, quantity = 1 }));
        var during = await NbaServerFactory.DecideUntilAsync(client, request, d => d.Degraded, MaxWait);
        Assert.True(during.Degraded);

        // Back on the same port, empty (no persistence): only what ingestion writes from now on is there.
        redis = RedisServerFixture.StartProcess(port);
        var after = await NbaServerFactory.DecideUntilAsync(client, request, d => !d.Degraded && d.Actions[0].ActionId == "bundle-airpods", MaxWait);

        Assert.False(after.Degraded);
        Assert.Equal("bundle-airpods", after.Actions[0].ActionId);
        Assert.Empty(kafka.Consume(factory.Topics.DeadLetter, 1, TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task Decisions_WhileRedisIsDown_AreDegraded200s_TheCircuitOpens_AndRecoversAfterRestart()
    {
        using var client = factory!.CreateWebshopClient();
        var request = new
        {
            customerId = $"cust-{factory.Suffix}-breaker",
            context = new { cart = new[] { new { productId = "p-1", category = "phones", productLine = "pixel", price = 899.0, quantity = 1 } } },
        };
        Assert.False((await NbaServerFactory.DecideUntilAsync(client, request, d => !d.Degraded, MaxWait)).Degraded);

        await StopRedisAsync();
        var reasons = new HashSet<string>(StringComparer.Ordinal);
        var open = await NbaServerFactory.DecideUntilAsync(client, request, d =>
        {
            Assert.True(d.Degraded);
            Assert.Equal("bundle-pixel", d.Actions[0].ActionId);
            reasons.Add(d.DegradedReason!);
            return d.DegradedReason == "circuit_open";
        }, MaxWait);

        Assert.Equal("circuit_open", open.DegradedReason);
        Assert.Contains(reasons, r => r is "timeout" or "redis_error");

        redis = RedisServerFixture.StartProcess(port);
        var recovered = await NbaServerFactory.DecideUntilAsync(client, request, d => !d.Degraded, MaxWait);
        Assert.False(recovered.Degraded);
        Assert.Null(recovered.DegradedReason);
    }

    private sealed class OwnRedisFactory(KafkaFixture kafka, RedisServerFixture redis, int port) : NbaServerFactory(kafka, redis)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Redis:Configuration", $"127.0.0.1:{port},connectTimeout=500,syncTimeout=1000,asyncTimeout=1000");
            builder.UseSetting("Decisions:CircuitBreakerMinimumReads", "3");
            builder.UseSetting("Decisions:CircuitBreakerOpenMs", "300");
        }
    }
}
