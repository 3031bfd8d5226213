using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using NextBestAction.IntegrationTests.Fixtures;
using NextBestAction.ServiceDefaults;
using NextBestAction.Telemetry;

namespace NextBestAction.IntegrationTests;

/// <summary>
/// The per-API-key rate limit over HTTP. The limited buckets refill one request every 1000 s, so no
/// refill can happen during a test however slow the machine: every outcome follows from request counts alone.
/// </summary>
public sealed class RateLimitTests(KafkaFixture kafka, RedisServerFixture redis) : IAsyncLifetime
{
    private const string LimitedKey = "test-limited-key-0123456789";
    private const string LimitedName = "limited-partner";
    private const int Burst = 2;

    private readonly LimitedFactory factory = new(kafka, redis);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => factory.DisposeAsync();

    private static Task<HttpResponseMessage> DecideAsync(HttpClient client) =>
        client.PostAsJsonAsync("/v1/decisions", new { customerId = "cust-rate", touchpoint = "checkout", channel = "web" });

    private HttpClient CreateLimitedClient()
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", LimitedKey);
        return client;
    }

    /// <summary>Sends the limited key's whole burst, each answered 200.</summary>
    private static async Task SpendBurstAsync(HttpClient client)
    {
        for (var i = 0; i < Burst; i++)
        {
            using var response = await DecideAsync(client);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    private static async Task<JsonElement> AssertRateLimitedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        var retryAfter = response.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.True(retryAfter >= TimeSpan.FromSeconds(1), $"Retry-After was {retryAfter}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
        Assert.Equal("Rate limit exceeded", problem.GetProperty("title").GetString());
        return problem;
    }

    [Fact]
    public async Task Decide_LimitedKeyBeyondBurst_Is429ProblemWithRetryAfterNamingTheKeyHolder()
    {
        using var client = CreateLimitedClient();
        await SpendBurstAsync(client);

        using var refused = await DecideAsync(client);

        var problem = await AssertRateLimitedAsync(refused);
        Assert.Contains(LimitedName, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(LimitedKey, await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decide_LimitedKeyExhausted_OtherKeyStillServed()
    {
        using var limited = CreateLimitedClient();
        await SpendBurstAsync(limited);
        using (var refused = await DecideAsync(limited))
        {
            await AssertRateLimitedAsync(refused);
        }

        using var webshop = factory.CreateWebshopClient();
        for (var i = 0; i < Burst * 3; i++)
        {
            using var response = await DecideAsync(webshop);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task Decide_WithoutValidKeyBeyondSharedBurst_Is429WhileKeysAndHealthStillServed()
    {
        using var anonymous = factory.CreateClient();
        using var unknownKey = factory.CreateClient();
        unknownKey.DefaultRequestHeaders.Add("X-Api-Key", "not-a-configured-key-000");

        // The shared bucket holds Burst requests, missing and unknown keys alike; they still get their 401.
        using (var first = await DecideAsync(anonymous))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, first.StatusCode);
        }

        using (var second = await DecideAsync(unknownKey))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, second.StatusCode);
        }

        using var refused = await DecideAsync(anonymous);
        var problem = await AssertRateLimitedAsync(refused);
        Assert.Contains("without a valid API key", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        using var webshop = factory.CreateWebshopClient();
        using var served = await DecideAsync(webshop);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        using var live = await anonymous.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Fact]
    public async Task Decide_Refused_CountedByKeyName()
    {
        // Only this server's meter: other test classes run servers of their own in parallel.
        var meter = factory.Services.GetRequiredService<NbaTelemetry>().Meter;
        var keys = new ConcurrentQueue<(long Value, string? Key)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, meter) && instrument.Name == "nba.http.rate_limited")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string? key = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "key")
                {
                    key = tag.Value as string;
                }
            }

            keys.Enqueue((value, key));
        });
        listener.Start();

        using var client = CreateLimitedClient();
        await SpendBurstAsync(client);
        using var refused = await DecideAsync(client);
        await AssertRateLimitedAsync(refused);

        // The counter is incremented before the 429 is written, so it is recorded by now.
        Assert.Equal((1L, LimitedName), Assert.Single(keys));
    }

    /// <summary>The test server with one more key, limited to <see cref="Burst"/> requests, and an equally small bucket for requests without a valid key.</summary>
    private sealed class LimitedFactory(KafkaFixture kafka, RedisServerFixture redis) : NbaServerFactory(kafka, redis)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            // Index 2: the base factory configures keys 0 and 1.
            builder.UseSetting("Server:RunIngestion", "false");
            builder.UseSetting("Auth:ApiKeys:3:Name", LimitedName);
            builder.UseSetting("Auth:ApiKeys:3:Key", LimitedKey);
            builder.UseSetting("Auth:ApiKeys:3:Scopes:0", "decide");
            builder.UseSetting("Auth:ApiKeys:3:RequestsPerSecond", "0.001");
            builder.UseSetting("Auth:ApiKeys:3:Burst", $"{Burst}");
            builder.UseSetting("Auth:UnauthenticatedRequestsPerSecond", "0.001");
            builder.UseSetting("Auth:UnauthenticatedBurst", $"{Burst}");
            // Decisions need no ingestion; one consumer less on a busy machine.
            builder.UseSetting("Server:RunIngestion", "false");
        }
    }
}
