using System.Text.Json;
using NextBestAction.Decisioning.Catalog;
using NextBestAction.Decisioning.Engine;
using NextBestAction.Profiles;
using NextBestAction.Training.Simulation;

namespace NextBestAction.Training.Tests;

/// <summary>The simulated shop played in memory against the real engine and the hidden response model.</summary>
public sealed class SimulatedShopTests
{
    private static readonly DateTimeOffset Start = new(2026, 6, 1, 9, 0, 0, TimeSpan.Zero);

    private static ActionCatalog Catalog() => CatalogLoader.Load(Path.Combine(AppContext.BaseDirectory, "catalog", "actions.json"));

    private static List<SimulatedDecision> Play(int seed)
    {
        var engine = new DecisionEngine(new PriorPropensityModel(), new EpsilonGreedyPolicy(0.2), ProfileRules.Default);
        var shop = new SimulatedShop(Catalog(), customers: 300, seed, Start);
        return [.. shop.Play(30_000, (input, catalog, _) => engine.Decide(input, catalog))];
    }

    [Fact]
    public void Play_DecidesAtCheckouts_ScoresAgainstTheOracle_AndLogsLikeTheService()
    {
        var decisions = Play(seed: 7);

        Assert.NotEmpty(decisions);
        Assert.All(decisions, d => Assert.InRange(d.ExpectedValue, 0, d.OracleExpectedValue + 1e-9));
        Assert.Contains(decisions, d => d.Accepted);
        Assert.Contains(decisions, d => d.ShownActionId is not null && !d.Accepted);
        var first = decisions.First(d => d.ShownActionId is not null);
        using var record = JsonDocument.Parse(first.LogRecord);
        Assert.Equal("decision.logged", record.RootElement.GetProperty("type").GetString());
        Assert.Equal(first.DecisionId, record.RootElement.GetProperty("id").GetString());
    }

    [Fact]
    public void Play_SameSeed_SameDecisionsAndOutcomes()
    {
        var first = Play(seed: 11).Select(d => (d.DecisionId, d.ShownActionId, d.Accepted));
        var second = Play(seed: 11).Select(d => (d.DecisionId, d.ShownActionId, d.Accepted));

        Assert.Equal(first, second);
    }
}
