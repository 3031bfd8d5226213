using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NextBestAction.IntegrationTests.Fixtures;

namespace NextBestAction.IntegrationTests;

/// <summary>
/// Hostile and mistaken request bodies over real HTTP (Kestrel): free-text touch points and channels, bodies over the size
/// limit, and values of the wrong JSON type. Each is a client error told in the API's own terms.
/// </summary>
public sealed partial class RequestProblemTests(KafkaFixture kafka, RedisServerFixture redis) : IAsyncLifetime
{
    private const int BodyLimitBytes = 64 * 1024;

    private readonly KestrelServerFactory factory = new(kafka, redis);

    public ValueTask InitializeAsync()
    {
        factory.UseKestrel(0);
        factory.StartServer();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => factory.DisposeAsync();

    /// <summary>The server on Kestrel (which enforces the body limit) with its log entries captured.</summary>
    public sealed class KestrelServerFactory(KafkaFixture kafka, RedisServerFixture redis) : NbaServerFactory(kafka, redis)
    {
        public CapturedLogs Logs { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        }
    }

    private static async Task<JsonElement> ProblemOf(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static string[] ErrorsOf(JsonElement problem, string field) =>
        [.. problem.GetProperty("errors").GetProperty(field).EnumerateArray().Select(e => e.GetString()!)];

    private async Task<HttpResponseMessage> PostJsonAsync(string path, string json)
    {
        using var client = factory.CreateWebshopClient();
        return await client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
    }

    [Fact]
    public async Task Decide_TouchpointNotInTheCatalog_Is400NamingTheAllowedTouchpoints_AndNeverBecomesALabel()
    {
        var hostile = "tp-" + Guid.NewGuid().ToString("N") + new string('x', 60 * 1024 - 100);

        using var response = await PostJsonAsync("/v1/decisions", JsonSerializer.Serialize(new { customerId = "cust-tp", touchpoint = hostile, dryRun = true }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var message = Assert.Single(ErrorsOf(await ProblemOf(response), "touchpoint"));
        Assert.Contains("checkout", message, StringComparison.Ordinal);
        Assert.Contains("cart", message, StringComparison.Ordinal);
        Assert.DoesNotContain(hostile[..20], message, StringComparison.Ordinal);
        using var client = factory.CreateClient();
        Assert.DoesNotContain(hostile[..20], await client.GetStringAsync("/metrics"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decide_ChannelNotInTheCatalog_Is400NamingTheAllowedChannels()
    {
        using var response = await PostJsonAsync("/v1/decisions", """{"customerId":"cust-ch","touchpoint":"checkout","channel":"carrier-pigeon","dryRun":true}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var message = Assert.Single(ErrorsOf(await ProblemOf(response), "channel"));
        Assert.Contains("web", message, StringComparison.Ordinal);
        Assert.Contains("app", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("checkout", "web")]
    [InlineData("cart", "app")]
    [InlineData("account", "web")]
    public async Task Decide_CatalogTouchpointAndChannel_AreAccepted(string touchpoint, string channel)
    {
        using var response = await PostJsonAsync("/v1/decisions", JsonSerializer.Serialize(new { customerId = "cust-ok", touchpoint, channel, dryRun = true }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("/v1/decisions")]
    [InlineData("/v1/decisions/d-1/outcome")]
    public async Task BodyOverTheLimit_Is413Problem_ACountedClientErrorWithoutAnErrorLog(string path)
    {
        var padding = new string('x', BodyLimitBytes);

        using var response = await PostJsonAsync(path, $$"""{"customerId":"cust-big","actionId":"a-1","padding":"{{padding}}"}""");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var problem = await ProblemOf(response);
        Assert.Equal(413, problem.GetProperty("status").GetInt32());
        Assert.Contains("65536 bytes", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(factory.Logs.Entries, e => e.Level >= LogLevel.Error);
        Assert.Contains(factory.Logs.Entries, e => e.Level == LogLevel.Information && e.Message.Contains("413", StringComparison.Ordinal));
        // In the request metric a 413 is a client error: its status, and no error.type as an unhandled exception would have.
        using var client = factory.CreateClient();
        var tooLarge = await PollMetricsAsync(client, TooLargeSeries());
        Assert.All(tooLarge, series => Assert.DoesNotContain("error_type", series, StringComparison.Ordinal));
    }

    [Fact]
    public async Task EveryRouteWithAJsonBody_ABodyThatIsNotAnObjectOrNotJson_Is400InTheApisTerms()
    {
        var routes = JsonBodyRoutes();

        Assert.Contains(("/v1/decisions", "POST"), routes);
        Assert.Contains(("/v1/decisions/d-1/outcome", "POST"), routes);
        Assert.Contains(("/v1/customers/d-1/consent", "PUT"), routes);
        using var client = factory.CreateClientWithKey(NbaServerFactory.AllScopesKey);
        foreach (var (route, method) in routes)
        {
            foreach (var (body, expected) in new[] { ("[1, 2]", "must be a JSON object"), ("{\"customerId\": ", "not well-formed JSON"), ("", "not well-formed JSON") })
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), route) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                using var response = await client.SendAsync(request);

                Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
                var text = await response.Content.ReadAsStringAsync();
                Assert.Contains(expected, (await ProblemOf(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
                Assert.DoesNotMatch(ImplementationNames(), text);
            }
        }
    }

    [Theory]
    [InlineData("/v1/decisions", """{"customerId":"cust-1","maxActions":"two"}""", "maxActions", "maxActions must be an integer")]
    [InlineData("/v1/decisions", """{"customerId":"cust-1","maxActions":1e40}""", "maxActions", "maxActions must be an integer")]
    [InlineData("/v1/decisions", """{"customerId":7}""", "customerId", "customerId must be a string")]
    [InlineData("/v1/decisions", """{"customerId":"cust-1","debug":"yes"}""", "debug", "debug must be true or false")]
    [InlineData("/v1/decisions", """{"customerId":"cust-1","context":{"cart":{}}}""", "context.cart", "context.cart must be an array")]
    [InlineData("/v1/decisions", """{"customerId":"cust-1","context":{"cart":[42]}}""", "context.cart[0]", "context.cart[0] must be an object")]
    [InlineData("/v1/decisions", """{"customerId":"cust-1","context":{"cart":[{"price":"cheap"}]}}""", "context.cart[0].price", "context.cart[0].price must be a number")]
    [InlineData("/v1/decisions/d-1/outcome", """{"actionId":["a"],"outcome":"accepted"}""", "actionId", "actionId must be a string")]
    public async Task ValueOfTheWrongJsonType_Is400NamingTheFieldPathAndTheExpectedType(string path, string body, string field, string expected)
    {
        using var response = await PostJsonAsync(path, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal([expected], ErrorsOf(await ProblemOf(response), field));
        Assert.DoesNotMatch(ImplementationNames(), text);
    }

    /// <summary>The routes whose endpoint declares a JSON request body, with a placeholder for each route parameter.</summary>
    /// <summary>Every route that takes a JSON body, with its method, route parameters filled with <c>d-1</c>.</summary>
    /// <summary>
    /// Every route that names a customer, with ids a client may send by mistake or on purpose: control characters,
    /// a path escape, glob characters, oversize. Each gets a 400 problem and changes nothing. A NUL is refused by
    /// Kestrel itself before any application code runs (a bare 400, no body): nothing reaches the route.
    /// </summary>
    [Theory]
    [InlineData("bad%0D%0Aid")]
    [InlineData("..%2F..%2Fprofile")]
    [InlineData("cust*")]
    [InlineData("%20")]
    [InlineData("tab%09id")]
    public async Task EveryCustomerRoute_OddId_Is400Problem(string escapedId)
    {
        var routes = CustomerRoutes();
        Assert.Contains(("/v1/customers/{customerId}", "DELETE"), routes);
        Assert.Contains(("/v1/customers/{customerId}/restriction", "PUT"), routes);
        using var client = factory.CreateClientWithKey(NbaServerFactory.AllScopesKey);
        foreach (var (route, method) in routes.Select(r => (r.Route.Replace("{customerId}", escapedId, StringComparison.Ordinal), r.Method)))
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), route) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
            using var response = await client.SendAsync(request);

            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{method} {route}: {(int)response.StatusCode}");
            Assert.Contains("customerId", (await ProblemOf(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task EveryCustomerRoute_OversizeOrNulId_IsRefused()
    {
        using var client = factory.CreateClientWithKey(NbaServerFactory.AllScopesKey);
        foreach (var (route, method) in CustomerRoutes())
        {
            using var oversize = new HttpRequestMessage(new HttpMethod(method), route.Replace("{customerId}", new string('a', 129), StringComparison.Ordinal))
            {
                Content = new StringContent("{}", Encoding.UTF8, "application/json"),
            };
            using var tooLong = await client.SendAsync(oversize);
            Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
            await ProblemOf(tooLong);

            using var nul = new HttpRequestMessage(new HttpMethod(method), route.Replace("{customerId}", "a%00b", StringComparison.Ordinal));
            using var refused = await client.SendAsync(nul);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }
    }

    private List<(string Route, string Method)> CustomerRoutes() =>
        [.. factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.Contains("{customerId}", StringComparison.Ordinal))
            .Select(e => ("/" + e.RoutePattern.RawText!.TrimStart('/'), e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Single()))];

    private List<(string Path, string Method)> JsonBodyRoutes() =>
        [.. factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IAcceptsMetadata>()?.ContentTypes.Contains("application/json") == true)
            .Select(e => (RouteParameter().Replace("/" + e.RoutePattern.RawText!.TrimStart('/'), "d-1"), e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Single()))];

    private static async Task<List<string>> PollMetricsAsync(HttpClient client, Regex series)
    {
        // The exporter caches a scrape for a moment, so the request's series may show a little later.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var found = series.Matches(await client.GetStringAsync("/metrics")).Select(m => m.Value).ToList();
            if (found.Count > 0 || DateTime.UtcNow > deadline)
            {
                Assert.NotEmpty(found);
                return found;
            }

            await Task.Delay(250);
        }
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteParameter();

    [GeneratedRegex(@"http_server_request_duration_seconds_count\{[^}]*http_response_status_code=""413""[^}]*\}")]
    private static partial Regex TooLargeSeries();

    /// <summary>.NET type and namespace names, and the serializer's own wording.</summary>
    [GeneratedRegex(@"NextBestAction\.|System\.|could not be converted|LineNumber|BytePositionInLine")]
    private static partial Regex ImplementationNames();
}
