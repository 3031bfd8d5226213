using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using NextBestAction.Contracts;
using NextBestAction.Profiles;
using NextBestAction.ServiceDefaults.Auth;

namespace NextBestAction.IntegrationTests.Fixtures;

/// <summary>
/// The all-in-one server wired to the test run's real redis-server and Kafka mock cluster, with topics,
/// consumer group and key prefix of its own so test classes never see each other's data.
/// </summary>
public class NbaServerFactory(KafkaFixture kafka, RedisServerFixture redis) : WebApplicationFactory<Program>
{
    public const string WebshopKey = "test-webshop-key-0123456789";
    public const string ReadOnlyKey = "test-readonly-key-0123456789";
    public const string AdminKey = "test-admin-key-0123456789";
    public const string PrivacyKey = "test-privacy-key-0123456789";
    public const string CheckoutKey = "test-checkout-key-0123456789";
    public const string AllScopesKey = "test-all-scopes-key-0123456789";

    public string Suffix { get; } = Guid.NewGuid().ToString("N")[..8];

    public TopicNames Topics => new()
    {
        Clickstream = $"nba.clickstream.{Suffix}",
        Orders = $"nba.orders.{Suffix}",
        Service = $"nba.service.{Suffix}",
        Catalog = $"nba.catalog.{Suffix}",
        Feedback = $"nba.feedback.{Suffix}",
        Consent = $"nba.consent.{Suffix}",
        Notifications = $"nba.notifications.{Suffix}",
        Decisions = $"nba.decisions.{Suffix}",
        DeadLetter = $"nba.deadletter.{Suffix}",
        Privacy = $"nba.privacy.{Suffix}",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var topics = Topics;
        var settings = new Dictionary<string, string>
        {
            ["Kafka:BootstrapServers"] = kafka.BootstrapServers,
            ["Kafka:GroupId"] = $"nba-ingestion-{Suffix}",
            ["Redis:Configuration"] = redis.Configuration,
            ["Redis:KeyPrefix"] = $"t{Suffix}",
            ["Simulator:Enabled"] = "false",
            ["Ingestion:MaxBatchWaitMs"] = "5",
            // Enough to run every synthetic customer a few times; the default would add seconds to every test host.
            ["Decisions:WarmupMs"] = "150",
            // Passed through to librdkafka: the mock cluster otherwise holds each fetch for 500 ms.
            ["Kafka:Consumer:fetch.wait.max.ms"] = "10",
            ["Auth:ApiKeys:0:Name"] = "webshop",
            ["Auth:ApiKeys:0:Key"] = WebshopKey,
            ["Auth:ApiKeys:0:Scopes:0"] = "decide",
            ["Auth:ApiKeys:0:Scopes:1"] = "profile:read",
            ["Auth:ApiKeys:0:Scopes:2"] = "feedback",
            ["Auth:ApiKeys:0:Scopes:3"] = "decide:debug",
            ["Auth:ApiKeys:1:Name"] = "dashboard",
            ["Auth:ApiKeys:1:Key"] = ReadOnlyKey,
            ["Auth:ApiKeys:1:Scopes:0"] = "profile:read",
            ["Auth:ApiKeys:2:Name"] = "catalog-owner",
            ["Auth:ApiKeys:2:Key"] = AdminKey,
            ["Auth:ApiKeys:2:Scopes:0"] = "admin",
            ["Auth:ApiKeys:3:Name"] = "privacy-desk",
            ["Auth:ApiKeys:3:Key"] = PrivacyKey,
            ["Auth:ApiKeys:3:Scopes:0"] = "privacy",
            ["Auth:ApiKeys:3:Scopes:1"] = "consent",
            ["Auth:ApiKeys:4:Name"] = "checkout",
            ["Auth:ApiKeys:4:Key"] = CheckoutKey,
            ["Auth:ApiKeys:4:Scopes:0"] = "decide",
        };
        for (var i = 0; i < Scopes.All.Count; i++)
        {
            settings[$"Auth:ApiKeys:5:Scopes:{i}"] = Scopes.All[i];
        }

        settings["Auth:ApiKeys:5:Name"] = "every-scope";
        settings["Auth:ApiKeys:5:Key"] = AllScopesKey;
        kafka.CreateTopics(topics.All);
        foreach (var property in typeof(TopicNames).GetProperties().Where(p => p.PropertyType == typeof(string)))
        {
            settings[$"Kafka:Topics:{property.Name}"] = (string)property.GetValue(topics)!;
        }

        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>The server's own profile store: its Redis connection and its key prefix.</summary>
    public RedisProfileStore ProfileStore => Services.GetRequiredService<RedisProfileStore>();

    public HttpClient CreateWebshopClient() => CreateClientWithKey(WebshopKey);

    public HttpClient CreateClientWithKey(string apiKey)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        return client;
    }

    /// <summary>
    /// Asks for decisions until one satisfies <paramref name="accept"/> or the wait runs out; returns the last.
    /// The requests are dry runs, so polling does not count impressions against the contact caps.
    /// </summary>
    /// <summary>Polls <c>/health/ready</c> until it answers 200 or <paramref name="maxWait"/> passed; returns the last status.</summary>
    public static async Task<HttpStatusCode> WaitUntilReadyAsync(HttpClient client, TimeSpan maxWait)
    {
        var deadline = DateTime.UtcNow + maxWait;
        while (true)
        {
            using var response = await client.GetAsync("/health/ready");
            if (response.StatusCode == HttpStatusCode.OK || DateTime.UtcNow > deadline)
            {
                return response.StatusCode;
            }

            await Task.Delay(50);
        }
    }

    public static async Task<DecisionDto> DecideUntilAsync(HttpClient client, object request, Func<DecisionDto, bool> accept, TimeSpan maxWait)
    {
        var deadline = DateTime.UtcNow + maxWait;
        var dryRun = JsonSerializer.SerializeToNode(request)!.AsObject();
        dryRun["dryRun"] = true;
        while (true)
        {
            using var response = await client.PostAsJsonAsync("/v1/decisions", dryRun);
            response.EnsureSuccessStatusCode();
            var decision = (await response.Content.ReadFromJsonAsync<DecisionDto>())!;
            if (accept(decision) || DateTime.UtcNow > deadline)
            {
                return decision;
            }

            await Task.Delay(200);
        }
    }
}

public sealed record DecisionDto(string DecisionId, string CustomerId, List<ActionDto> Actions, bool Degraded, string ModelVersion, string CatalogVersion)
{
    public string? DegradedReason { get; init; }

    public ArbitrationDto? Arbitration { get; init; }

    public DebugDto? Debug { get; init; }
}

public sealed record ArbitrationDto(string? Family, double ServiceSignal, double BundleSignal, string Reason);

public sealed record DebugDto(List<FilteredDto> Filtered, List<RankedDto> Ranked);

public sealed record FilteredDto(string ActionId, string Stage, string Reason);

public sealed record RankedDto(string ActionId, string Kind, double Score, double Propensity, double ContextWeight, bool Chosen);

public sealed record ActionDto(string ActionId, string Kind, string Title, double Score, double Propensity, double Value, double Probability, List<string> Reasons, List<ContributionDto> Explanation);

public sealed record ContributionDto(string Feature, double Contribution);
