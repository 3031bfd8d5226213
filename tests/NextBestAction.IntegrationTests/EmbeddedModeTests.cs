using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NextBestAction.IntegrationTests.Fixtures;
using NextBestAction.Notifications;
using NextBestAction.ServiceDefaults.Auth;
using NextBestAction.Simulator;

namespace NextBestAction.IntegrationTests;

/// <summary>
/// The all-in-one server with no Kafka or Redis configured: embedded mock cluster and Garnet, the traffic
/// simulator feeding ingestion, and the documented local API key.
/// </summary>
public sealed class EmbeddedModeTests : IAsyncLifetime
{
    private readonly EmbeddedServerFactory factory = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => factory.DisposeAsync();

    [Fact]
    public async Task EmbeddedServer_BecomesReady_AndDecidesWithTheLocalKey()
    {
        using var client = factory.CreateClient();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        HttpStatusCode ready;
        do
        {
            using var response = await client.GetAsync("/health/ready");
            ready = response.StatusCode;
            if (ready != HttpStatusCode.OK)
            {
                await Task.Delay(250);
            }
        }
        while (ready != HttpStatusCode.OK && DateTime.UtcNow < deadline);
        Assert.Equal(HttpStatusCode.OK, ready);

        client.DefaultRequestHeaders.Add("X-Api-Key", LocalDevelopmentKey.Value);
        var decision = await NbaServerFactory.DecideUntilAsync(client, new { customerId = "cust-00042", touchpoint = "checkout" }, _ => true, TimeSpan.Zero);

        var action = Assert.Single(decision.Actions);
        Assert.NotEmpty(action.Reasons);
    }

    [Fact]
    public async Task EmbeddedServer_SimulatedTraffic_ReachesProfilesInGarnet()
    {
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", LocalDevelopmentKey.Value);

        // Ten customers at 300 events/s: every one of them has events within seconds.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var found = false;
        while (!found && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500);
            for (var n = 1; n <= 10 && !found; n++)
            {
                using var response = await client.GetAsync($"/v1/customers/cust-{n:D5}/profile");
                found = response.StatusCode == HttpStatusCode.OK;
            }
        }

        Assert.True(found, "no simulated customer profile appeared in the embedded Redis within 60 s");
    }

    [Fact]
    public async Task EmbeddedServer_OnKestrel_SimulatedWebshopAsksTheApiAtCheckout_AndTheAnswersReachTheProfiles()
    {
        await using var kestrel = new EmbeddedServerFactory();
        kestrel.UseKestrel(0);
        kestrel.StartServer();
        using var client = kestrel.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", LocalDevelopmentKey.Value);
        var simulator = kestrel.Services.GetRequiredService<TrafficSimulator>();

        // Checkouts ask over real HTTP; each answer is an offer.accepted or offer.declined event on the feedback topic,
        // which ingestion applies to the customer's profile.
        var deadline = DateTime.UtcNow.AddSeconds(90);
        var answered = false;
        while (!answered && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500);
            for (var n = 1; n <= 10 && !answered; n++)
            {
                using var response = await client.GetAsync($"/v1/customers/cust-{n:D5}/profile");
                answered = response.IsSuccessStatusCode
                    && (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("profile").GetProperty("offerOutcomes").EnumerateObject().Any();
            }
        }

        Assert.True(simulator.DecisionsAnswered > 0, $"the simulator got no decision answered ({simulator.DecisionsFailed} requests failed)");
        Assert.True(answered, "no simulated customer's answer to an offer reached a profile within 90 s");
    }

    [Fact]
    public async Task EmbeddedServer_PlainHttpWebhookOnThisMachine_Accepted()
    {
        await using var withWebhook = factory.WithWebHostBuilder(b =>
        {
            b.UseSetting("Notifications:Webhook:Url", "http://127.0.0.1:9/hooks");
            b.UseSetting("Notifications:Webhook:Secret", "0123456789abcdef-secret");
        });

        // Start-up validates the webhook settings; outside embedded mode this URL needs Notifications:Webhook:AllowHttp.
        withWebhook.CreateClient().Dispose();

        Assert.True(withWebhook.Services.GetRequiredService<IOptions<NotificationOptions>>().Value.Webhook.AllowHttp);
    }

    private sealed class EmbeddedServerFactory : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("Simulator:Customers", "10");
            builder.UseSetting("Simulator:EventsPerSecond", "300");
        }
    }
}
