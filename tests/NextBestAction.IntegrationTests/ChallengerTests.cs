using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using NextBestAction.Decisioning.DecisionLog;
using NextBestAction.Decisioning.Models;
using NextBestAction.IntegrationTests.Fixtures;
using NextBestAction.Profiles.Privacy;

namespace NextBestAction.IntegrationTests;

/// <summary>
/// A challenger in shadow over HTTP, with real redis-server and the Kafka mock cluster: the response is the champion's,
/// and the sealed decision-log record carries the challenger's decision on the same input.
/// </summary>
public sealed class ChallengerTests(KafkaFixture kafka, RedisServerFixture redis)
    : RunningServerTests<ChallengerTests.ChallengerFactory>(new ChallengerFactory(kafka, redis))
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task ChallengerInShadow_TheResponseIsTheChampions_AndTheLoggedRecordCarriesTheChallengersDecision()
    {
        using var client = Factory.CreateWebshopClient();
        var customerId = $"cust-{Factory.Suffix}-shadow";
        using var response = await client.PostAsJsonAsync("/v1/decisions", new
        {
            customerId,
            touchpoint = "checkout",
            channel = "web",
            context = new { cart = new[] { new { productId = "p-phone-1", category = "phones", productLine = "galaxy-s", price = 899.0, quantity = 1 } } },
            maxActions = 1,
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var decision = (await response.Content.ReadFromJsonAsync<DecisionDto>())!;

        Assert.Equal(ChallengerFactory.Champion, decision.ModelVersion);
        var record = Assert.Single(kafka.Consume(Factory.Topics.Decisions, 1, MaxWait));
        var sealedRecord = JsonDocument.Parse(record.Message.Value).RootElement.GetProperty("data").Deserialize(DecisionLogJsonContext.Default.SealedDecisionLogRecord)!;
        Assert.Equal((ChallengerFactory.Champion, DecisionGroups.Treatment), (sealedRecord.ModelVersion, sealedRecord.Group));
        var subject = await Factory.Services.GetRequiredService<SubjectHasher>().HashAsync(customerId);
        var logged = DecisionLogSealing.Open(sealedRecord, Factory.Services.GetRequiredService<DecisionLogKeys>().Get(subject))!;
        Assert.Equal(decision.Actions.Select(a => a.ActionId), logged.Chosen.Select(c => c.ActionId));
        Assert.Equal(ChallengerFactory.Champion, logged.ModelVersion);

        var shadow = logged.Shadow;
        Assert.NotNull(shadow);
        Assert.Equal(ChallengerFactory.Challenger, shadow.ModelVersion);
        Assert.Equal(1.0, shadow.Candidates.Sum(c => c.Probability), 9);
        Assert.Single(shadow.Chosen);
        Assert.Equal(logged.Candidates.Select(c => c.ActionId).Order(StringComparer.Ordinal), shadow.Candidates.Select(c => c.ActionId).Order(StringComparer.Ordinal));
        // The two models score every candidate differently (one favours bundles, the other services).
        Assert.All(shadow.Candidates, s => Assert.NotEqual(logged.Candidates.Single(c => c.ActionId == s.ActionId).Propensity, s.Propensity, 6));
    }

    [Fact]
    public async Task ModelStatus_ShowsTheChallengerInShadow()
    {
        using var admin = Factory.CreateClientWithKey(NbaServerFactory.AdminKey);

        var status = await admin.GetFromJsonAsync<JsonElement>("/v1/admin/model", TestContext.Current.CancellationToken);

        Assert.Equal(ChallengerFactory.Champion, status.GetProperty("modelVersion").GetString());
        var challenger = status.GetProperty("challenger");
        Assert.Equal(ChallengerFactory.Challenger, challenger.GetProperty("modelVersion").GetString());
        Assert.Equal("shadow", challenger.GetProperty("mode").GetString());
        Assert.Equal(0.0, challenger.GetProperty("trafficShare").GetDouble());
    }

    /// <summary>The server with a model registry of two versions: <see cref="Champion"/> live, <see cref="Challenger"/> beside it.</summary>
    public sealed class ChallengerFactory(KafkaFixture kafka, RedisServerFixture redis) : NbaServerFactory(kafka, redis)
    {
        public const string Champion = "champion-1";
        public const string Challenger = "challenger-1";

        private readonly string registry = Path.Combine(Path.GetTempPath(), $"nba-registry-{Guid.NewGuid():N}");

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            // The champion gives bundles the higher propensity, the challenger services.
            TestModelVersions.Write(registry, Champion, bundle: 1, service: -1);
            TestModelVersions.Write(registry, Challenger, bundle: -1, service: 1);
            File.WriteAllText(Path.Combine(registry, ModelRegistry.CurrentFile), Champion);
            File.WriteAllText(Path.Combine(registry, ModelRegistry.ChallengerFile), Challenger + "\n");
            builder.UseSetting("Server:RunIngestion", "false");
            builder.UseSetting("Models:Directory", registry);
            builder.UseSetting("Models:ReloadSeconds", "0");
        }

        public override async ValueTask DisposeAsync()
        {
            await base.DisposeAsync();
            if (Directory.Exists(registry))
            {
                Directory.Delete(registry, recursive: true);
            }
        }
    }
}
