using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NextBestAction.Decisioning;
using NextBestAction.Decisioning.DecisionLog;
using NextBestAction.Decisioning.Serving;
using NextBestAction.IntegrationTests.Fixtures;

namespace NextBestAction.IntegrationTests;

/// <summary>
/// The offer statistics written by the real serving path, over HTTP with a real redis-server: decisions and impressions
/// per group from the recorder's batch, acceptances with the offer's value from the outcome route, and no dry run counted.
/// Half the customers are in the holdout, so both groups are seen.
/// </summary>
public sealed class OfferStatisticsTests(KafkaFixture kafka, RedisServerFixture redis)
    : RunningServerTests<OfferStatisticsTests.HoldoutFactory>(new HoldoutFactory(kafka, redis))
{
    [Fact]
    public async Task DryRun_IsNotCounted()
    {
        using var client = Factory.CreateWebshopClient();
        var dryRun = await OfferTraffic.DecideAsync(client, OfferTraffic.Request($"cust-{Factory.Suffix}-dry", dryRun: true));
        var real = await OfferTraffic.DecideAsync(client, OfferTraffic.Request($"cust-{Factory.Suffix}-real"));
        Assert.NotEmpty(dryRun.Actions);
        Assert.NotEmpty(real.Actions);

        // The recorder writes in queue order: had the dry run been queued, it would be counted by now.
        var statistics = await OfferTraffic.TodayOnceWrittenAsync(Factory.Services, 1);

        Assert.Equal(1, statistics.DecisionsByGroup.Values.Sum());
        Assert.Equal(1, statistics.Actions.Values.Sum(c => c.Impressions));
        Assert.Equal(1, statistics.Actions.Single(a => a.Key.ActionId == real.Actions[0].ActionId).Value.Impressions);
    }

    [Fact]
    public async Task Decisions_AndAcceptances_AreCountedPerGroupAndAction_WithTheOffersValue()
    {
        using var client = Factory.CreateWebshopClient();
        var options = Factory.Services.GetRequiredService<IOptions<DecisionOptions>>().Value;
        var holdout = new Holdout(options.HoldoutPercent, options.HoldoutSalt);
        // Six customers of each group, found by the same hash the service uses.
        var candidates = Enumerable.Range(0, 1000).Select(i => $"cust-{Factory.Suffix}-{i}").ToList();
        var customers = candidates.Where(holdout.IsControl).Take(6).Concat(candidates.Where(c => !holdout.IsControl(c)).Take(6)).ToList();
        var decisions = new List<(string Group, DecisionDto Decision)>();
        foreach (var customer in customers)
        {
            decisions.Add((holdout.IsControl(customer) ? DecisionGroups.Control : DecisionGroups.Treatment, await OfferTraffic.DecideAsync(client, OfferTraffic.Request(customer))));
        }

        Assert.Equal(6, decisions.Count(d => d.Group == DecisionGroups.Control));
        var accepted = decisions.GroupBy(d => d.Group).Select(g => g.First()).ToList();
        await OfferTraffic.TodayOnceWrittenAsync(Factory.Services, customers.Count);
        foreach (var (_, decision) in accepted)
        {
            await OfferTraffic.AcceptAsync(client, decision);
        }

        var statistics = await OfferTraffic.TodayOnceWrittenAsync(Factory.Services, customers.Count);

        foreach (var group in new[] { DecisionGroups.Treatment, DecisionGroups.Control })
        {
            var ofGroup = decisions.Where(d => d.Group == group).ToList();
            Assert.Equal(ofGroup.Count, statistics.Decisions(group));
            foreach (var shown in ofGroup.GroupBy(d => d.Decision.Actions[0].ActionId))
            {
                Assert.Equal(shown.Count(), statistics.Of(group, shown.Key).Impressions);
            }

            var (_, acceptedDecision) = accepted.Single(a => a.Group == group);
            var counts = statistics.Of(group, acceptedDecision.Actions[0].ActionId);
            var value = acceptedDecision.Actions[0].Value;
            Assert.Equal(1, counts.Accepted);
            Assert.Equal(value, counts.ValueSum, 9);
            Assert.Equal(value * value, counts.ValueSquares, 9);
        }

        // The holdout's catalog order is never exploration.
        Assert.All(statistics.Actions.Where(a => a.Key.Group == DecisionGroups.Control), a => Assert.Equal(0, a.Value.Explored));
        var today = OfferStatisticsStore.DayOf(Factory.Services.GetRequiredService<TimeProvider>().GetUtcNow());
        var ttl = await Factory.ProfileStore.Database.KeyTimeToLiveAsync(Factory.ProfileStore.Keys.OfferStatistics(today));
        Assert.InRange(ttl!.Value, TimeSpan.FromDays(34), OfferStatisticsStore.KeyLifetime);
    }

    public sealed class HoldoutFactory(KafkaFixture kafka, RedisServerFixture redis) : NbaServerFactory(kafka, redis)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Server:RunIngestion", "false");
            builder.UseSetting("Decisions:HoldoutPercent", "50");
        }
    }
}

/// <summary>Decisions and outcomes through the API as a webshop sends them, and the statistics they leave.</summary>
internal static class OfferTraffic
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(20);

    /// <summary>A product of <paramref name="productLine"/> at the checkout: the catalog offers a bundle for it.</summary>
    public static object Request(string customerId, bool dryRun = false, string productLine = "galaxy-s") => new
    {
        customerId,
        touchpoint = "checkout",
        channel = "web",
        context = new { cart = new[] { new { productId = "p-" + productLine, category = "phones", productLine, price = 899.0, quantity = 1 } } },
        maxActions = 1,
        dryRun,
    };

    public static async Task<DecisionDto> DecideAsync(HttpClient client, object request)
    {
        using var response = await client.PostAsJsonAsync("/v1/decisions", request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<DecisionDto>())!;
    }

    public static async Task AcceptAsync(HttpClient client, DecisionDto decision)
    {
        using var response = await client.PostAsJsonAsync($"/v1/decisions/{decision.DecisionId}/outcome",
            new { actionId = decision.Actions[0].ActionId, outcome = OutcomeService.Accepted });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>Today's statistics once the recorder has written <paramref name="decisions"/> decisions (it writes after the response), or as they are when the wait runs out.</summary>
    public static async Task<OfferStatistics> TodayOnceWrittenAsync(IServiceProvider services, long decisions)
    {
        var store = services.GetRequiredService<OfferStatisticsStore>();
        var today = OfferStatisticsStore.DayOf(services.GetRequiredService<TimeProvider>().GetUtcNow());
        var deadline = DateTime.UtcNow + MaxWait;
        while (true)
        {
            var statistics = await store.ReadAsync([today]);
            if (statistics.DecisionsByGroup.Values.Sum() >= decisions || DateTime.UtcNow > deadline)
            {
                return statistics;
            }

            await Task.Delay(50);
        }
    }
}
