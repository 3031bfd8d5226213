using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NextBestAction.Decisioning.Serving;
using NextBestAction.Decisioning.Warmup;
using NextBestAction.IntegrationTests.Fixtures;

namespace NextBestAction.IntegrationTests;

/// <summary>The decision API over HTTP with real Redis and Kafka behind it.</summary>
public sealed class DecisionApiTests(KafkaFixture kafka, RedisServerFixture redis) : IAsyncLifetime
{
    private readonly NbaServerFactory factory = new(kafka, redis);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => factory.DisposeAsync();

    private static object CartRequest(string customerId, string productLine) => new
    {
        customerId,
        touchpoint = "checkout",
        channel = "web",
        context = new { cart = new[] { new { productId = "p-100", category = "phones", productLine, price = 799.0, quantity = 1 } } },
        maxActions = 1,
    };

    private static async Task<JsonElement> ProblemOf(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public void Startup_WarmsTheDecisionPathBeforeTheFirstRequest()
    {
        using var client = factory.CreateClient();

        var warmup = factory.Services.GetRequiredService<DecisionWarmup>();

        Assert.True(warmup.Rounds >= 1, $"{warmup.Rounds} warm-up rounds");
        Assert.True(warmup.DecisionsWithAction >= warmup.Rounds, $"{warmup.DecisionsWithAction} synthetic decisions chose an action in {warmup.Rounds} rounds");
    }

    [Fact]
    public async Task Decide_WithoutApiKey_Is401Problem()
    {
        using var client = factory.CreateClient();

        using var response = await client.PostAsJsonAsync("/v1/decisions", CartRequest("cust-1", "galaxy-s"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(401, (await ProblemOf(response)).GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Decide_WithUnknownApiKey_Is401()
    {
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", "not-a-configured-key-000");

        using var response = await client.PostAsJsonAsync("/v1/decisions", CartRequest("cust-1", "galaxy-s"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task DebugDecision_WithKeyLackingDecideDebugScope_Is403Problem_WhileAPlainDecisionIsServed()
    {
        using var client = factory.CreateClientWithKey(NbaServerFactory.CheckoutKey);

        using var debug = await client.PostAsJsonAsync("/v1/decisions", new { customerId = "cust-1", touchpoint = "checkout", channel = "web", debug = true, dryRun = true });
        using var plain = await client.PostAsJsonAsync("/v1/decisions", new { customerId = "cust-1", touchpoint = "checkout", channel = "web", dryRun = true });

        Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.OK), (debug.StatusCode, plain.StatusCode));
        Assert.Contains("decide:debug", (await ProblemOf(debug)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decide_WithKeyLackingDecideScope_Is403Problem()
    {
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", NbaServerFactory.ReadOnlyKey);

        using var response = await client.PostAsJsonAsync("/v1/decisions", CartRequest("cust-1", "galaxy-s"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        await ProblemOf(response);
    }

    [Fact]
    public async Task Decide_CartInContext_ReturnsBundleOfThatLineWithReasons()
    {
        using var client = factory.CreateWebshopClient();

        using var response = await client.PostAsJsonAsync("/v1/decisions", CartRequest("cust-new", "galaxy-s"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var decision = (await response.Content.ReadFromJsonAsync<DecisionDto>())!;
        var action = Assert.Single(decision.Actions);
        Assert.Equal(("bundle-galaxy-s", "bundle"), (action.ActionId, action.Kind));
        Assert.NotEmpty(action.Reasons);
        Assert.NotEmpty(action.Explanation);
        Assert.False(decision.Degraded);
        Assert.Equal("cust-new", decision.CustomerId);
        Assert.False(string.IsNullOrEmpty(decision.CatalogVersion));
    }

    [Fact]
    public async Task Decide_InvalidFields_Is400ProblemNamingThem()
    {
        using var client = factory.CreateWebshopClient();

        using var response = await client.PostAsJsonAsync("/v1/decisions", new { touchpoint = "checkout", maxActions = 0 });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await ProblemOf(response)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("customerId", out _));
        Assert.True(errors.TryGetProperty("maxActions", out _));
    }

    [Fact]
    public async Task Decide_MalformedJson_Is400ProblemWithoutInternals()
    {
        using var client = factory.CreateWebshopClient();

        using var response = await client.PostAsync("/v1/decisions", new StringContent("{\"customerId\": ", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await ProblemOf(response);
        Assert.Contains("not a valid decision request", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decide_OversizeBody_IsRefused()
    {
        using var client = factory.CreateWebshopClient();
        var huge = new string('x', 200 * 1024);

        using var response = await client.PostAsync("/v1/decisions", new StringContent($"{{\"customerId\":\"{huge}\"}}", Encoding.UTF8, "application/json"));

        Assert.True(response.StatusCode is HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.BadRequest, $"status was {response.StatusCode}");
    }

    [Fact]
    public async Task HealthReady_WithKafkaAndRedisUp_Is200()
    {
        using var client = factory.CreateClient();

        // Ready waits for the warm-up's Redis reads, which start once the host has started.
        var ready = await NbaServerFactory.WaitUntilReadyAsync(client, TimeSpan.FromSeconds(30));
        using var live = await client.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, ready);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Fact]
    public async Task Profile_UnknownCustomer_Is404Problem()
    {
        using var client = factory.CreateWebshopClient();

        using var response = await client.GetAsync("/v1/customers/cust-nobody/profile");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        await ProblemOf(response);
    }

    [Fact]
    public async Task OpenApi_DescribesTheDecisionRoute()
    {
        using var client = factory.CreateClient();

        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        Assert.True(document.GetProperty("paths").TryGetProperty("/v1/decisions", out _));
    }

    [Fact]
    public async Task Metrics_ArePrometheusText()
    {
        using var client = factory.CreateClient();

        var text = await client.GetStringAsync("/metrics");

        Assert.Contains("# TYPE", text, StringComparison.Ordinal);
    }
}
