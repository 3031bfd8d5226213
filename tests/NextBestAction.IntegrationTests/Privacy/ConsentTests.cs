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
    public async Task Restriction_KeepsTheDataButDecisionsUseNoneOfIt_UntilLifted()
    {
        var customer = Customer("restricted");
        await kafka.ProduceAsync(Factory.Topics.Clickstream, customer, CloudEvents.Create("cart.item_added", customer,
            new { productId = "p-r-1", category = "phones", productLine = "galaxy-s", price = 899.0, quantity = 1 }));
        await ProfileWhenAsync(customer, p => p.Cart.Count == 1);
        using var desk = Factory.CreateClientWithKey(NbaServerFactory.PrivacyKey);
        using var webshop = Factory.CreateWebshopClient();

        using var restricted = await desk.PutAsJsonAsync($"/v1/customers/{customer}/restriction", new { restricted = true, reason = "ticket-4711" });
        Assert.Equal(HttpStatusCode.Accepted, restricted.StatusCode);
        var profile = await ProfileWhenAsync(customer, p => p.Consent.Restricted == true);

        Assert.Single(profile.Cart);
        var statement = profile.ConsentHistory[^1];
        Assert.Equal((true, "ticket-4711", "/nba/api/privacy-desk"), (statement.Restricted, statement.Reason, statement.Sender));
        var whileRestricted = await DecideAsync(webshop, customer);
        Assert.Contains(whileRestricted.Actions[0].Reasons, r => r.StartsWith("CONTEXT_ONLY: processing", StringComparison.Ordinal));
        Assert.NotEqual("bundle-galaxy-s", whileRestricted.Actions[0].ActionId);

        using var lifted = await desk.PutAsJsonAsync($"/v1/customers/{customer}/restriction", new { restricted = false, reason = "ticket-4712" });
        Assert.Equal(HttpStatusCode.Accepted, lifted.StatusCode);
        await ProfileWhenAsync(customer, p => p.Consent.Restricted == false);
        var afterwards = await DecideAsync(webshop, customer);
        Assert.Equal("bundle-galaxy-s", afterwards.Actions[0].ActionId);
    }

    [Theory]
    [InlineData("""{"reason":"ticket-1"}""", "restricted")]
    [InlineData("""{"restricted":true}""", "reason")]
    [InlineData("""{"restricted":true,"reason":"a\r\nb"}""", "reason")]
    public async Task Restriction_WithoutItsStateOrReason_IsAProblemNamingTheField(string body, string field)
    {
        using var desk = Factory.CreateClientWithKey(NbaServerFactory.PrivacyKey);

        using var response = await desk.PutAsync($"/v1/customers/{Customer("invalid")}/restriction", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _));
    }

    private async Task<CustomerProfile> ProfileWhenAsync(string customer, Func<CustomerProfile, bool> condition)
    {
        CustomerProfile? profile = null;
        Assert.True(await Wait.UntilAsync(async () =>
        {
            profile = await Factory.ProfileStore.GetAsync(customer, DateTimeOffset.UtcNow);
            return profile is not null && condition(profile);
        }, MaxWait, TimeSpan.FromMilliseconds(100)), "the profile never reached the expected state");
        return profile!;
    }

    private static async Task<DecisionDto> DecideAsync(HttpClient webshop, string customer)
    {
        using var response = await webshop.PostAsJsonAsync("/v1/decisions", new { customerId = customer, touchpoint = "checkout", channel = "web", dryRun = true });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<DecisionDto>())!;
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
