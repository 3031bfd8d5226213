using System.Net.Http.Json;
using NextBestAction.IntegrationTests.Fixtures;

namespace NextBestAction.IntegrationTests;

/// <summary>
/// Two servers in one process (as test runs and embedded set-ups have them) each expose their own metrics: every
/// server's meter has the same name, and one server's metrics must not stand in for the other's or vanish with it.
/// </summary>
[Collection(TelemetryTestsRunAlone.Name)]
public sealed class MetricsIsolationTests(KafkaFixture kafka, RedisServerFixture redis)
{
    [Fact]
    public async Task SecondServer_KeepsItsOwnMetrics_WhenTheFirstIsGone()
    {
        var first = new NbaServerFactory(kafka, redis);
        using (var client = first.CreateWebshopClient())
        {
            (await client.PostAsJsonAsync("/v1/decisions", new { customerId = $"cust-{first.Suffix}-1", touchpoint = "cart" })).EnsureSuccessStatusCode();
        }

        await using var second = new NbaServerFactory(kafka, redis);
        using var secondClient = second.CreateWebshopClient();
        (await secondClient.PostAsJsonAsync("/v1/decisions", new { customerId = $"cust-{second.Suffix}-2", touchpoint = "cart" })).EnsureSuccessStatusCode();
        await first.DisposeAsync();
        (await secondClient.PostAsJsonAsync("/v1/decisions", new { customerId = $"cust-{second.Suffix}-3", touchpoint = "cart" })).EnsureSuccessStatusCode();

        var deadline = DateTime.UtcNow.AddSeconds(20);
        var text = "";
        while (DateTime.UtcNow < deadline && !text.Contains("nba_decisions_total{", StringComparison.Ordinal))
        {
            await Task.Delay(250);
            text = await secondClient.GetStringAsync("/metrics");
        }

        Assert.Contains("nba_decisions_total{", text, StringComparison.Ordinal);
    }
}
