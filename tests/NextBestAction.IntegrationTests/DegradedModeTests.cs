using NextBestAction.Testing;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using NextBestAction.IntegrationTests.Fixtures;

namespace NextBestAction.IntegrationTests;

/// <summary>With Redis unreachable the checkout still gets an answer: a context-only decision, marked degraded.</summary>
public sealed class DegradedModeTests(KafkaFixture kafka, RedisServerFixture redis) : IAsyncLifetime
{
    private readonly UnreachableRedisFactory factory = new(kafka, redis);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => factory.DisposeAsync();

    [Fact]
    public async Task Decide_RedisUnreachable_Is200DegradedDecisionFromTheRequestCart()
    {
        using var client = factory.CreateWebshopClient();

        using var response = await client.PostAsJsonAsync("/v1/decisions", new
        {
            customerId = "cust-1",
            context = new { cart = new[] { new { productId = "p-1", category = "phones", productLine = "pixel", price = 899.0, quantity = 1 } } },
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var decision = (await response.Content.ReadFromJsonAsync<DecisionDto>())!;
        Assert.True(decision.Degraded);
        Assert.Equal("bundle-pixel", Assert.Single(decision.Actions).ActionId);
    }

    [Fact]
    public async Task HealthReady_RedisUnreachable_Is503ButAlive()
    {
        using var client = factory.CreateClient();

        using var ready = await client.GetAsync("/health/ready");
        using var live = await client.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    /// <summary>The test server with Redis pointed at a loopback port where nothing listens.</summary>
    private sealed class UnreachableRedisFactory(KafkaFixture kafka, RedisServerFixture redis) : NbaServerFactory(kafka, redis)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Redis:Configuration", $"127.0.0.1:{RedisServerLauncher.FreePort()},connectTimeout=200");
            builder.UseSetting("Server:RunIngestion", "false");
        }
    }
}
