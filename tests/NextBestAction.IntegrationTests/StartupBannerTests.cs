using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NextBestAction.IntegrationTests.Fixtures;

namespace NextBestAction.IntegrationTests;

/// <summary>The start-up banner says which parts are embedded, and only those.</summary>
public sealed class StartupBannerTests(KafkaFixture kafka)
{
    [Fact]
    public async Task Banner_WithConfiguredKafkaAndEmbeddedRedis_NamesOnlyRedisAsEmbedded()
    {
        var logs = new CapturedLogs();
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Kafka:BootstrapServers", kafka.BootstrapServers);
            builder.UseSetting("Kafka:GroupId", $"nba-banner-{Guid.NewGuid():N}");
            builder.UseSetting("Decisions:WarmupMs", "0");
            builder.UseSetting("Server:RunIngestion", "false");
            builder.UseSetting("Auth:ApiKeys:0:Name", "webshop");
            builder.UseSetting("Auth:ApiKeys:0:Key", NbaServerFactory.WebshopKey);
            builder.UseSetting("Auth:ApiKeys:0:Scopes:0", "decide");
            builder.ConfigureServices(s => s.AddLogging(l => l.AddProvider(logs)));
        });

        factory.CreateClient().Dispose();

        var banner = logs.Entries.Where(e => e.Category == "NextBestAction.Server.StartupBanner").Select(e => e.Message).ToList();
        Assert.Contains(banner, m => m == $"Kafka bootstrap servers: {kafka.BootstrapServers} (configured)");
        Assert.Contains(banner, m => m.StartsWith("Redis endpoint: 127.0.0.1:", StringComparison.Ordinal) && m.EndsWith("(embedded Garnet)", StringComparison.Ordinal));
        Assert.Contains("Nothing embedded is kept after exit: the embedded Redis lives in this process's memory only", banner);
        var exports = Assert.Single(banner, m => m.Contains("export ", StringComparison.Ordinal));
        Assert.Matches(@"paste: export NBA_REDIS_PORT=\d+$", exports);
        Assert.DoesNotContain(banner, m => m.Contains("Kafka", StringComparison.Ordinal) && m.Contains("embedded", StringComparison.Ordinal));
        Assert.DoesNotContain(banner, m => m.Contains("local API key", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("http://localhost:5080", true, "http://localhost:5080/console")]
    [InlineData("http://127.0.0.1:8080/", true, "http://127.0.0.1:8080/console")]
    [InlineData("http://localhost:5080", false, null)]
    public void ConsoleUrl_OnTheFirstAddress_WhenTheApiRuns(string url, bool runApi, string? expected) =>
        Assert.Equal(expected, NextBestAction.Server.StartupBanner.ConsoleUrl([url, "http://[::]:9999"], runApi));

    [Fact]
    public void ConsoleSignInHint_NotFullyEmbedded_AsksForAKeyWithTheConsoleScope() =>
        Assert.Equal("an API key that has the console scope", NextBestAction.Server.StartupBanner.ConsoleSignInHint(new(null, null)));
}
