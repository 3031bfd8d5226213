using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NextBestAction.IntegrationTests.Fixtures;
using NextBestAction.IntegrationTests.Reliability;
using NextBestAction.Profiles;

namespace NextBestAction.IntegrationTests.Privacy;

/// <summary>
/// Consent with provenance (GDPR Art. 7) over HTTP: a change is accepted, reaches the profile through the consent topic,
/// and is kept in the consent history with its sender, where it was collected and the text version, which the export shows.
/// </summary>
public sealed class ConsentTests(KafkaFixture kafka, RedisServerFixture redis)
    : RunningServerTests<NbaServerFactory>(new NbaServerFactory(kafka, redis))
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(45);

    private string Customer(string name) => $"cust-{Factory.Suffix}-{name}";

    [Fact]
    public async Task ConsentChange_IsApplied_AndKeptInTheHistoryWithItsProvenance_WhichTheExportShows()
    {
        var customer = Customer("consenting");
        using var desk = Factory.CreateClientWithKey(NbaServerFactory.PrivacyKey);

        using var response = await desk.PutAsJsonAsync($"/v1/customers/{customer}/consent",
            new { marketing = true, location = false, collectedVia = "app-settings", textVersion = "2026-11" });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Matches("^[0-9a-f]{32}$", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("eventId").GetString());
        CustomerProfile? profile = null;
        Assert.True(await Wait.UntilAsync(async () =>
        {
            profile = await Factory.ProfileStore.GetAsync(customer, DateTimeOffset.UtcNow);
            return profile?.Consent.Marketing == true;
        }, MaxWait, TimeSpan.FromMilliseconds(100)), "the consent change did not reach the profile");
        var record = Assert.Single(profile!.ConsentHistory);
        Assert.Equal((true, false, "app-settings", "2026-11", "/nba/api/privacy-desk"),
            (record.Marketing, record.Location, record.CollectedVia, record.TextVersion, record.Sender));

        var export = await desk.GetFromJsonAsync<JsonElement>($"/v1/customers/{customer}/export");
        var exported = Assert.Single(export.GetProperty("profile").GetProperty("consentHistory").EnumerateArray());
        Assert.Equal("2026-11", exported.GetProperty("textVersion").GetString());
    }

    [Theory]
    [InlineData("""{"marketing":true,"collectedVia":"app-settings"}""", "textVersion")]
    [InlineData("""{"marketing":true,"textVersion":"2026-11"}""", "collectedVia")]
    [InlineData("""{"collectedVia":"app-settings","textVersion":"2026-11"}""", "consent")]
    public async Task ConsentChange_WithoutProvenanceOrPurpose_IsAProblemNamingTheField(string body, string field)
    {
        using var desk = Factory.CreateClientWithKey(NbaServerFactory.PrivacyKey);

        using var response = await desk.PutAsync($"/v1/customers/{Customer("invalid")}/consent", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task ConsentRoute_NeedsTheConsentScope()
    {
        using var webshop = Factory.CreateWebshopClient();

        using var response = await webshop.PutAsJsonAsync($"/v1/customers/{Customer("scoped")}/consent",
            new { marketing = true, collectedVia = "checkout", textVersion = "2026-11" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
