using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using NextBestAction.Decisioning.DecisionLog;
using NextBestAction.Decisioning.Serving;
using NextBestAction.IntegrationTests.Fixtures;
using NextBestAction.IntegrationTests.Reliability;
using NextBestAction.Profiles.Privacy;

namespace NextBestAction.IntegrationTests;

/// <summary>
/// A decision's life after the response, over HTTP with real redis-server and the Kafka mock cluster: its record
/// on nba.decisions, its impressions against the contact caps, its outcome and the cool-down a decline starts.
/// </summary>
public sealed class DecisionFlowTests(KafkaFixture kafka, RedisServerFixture redis)
    : RunningServerTests<DecisionFlowTests.DecisionsOnlyFactory>(new DecisionsOnlyFactory(kafka, redis))
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    private static object Request(string customerId, string productLine = "galaxy-s", bool debug = false, bool dryRun = false) => new
    {
        customerId,
        touchpoint = "checkout",
        channel = "web",
        context = new { cart = new[] { new { productId = "p-phone-1", category = "phones", productLine, price = 899.0, quantity = 1 } } },
        maxActions = 1,
        debug,
        dryRun,
    };

    private string Customer(string name) => $"cust-{Factory.Suffix}-{name}";

    private static async Task<DecisionDto> DecideAsync(HttpClient client, object request)
    {
        using var response = await client.PostAsJsonAsync("/v1/decisions", request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<DecisionDto>())!;
    }

    private static Task<HttpResponseMessage> OutcomeAsync(HttpClient client, string decisionId, string actionId, string outcome) =>
        client.PostAsJsonAsync($"/v1/decisions/{decisionId}/outcome", new { actionId, outcome });

    [Fact]
    public async Task Decision_IsLoggedToKafkaSealedWithTheCustomersKey_WithInputsCandidatesChoiceAndVersions()
    {
        using var client = Factory.CreateWebshopClient();
        var decision = await DecideAsync(client, Request(Customer("log")));

        var records = kafka.Consume(Factory.Topics.Decisions, 1, MaxWait);

        var record = Assert.Single(records);
        var subject = await Factory.Services.GetRequiredService<SubjectHasher>().HashAsync(decision.CustomerId);
        Assert.Equal(subject, record.Message.Key);
        Assert.DoesNotContain(decision.CustomerId, Encoding.UTF8.GetString(record.Message.Value), StringComparison.Ordinal);
        using var json = JsonDocument.Parse(record.Message.Value);
        var root = json.RootElement;
        Assert.Equal("decision.logged", root.GetProperty("type").GetString());
        Assert.Equal(decision.DecisionId, root.GetProperty("id").GetString());
        Assert.Equal(subject, root.GetProperty("subject").GetString());
        var envelope = root.GetProperty("data");
        Assert.Equal(decision.CatalogVersion, envelope.GetProperty("catalogVersion").GetString());
        Assert.False(envelope.TryGetProperty("features", out _));

        var sealedRecord = envelope.Deserialize(DecisionLogJsonContext.Default.SealedDecisionLogRecord)!;
        var key = Factory.Services.GetRequiredService<DecisionLogKeys>().Get(subject);
        var data = DecisionLogSealing.Open(sealedRecord, key);
        Assert.NotNull(data);
        Assert.Equal(decision.CustomerId, data.CustomerId);
        Assert.Equal(decision.ModelVersion, data.ModelVersion);
        Assert.Equal(899.0, data.Features["cart.value"]);
        Assert.Contains(data.Candidates, c => c.ActionId == decision.Actions[0].ActionId && Math.Abs(c.Score - decision.Actions[0].Score) < 1e-4);
        var chosen = Assert.Single(data.Chosen);
        Assert.Equal(decision.Actions[0].ActionId, chosen.ActionId);
        Assert.Equal(1.0, chosen.Probability);
        Assert.Equal("checkout", data.Touchpoint);
    }

    [Fact]
    public async Task DecisionAudit_ShowsTheServedDecisionWithItsReasonsAndOutcome_ToAKeyThatMayReadProfiles()
    {
        using var client = Factory.CreateWebshopClient();
        var decision = await DecideAsync(client, Request(Customer("audit")));
        using var outcome = await OutcomeAsync(client, decision.DecisionId, decision.Actions[0].ActionId, "accepted");

        using var response = await client.GetAsync($"/v1/decisions/{decision.DecisionId}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var audit = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(decision.CustomerId, audit.GetProperty("customerId").GetString());
        Assert.Equal("checkout", audit.GetProperty("touchpoint").GetString());
        var explanation = audit.GetProperty("explanation");
        Assert.Equal(decision.ModelVersion, explanation.GetProperty("modelVersion").GetString());
        Assert.False(string.IsNullOrEmpty(explanation.GetProperty("arbitration").GetProperty("reason").GetString()));
        var shown = Assert.Single(explanation.GetProperty("actions").EnumerateArray());
        Assert.Equal(decision.Actions[0].ActionId, shown.GetProperty("actionId").GetString());
        Assert.Equal(decision.Actions[0].Reasons, shown.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()!));
        Assert.NotEmpty(shown.GetProperty("explanation").EnumerateArray());
        Assert.Equal("accepted", audit.GetProperty("outcomes").GetProperty(decision.Actions[0].ActionId).GetString());

        using var unknown = await client.GetAsync("/v1/decisions/never-served");
        using var invalid = await client.GetAsync("/v1/decisions/bad%0Did");
        using var checkout = Factory.CreateClientWithKey(NbaServerFactory.CheckoutKey);
        using var forbidden = await checkout.GetAsync($"/v1/decisions/{decision.DecisionId}");
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.BadRequest, HttpStatusCode.Forbidden), (unknown.StatusCode, invalid.StatusCode, forbidden.StatusCode));
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        Assert.Equal("application/problem+json", invalid.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task DryRun_IsNotLoggedAndCannotGetAnOutcome()
    {
        using var client = Factory.CreateWebshopClient();
        var customer = Customer("dry");
        var dry = await DecideAsync(client, Request(customer, dryRun: true));
        var real = await DecideAsync(client, Request(customer));

        using var outcome = await OutcomeAsync(client, real.DecisionId, real.Actions[0].ActionId, "accepted");
        Assert.Equal(HttpStatusCode.OK, outcome.StatusCode);
        using var dryOutcome = await OutcomeAsync(client, dry.DecisionId, dry.Actions[0].ActionId, "accepted");
        Assert.Equal(HttpStatusCode.NotFound, dryOutcome.StatusCode);
        // One customer's records share a partition in the order they were queued: had the dry run (asked first)
        // been logged, it would come first.
        var first = Assert.Single(kafka.Consume(Factory.Topics.Decisions, 1, MaxWait));
        using var logged = JsonDocument.Parse(first.Message.Value);
        Assert.Equal(real.DecisionId, logged.RootElement.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Decline_IsRecordedOnce_PublishedAsFeedback_AndStartsTheCooldown()
    {
        using var client = Factory.CreateWebshopClient();
        var customer = Customer("decline");
        var decision = await DecideAsync(client, Request(customer));
        Assert.Equal("bundle-galaxy-s", decision.Actions[0].ActionId);

        using var declined = await OutcomeAsync(client, decision.DecisionId, "bundle-galaxy-s", "declined");
        using var repeated = await OutcomeAsync(client, decision.DecisionId, "bundle-galaxy-s", "declined");
        using var conflicting = await OutcomeAsync(client, decision.DecisionId, "bundle-galaxy-s", "accepted");

        Assert.Equal(HttpStatusCode.OK, declined.StatusCode);
        Assert.False((await declined.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("alreadyRecorded").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, repeated.StatusCode);
        Assert.True((await repeated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("alreadyRecorded").GetBoolean());
        Assert.Equal(HttpStatusCode.Conflict, conflicting.StatusCode);

        var feedback = Assert.Single(kafka.Consume(Factory.Topics.Feedback, 1, MaxWait), r => r.Message.Key == customer);
        using var feedbackEvent = JsonDocument.Parse(feedback.Message.Value);
        Assert.Equal("offer.declined", feedbackEvent.RootElement.GetProperty("type").GetString());
        Assert.Equal(decision.DecisionId, feedbackEvent.RootElement.GetProperty("data").GetProperty("decisionId").GetString());

        var next = await DecideAsync(client, Request(customer, debug: true, dryRun: true));
        Assert.NotEqual("bundle-galaxy-s", next.Actions[0].ActionId);
        var filtered = Assert.Single(next.Debug!.Filtered, f => f.ActionId == "bundle-galaxy-s");
        Assert.Equal("contact_policy", filtered.Stage);
        Assert.Contains("cool-down", filtered.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Outcome_ReportedTheMomentTheDecisionReturns_IsRecorded()
    {
        // A webshop may report the answer before the decision's record has reached Redis: the instance that decided
        // waits for it rather than answering 404.
        using var client = Factory.CreateWebshopClient();
        for (var i = 0; i < 20; i++)
        {
            var decision = await DecideAsync(client, Request(Customer($"at-once-{i}")));
            using var outcome = await OutcomeAsync(client, decision.DecisionId, decision.Actions[0].ActionId, "ignored");
            Assert.Equal(HttpStatusCode.OK, outcome.StatusCode);
        }
    }

    [Fact]
    public async Task Acceptance_FeedsTheAdaptiveCorrectionSharedThroughRedis()
    {
        using var client = Factory.CreateWebshopClient();
        var decision = await DecideAsync(client, Request(Customer("adaptive")));
        using var accepted = await OutcomeAsync(client, decision.DecisionId, decision.Actions[0].ActionId, "accepted");
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var store = Factory.Services.GetRequiredService<AdaptiveStore>();

        var statistics = await store.RefreshAsync();

        // One acceptance against the model's expected share of one impression: the factor rises above 1.
        Assert.True(statistics.Factor("checkout", decision.Actions[0].ActionId) > 1.0);
        Assert.Equal(1.0, statistics.Factor("account", decision.Actions[0].ActionId));
    }

    [Fact]
    public async Task Outcome_BadRequests_GetProblemResponses()
    {
        using var client = Factory.CreateWebshopClient();
        var decision = await DecideAsync(client, Request(Customer("bad-outcome")));
        using var first = await OutcomeAsync(client, decision.DecisionId, decision.Actions[0].ActionId, "ignored");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        using var unknownDecision = await OutcomeAsync(client, "no-such-decision", "bundle-galaxy-s", "accepted");
        using var otherAction = await OutcomeAsync(client, decision.DecisionId, "bundle-iphone", "accepted");
        using var badOutcome = await OutcomeAsync(client, decision.DecisionId, decision.Actions[0].ActionId, "maybe");
        using var malformed = await client.PostAsync($"/v1/decisions/{decision.DecisionId}/outcome", new StringContent("{", Encoding.UTF8, "application/json"));
        using var readOnly = Factory.CreateClientWithKey(NbaServerFactory.ReadOnlyKey);
        using var forbidden = await OutcomeAsync(readOnly, decision.DecisionId, decision.Actions[0].ActionId, "accepted");

        Assert.Equal(HttpStatusCode.NotFound, unknownDecision.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, otherAction.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badOutcome.StatusCode);
        Assert.Contains("outcome must be one of accepted, declined, ignored", await badOutcome.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.All([unknownDecision, otherAction, badOutcome, malformed, forbidden],
            r => Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType));
    }

    [Fact]
    public async Task Impressions_CountAgainstTheDailyCap()
    {
        using var client = Factory.CreateWebshopClient();
        var customer = Customer("cap");
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("bundle-galaxy-s", (await DecideAsync(client, Request(customer))).Actions[0].ActionId);
        }

        // Impressions are written after the response; poll with dry runs, which count nothing.
        DecisionDto? capped = null;
        await Wait.UntilAsync(async () =>
        {
            capped = await DecideAsync(client, Request(customer, debug: true, dryRun: true));
            return capped.Actions[0].ActionId != "bundle-galaxy-s";
        }, MaxWait, Poll);

        var filtered = Assert.Single(capped!.Debug!.Filtered, f => f.ActionId == "bundle-galaxy-s");
        Assert.Equal("shown 3 time(s) today; the cap is 3 per day", filtered.Reason);
    }

    [Fact]
    public async Task Debug_ExplainsEveryOtherActionAndTheFamilyChoice()
    {
        using var client = Factory.CreateWebshopClient();

        var decision = await DecideAsync(client, Request(Customer("debug"), debug: true, dryRun: true));

        Assert.NotNull(decision.Debug);
        Assert.NotNull(decision.Arbitration);
        Assert.Equal("bundle", decision.Arbitration!.Family);
        Assert.Contains(decision.Debug!.Filtered, f => f.ActionId == "bundle-iphone" && f.Stage == "eligibility");
        Assert.Contains(decision.Debug.Ranked, r => r.ActionId == "bundle-galaxy-s" && r.Chosen);
    }

    [Fact]
    public async Task OpenApiDocument_ListsTheRoutesWithExamples()
    {
        using var client = Factory.CreateClient();

        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/v1/decisions", out var decide));
        Assert.True(paths.TryGetProperty("/v1/decisions/{decisionId}/outcome", out _));
        var example = decide.GetProperty("post").GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("example");
        Assert.Equal("checkout", example.GetProperty("touchpoint").GetString());
    }

    /// <summary>
    /// The server without its ingestion consumer: these tests only decide and report outcomes, and every consumer
    /// group the test run starts adds to the shared mock cluster's group coordination.
    /// </summary>
    public sealed class DecisionsOnlyFactory(KafkaFixture kafka, RedisServerFixture redis) : NbaServerFactory(kafka, redis)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Server:RunIngestion", "false");
        }
    }
}
