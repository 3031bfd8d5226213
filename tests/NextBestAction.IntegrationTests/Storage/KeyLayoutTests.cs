using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using NextBestAction.Ingestion;
using NextBestAction.IntegrationTests.Fixtures;
using NextBestAction.IntegrationTests.Reliability;
using NextBestAction.Profiles;
using NextBestAction.Simulator;
using StackExchange.Redis;

namespace NextBestAction.IntegrationTests.Storage;

/// <summary>
/// After simulated traffic (events through Kafka, decisions asked over HTTP at checkout, an outcome reported) against
/// a real redis-server, every key the service left belongs to a family of <see cref="CustomerKeyFamilies"/>, and every
/// key of a per-customer family carries the hash tag of a customer of the run.
/// </summary>
public sealed class KeyLayoutTests(KafkaFixture kafka, RedisServerFixture redis)
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task SimulatedRun_LeavesOnlyListedKeyFamilies_WithCustomerDataUnderTheCustomersTag()
    {
        await using var server = new SimulatedShop(kafka, redis);
        server.UseKestrel(0);
        server.StartServer();
        var simulator = server.Services.GetRequiredService<TrafficSimulator>();
        var ingestion = server.Services.GetRequiredService<IngestionService>();
        Assert.True(
            await Wait.UntilAsync(() => Task.FromResult(simulator.DecisionsAnswered >= 20 && ingestion.ProcessedMessages >= 500), MaxWait, TimeSpan.FromMilliseconds(250)),
            $"{simulator.DecisionsAnswered} decisions answered, {ingestion.ProcessedMessages} events processed");

        using var client = server.CreateWebshopClient();
        var decided = await client.PostAsJsonAsync("/v1/decisions", new { customerId = "cust-00001", touchpoint = "checkout", channel = "web" });
        var decision = (await decided.Content.ReadFromJsonAsync<DecisionDto>())!;
        var outcome = await client.PostAsJsonAsync($"/v1/decisions/{decision.DecisionId}/outcome", new { actionId = decision.Actions[0].ActionId, outcome = "declined" });
        outcome.EnsureSuccessStatusCode();

        var prefix = server.ProfileStore.KeyPrefix;
        var keys = redis.Connection.GetServers()[0].Keys(pattern: prefix + ":*", pageSize: 1000).Select(k => (string)k!).ToList();
        var families = keys.Select(k => (Key: k, Match: CustomerKeyFamilies.Match(prefix, k))).ToList();

        Assert.Empty(families.Where(f => f.Match is null).Select(f => f.Key));
        var customerKeys = families.Where(f => f.Match!.Value.Family.Scope == KeyScope.Customer).ToList();
        Assert.All(customerKeys, f => Assert.Matches("^cust-[0-9]{5}$", f.Match!.Value.CustomerId));
        var seen = families.Select(f => f.Match!.Value.Family.Name).ToHashSet(StringComparer.Ordinal);
        Assert.Superset(new HashSet<string>(["profile", "bookkeeping", "version", "contacts", "decisions", "decision-owner"], StringComparer.Ordinal), seen);

        // The decision and its outcome are in the customer's own hash.
        var record = await redis.Connection.GetDatabase().HashGetAllAsync(server.ProfileStore.Keys.Decisions("cust-00001"));
        Assert.Contains(record, e => e.Name == $"o:{decision.DecisionId}:{decision.Actions[0].ActionId}" && e.Value == "declined");
    }

    /// <summary>The server with its traffic simulator on: 30 customers, decisions asked of this server over HTTP.</summary>
    private sealed class SimulatedShop(KafkaFixture cluster, RedisServerFixture redis) : NbaServerFactory(cluster, redis)
    {
        private readonly KafkaFixture topicsCluster = cluster;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            topicsCluster.CreateTopics(Topics.All);
            builder.UseSetting("Simulator:Enabled", "true");
            builder.UseSetting("Simulator:Customers", "30");
            builder.UseSetting("Simulator:EventsPerSecond", "400");
            builder.UseSetting("Simulator:DecisionsUrl", SimulatorOptions.SelfUrl);
            builder.UseSetting("Simulator:DecisionsApiKey", WebshopKey);
        }
    }
}
