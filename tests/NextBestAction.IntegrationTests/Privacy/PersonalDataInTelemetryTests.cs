using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NextBestAction.IntegrationTests.Fixtures;
using NextBestAction.Decisioning.Privacy;
using NextBestAction.IntegrationTests.Reliability;
using NextBestAction.Profiles.Privacy;
using OpenTelemetry.Trace;

namespace NextBestAction.IntegrationTests.Privacy;

/// <summary>
/// A run that touches every route that takes a customer id (and ingestion, through an event) exports no span and
/// writes no log line that holds the id: spans carry route templates, not raw paths.
/// </summary>
[Collection(TelemetryTestsRunAlone.Name)]
public sealed class PersonalDataInTelemetryTests(KafkaFixture kafka, RedisServerFixture redis)
    : RunningServerTests<PersonalDataInTelemetryTests.ObservedServerFactory>(new ObservedServerFactory(kafka, redis))
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(30);

    /// <summary>The server with every trace sampled and exported to memory, and its log entries captured.</summary>
    public sealed class ObservedServerFactory(KafkaFixture kafka, RedisServerFixture redis) : NbaServerFactory(kafka, redis)
    {
        public LockedCollection<Activity> Spans { get; } = new();

        public CapturedLogs Logs { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Telemetry:SamplingRatio", "1");
            builder.ConfigureLogging(logging => logging.AddProvider(Logs));
            builder.ConfigureServices(services => services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(Spans)));
        }
    }

    [Fact]
    public async Task EveryCustomerRoute_AndAnEvent_LeaveTheIdInNoSpanAndNoLogLine()
    {
        var customer = $"cust-{Factory.Suffix}-private";
        await kafka.ProduceAsync(Factory.Topics.Clickstream, customer, CloudEvents.Create("cart.item_added", customer,
            new { productId = "p-private-1", category = "phones", productLine = "galaxy-s", price = 10.0, quantity = 1 }));
        Assert.True(await Wait.UntilAsync(async () => await Factory.ProfileStore.GetAsync(customer, DateTimeOffset.UtcNow) is not null,
            MaxWait, TimeSpan.FromMilliseconds(100)), "the event was not applied");

        using var webshop = Factory.CreateWebshopClient();
        using var decided = await webshop.PostAsJsonAsync("/v1/decisions", new { customerId = customer, touchpoint = "checkout", channel = "web", debug = true });
        var decision = (await decided.Content.ReadFromJsonAsync<DecisionDto>())!;
        var routes = new List<HttpResponseMessage>
        {
            await webshop.PostAsJsonAsync($"/v1/decisions/{decision.DecisionId}/outcome", new { actionId = decision.Actions[0].ActionId, outcome = "accepted" }),
            await webshop.GetAsync($"/v1/customers/{customer}/profile"),
            await webshop.GetAsync($"/v1/customers/{customer}/kpis"),
        };
        Assert.True(await Wait.UntilAsync(async () => (await webshop.GetAsync($"/v1/decisions/{decision.DecisionId}")).IsSuccessStatusCode,
            MaxWait, TimeSpan.FromMilliseconds(100)), "the decision was not recorded for the audit route");
        using var desk = Factory.CreateClientWithKey(NbaServerFactory.PrivacyKey);
        routes.Add(await desk.PutAsJsonAsync($"/v1/customers/{customer}/consent", new { marketing = false, collectedVia = "app-settings", textVersion = "v3" }));
        routes.Add(await desk.PutAsJsonAsync($"/v1/customers/{customer}/restriction", new { restricted = false, reason = "ticket-1" }));
        routes.Add(await desk.GetAsync($"/v1/customers/{customer}/export"));
        using var erasure = await desk.DeleteAsync($"/v1/customers/{customer}");
        Assert.Equal(System.Net.HttpStatusCode.OK, erasure.StatusCode);
        var requestId = (await erasure.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("requestId").GetString();
        routes.Add(await desk.GetAsync($"/v1/privacy/requests/{requestId}"));
        Assert.All(routes, r => Assert.True(r.IsSuccessStatusCode, $"{r.RequestMessage!.RequestUri!.AbsolutePath}: {(int)r.StatusCode}"));
        routes.ForEach(r => r.Dispose());

        // The receipt's server span ends last of the routes above.
        Assert.True(await Wait.UntilAsync(() => Task.FromResult(Factory.Spans.Snapshot().Any(s =>
            s.Kind == ActivityKind.Server && s.GetTagItem("url.path") as string == "/v1/privacy/requests/{requestId}")), MaxWait, TimeSpan.FromMilliseconds(50)));
        var spans = Factory.Spans.Snapshot();
        Assert.Contains(spans, s => s.GetTagItem("url.path") as string == "/v1/customers/{customerId}/profile");
        var leakingTags = spans.SelectMany(s => s.TagObjects.Select(t => (Span: s.DisplayName, t.Key, Value: t.Value?.ToString())))
            .Concat(spans.SelectMany(s => s.Events.SelectMany(e => e.Tags.Select(t => (Span: s.DisplayName, t.Key, Value: t.Value?.ToString())))))
            .Where(t => t.Value?.Contains(customer, StringComparison.Ordinal) == true)
            .ToList();
        Assert.True(leakingTags.Count == 0, string.Join('\n', leakingTags));
        Assert.DoesNotContain(spans, s => s.DisplayName.Contains(customer, StringComparison.Ordinal));
        var leakingLines = Factory.Logs.Entries
            .Where(e => e.Message.Contains(customer, StringComparison.Ordinal) || e.Exception?.ToString().Contains(customer, StringComparison.Ordinal) == true)
            .Select(e => $"{e.Category}: {e.Message}")
            .ToList();
        Assert.True(leakingLines.Count == 0, string.Join('\n', leakingLines));

        // Every personal-data read is in the audit log: what, by which key, the customer as subject hash only.
        var subject = await Factory.Services.GetRequiredService<SubjectHasher>().HashAsync(customer);
        var audited = Factory.Logs.Entries.Where(e => e.Category == PersonalDataAudit.Category && e.Message.Contains(subject, StringComparison.Ordinal)).ToList();
        Assert.Contains(audited, e => e.Message.Contains("debug-decision", StringComparison.Ordinal) && e.Message.Contains("by API key webshop", StringComparison.Ordinal));
        Assert.Contains(audited, e => e.Message.Contains("profile of", StringComparison.Ordinal) && e.Message.Contains("/v1/customers/{customerId}/profile", StringComparison.Ordinal));
        Assert.Contains(audited, e => e.Message.Contains("decision of", StringComparison.Ordinal) && e.Message.Contains("/v1/decisions/{decisionId}", StringComparison.Ordinal));
        Assert.Contains(audited, e => e.Message.Contains("export of", StringComparison.Ordinal) && e.Message.Contains("by API key privacy-desk", StringComparison.Ordinal));
    }
}
