using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using NextBestAction.IntegrationTests.Fixtures;
using NextBestAction.IntegrationTests.Reliability;

namespace NextBestAction.IntegrationTests;

/// <summary>
/// Domain experts edit the catalog file while the service runs: a good version goes live without a restart, a bad
/// one is refused with errors that name the action and field, and the last good version stays live.
/// </summary>
public sealed class CatalogReloadTests(KafkaFixture kafka, RedisServerFixture redis)
    : RunningServerTests<CatalogReloadTests.TempCatalogFactory>(new TempCatalogFactory(kafka, redis))
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(20);

    private static string Catalog(string version, string title, string rule = "true") => $$"""
        {"version":"{{version}}","actions":[
          {"id":"service-advisor","kind":"service","title":"{{title}}","value":3,"eligibility":["{{rule}}"]}
        ]}
        """;

    private async Task<DecisionDto> DecideAsync(HttpClient client)
    {
        using var response = await client.PostAsJsonAsync("/v1/decisions", new { customerId = $"cust-{Factory.Suffix}", dryRun = true });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<DecisionDto>())!;
    }

    [Fact]
    public async Task EditedCatalog_GoesLive_BadVersionIsRefusedAndTheLastGoodStays()
    {
        using var webshop = Factory.CreateWebshopClient();
        using var admin = Factory.CreateClientWithKey(NbaServerFactory.AdminKey);
        Assert.StartsWith("v1+", (await DecideAsync(webshop)).CatalogVersion, StringComparison.Ordinal);

        await File.WriteAllTextAsync(Factory.CatalogPath, Catalog("v2", "Advisor call, second edition"));
        DecisionDto? reloaded = null;
        Assert.True(await Wait.UntilAsync(async () => (reloaded = await DecideAsync(webshop)).CatalogVersion.StartsWith("v2+", StringComparison.Ordinal),
            MaxWait, TimeSpan.FromMilliseconds(100)));
        Assert.Equal("Advisor call, second edition", reloaded!.Actions[0].Title);

        await File.WriteAllTextAsync(Factory.CatalogPath, Catalog("v3", "Broken", "cart.vaule >= 100"));
        using var refused = await admin.PostAsync("/v1/admin/catalog/reload", null);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("action \"service-advisor\": eligibility[0]: unknown attribute \"cart.vaule\"", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("v2+", problem.GetProperty("liveVersion").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("v2+", (await DecideAsync(webshop)).CatalogVersion, StringComparison.Ordinal);
        var status = await admin.GetFromJsonAsync<JsonElement>("/v1/admin/catalog");
        Assert.Contains("cart.vaule", status.GetProperty("lastRejection").GetString(), StringComparison.Ordinal);

        await File.WriteAllTextAsync(Factory.CatalogPath, Catalog("v4", "Advisor call, fixed"));
        using var accepted = await admin.PostAsync("/v1/admin/catalog/reload", null);

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var live = await accepted.Content.ReadFromJsonAsync<JsonElement>();
        Assert.StartsWith("v4+", live.GetProperty("catalogVersion").GetString(), StringComparison.Ordinal);
        Assert.True(!live.TryGetProperty("lastRejection", out var rejection) || rejection.ValueKind == JsonValueKind.Null);
    }

    [Fact]
    public async Task AdminRoutes_NeedTheAdminScope()
    {
        using var webshop = Factory.CreateWebshopClient();

        using var response = await webshop.PostAsync("/v1/admin/catalog/reload", null);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    /// <summary>The server reading its catalog from a file of the test's own, checked for changes every 100 ms.</summary>
    public sealed class TempCatalogFactory(KafkaFixture kafka, RedisServerFixture redis) : NbaServerFactory(kafka, redis)
    {
        public string CatalogPath { get; } = Path.Combine(Path.GetTempPath(), $"nba-catalog-{Guid.NewGuid():N}.json");

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            File.WriteAllText(CatalogPath, Catalog("v1", "Advisor call"));
            base.ConfigureWebHost(builder);
            builder.UseSetting("Decisions:CatalogPath", CatalogPath);
            builder.UseSetting("Decisions:CatalogReloadSeconds", "0.1");
            builder.UseSetting("Server:RunIngestion", "false");
        }

        public override async ValueTask DisposeAsync()
        {
            await base.DisposeAsync();
            File.Delete(CatalogPath);
            GC.SuppressFinalize(this);
        }
    }
}
