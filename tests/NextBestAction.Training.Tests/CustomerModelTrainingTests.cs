using System.Text.Json.Nodes;
using NextBestAction.Contracts;
using NextBestAction.Decisioning.Catalog;
using NextBestAction.Decisioning.Engine;
using NextBestAction.Decisioning.Models;
using NextBestAction.Profiles;
using NextBestAction.Training.History;
using NextBestAction.Training.Propensity;
using NextBestAction.Training.Reporting;

namespace NextBestAction.Training.Tests;

/// <summary>
/// The churn and value models trained by <c>train --orders</c> on a history whose order behaviour follows a hidden rule of
/// the logged customer features, then loaded by the serving registry and used by the engine.
/// </summary>
public sealed class CustomerModelTrainingTests
{
    private const double MinimumChurnAuc = 0.75;
    private static readonly TimeSpan Horizon = TimeSpan.FromDays(1);
    private static readonly DateTimeOffset Now = new(2026, 4, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Lapsing is likelier with broken promises and unanswered contacts, rarer with many past orders.</summary>
    private static double LapseProbability(IReadOnlyDictionary<string, double> f) =>
        1 / (1 + Math.Exp(-(0.5 + (1.2 * f["promises.broken90d"]) + (0.8 * f["service.notFirstTimeRight"]) - (1.1 * f["orders.count"]))));

    /// <summary>Those who stay order once or twice, for more the more they ordered before.</summary>
    private static double OrderTotal(IReadOnlyDictionary<string, double> f) => 80 + (120 * f["orders.count"]) + (40 * f["offers.bundlesAccepted"]);

    /// <summary>What the hidden rule gave a decision's customer: the true lapse probability and expected spend, and what happened.</summary>
    private sealed record Truth(double LapseProbability, double ExpectedSpend, bool Lapsed, double Spend);

    private static (string Orders, Dictionary<string, Truth> Truth) WriteOrders(SyntheticHistory history, string directory, int seed)
    {
        var random = new Random(seed);
        var lines = new List<string>();
        var truth = new Dictionary<string, Truth>(StringComparer.Ordinal);
        var n = 0;
        foreach (var decision in history.Decisions)
        {
            var lapse = LapseProbability(decision.Features);
            var orders = decision.Features["orders.count"] >= 2 ? 2 : 1;
            var total = OrderTotal(decision.Features);
            var lapsed = random.NextDouble() < lapse;
            truth[decision.DecisionId] = new Truth(lapse, (1 - lapse) * orders * total, lapsed, lapsed ? 0 : orders * total);
            if (lapsed)
            {
                continue;
            }

            for (var o = 0; o < orders; o++)
            {
                var at = decision.At + (Horizon * (0.1 + (0.8 * random.NextDouble())));
                lines.Add(Order($"o-{n++}", decision.CustomerId, at, OrderTotal(decision.Features)));
            }
        }

        // The history reaches past every decision's horizon.
        lines.Add(Order($"o-{n}", "c-last", history.Decisions[^1].At + Horizon + TimeSpan.FromHours(1), 10));
        var path = Path.Combine(directory, "orders.jsonl");
        File.WriteAllLines(path, lines);
        return (path, truth);
    }

    private static string Order(string orderId, string customer, DateTimeOffset at, double total)
    {
        var envelope = new JsonObject
        {
            ["specversion"] = "1.0",
            ["id"] = orderId,
            ["source"] = "/test/orders",
            ["type"] = EventTypes.OrderPlaced,
            ["time"] = at.ToString("O"),
            ["subject"] = customer,
            ["data"] = new JsonObject
            {
                ["orderId"] = orderId,
                ["items"] = new JsonArray(new JsonObject { ["productId"] = "p-1", ["category"] = "phones", ["productLine"] = "pixel", ["price"] = total, ["quantity"] = 1 }),
                ["total"] = total,
                ["promisedDeliveryDate"] = at.AddDays(2).ToString("O"),
            },
        };
        return envelope.ToJsonString();
    }

    private static TrainSettings Settings((string Decisions, string Outcomes) files, string orders, string models) => new(
        HistorySource.TryParse(files.Decisions, out _)!,
        HistorySource.TryParse(files.Outcomes, out _)!,
        null,
        models,
        "customers-test",
        new TrainerOptions(42, Trees: 60, Leaves: 12, LearningRate: 0.2, MinimumExampleCountPerLeaf: 10),
        HoldoutFraction: 0.2,
        Now,
        HistorySource.TryParse(orders, out _),
        Horizon);

    [Fact]
    public async Task Train_WithOrders_ChurnAndValueModelsLearnTheHiddenRuleAndTheRegistryServesThem()
    {
        using var temp = new TempDirectory();
        // Nearly every decision is its own customer, so each snapshot's horizon holds only its own orders.
        var history = SyntheticHistory.Generate(seed: 3, decisions: 3000, customers: 1_000_000);
        var files = history.WriteFiles(temp.Path);
        var (orders, truth) = WriteOrders(history, temp.Path, seed: 4);
        var output = new StringWriter();

        var result = await PropensityTraining.RunAsync(Settings(files, orders, Path.Combine(temp.Path, "models")), output, TestContext.Current.CancellationToken);

        var customers = result.Report.CustomerModels;
        Assert.NotNull(customers);
        Assert.Empty(customers.Warnings);
        Assert.Equal(0, customers.Censored);
        var churn = customers.Churn!;
        Assert.True(churn.Model.Auc >= MinimumChurnAuc, $"churn AUC {churn.Model.Auc} below {MinimumChurnAuc}");
        // The logged churn.risk is noise here, so the model must beat it clearly.
        Assert.True(churn.Model.Auc > churn.Baseline.Auc + 0.1, $"churn AUC {churn.Model.Auc} not clearly above the logged prior's {churn.Baseline.Auc}");
        var validation = history.Decisions.Skip(2400).Select(d => truth[d.DecisionId]).ToList();
        var oracleAuc = Metrics.Auc([.. validation.Select(t => t.LapseProbability)], [.. validation.Select(t => t.Lapsed)]);
        Assert.True(churn.Model.Auc >= oracleAuc - 0.05, $"churn AUC {churn.Model.Auc} more than 0.05 below the hidden probabilities' {oracleAuc}");
        var value = customers.Value!;
        // Who lapses is a coin flip even for the hidden rule, so its expected spend is the bar, not a perfect fit.
        var oracleRSquared = Metrics.RSquared([.. validation.Select(t => t.ExpectedSpend)], [.. validation.Select(t => t.Spend)]);
        Assert.True(value.RSquared >= oracleRSquared - 0.1, $"value R² {value.RSquared} more than 0.1 below the hidden expected spend's {oracleRSquared}");
        Assert.True(value.Rmse < value.BaselineRmse, $"value RMSE {value.Rmse} not below the mean-for-everyone baseline's {value.BaselineRmse}");
        Assert.Contains(churn.FeatureImportance.Take(3).Select(f => f.Feature), f => f is "promises.broken90d" or "orders.count" or "service.notFirstTimeRight");
        Assert.Equal("orders.count", value.FeatureImportance[0].Feature);
        Assert.Contains("## Churn and value models (1-day horizon)", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(
            ["churn.json", "churn.zip", "model.json", "model.zip", "report.json", "report.md", "value.json", "value.zip"],
            Directory.GetFiles(result.Directory).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        // Serving: the registry loads all three, and a decision's churn risk and value are the models'.
        var served = ModelDirectory.Load(result.Directory);
        var set = Assert.IsType<CustomerModelSet>(served.CustomerModels);
        Assert.Equal("customers-test-churn, customers-test-value", set.Version);
        var loyal = Features(orders: 3, broken: 0);
        var troubled = Features(orders: 0, broken: 3);
        set.Apply(new RuleScope(loyal));
        set.Apply(new RuleScope(troubled));
        Assert.True(loyal.ChurnFromModel && troubled.ChurnFromModel);
        Assert.True(troubled.ChurnRisk > loyal.ChurnRisk + 0.3, $"troubled {troubled.ChurnRisk} vs loyal {loyal.ChurnRisk}");
        Assert.True(loyal.CustomerValue > troubled.CustomerValue, $"loyal value {loyal.CustomerValue} vs troubled {troubled.CustomerValue}");
        Assert.InRange(loyal.ValueWeight, DecisionFeatures.MinValueWeight, DecisionFeatures.MaxValueWeight);
    }

    [Fact]
    public async Task Train_WithOrdersThatEndBeforeTheHorizons_WritesNoCustomerModelsAndSaysWhy()
    {
        using var temp = new TempDirectory();
        var history = SyntheticHistory.Generate(seed: 5, decisions: 1500);
        var files = history.WriteFiles(temp.Path);
        var orders = Path.Combine(temp.Path, "orders.jsonl");
        File.WriteAllLines(orders, [Order("o-1", "c-1", SyntheticHistory.Start, 100)]);

        var result = await PropensityTraining.RunAsync(Settings(files, orders, Path.Combine(temp.Path, "models")), TextWriter.Null, TestContext.Current.CancellationToken);

        var customers = result.Report.CustomerModels!;
        Assert.Equal(1500, customers.Censored);
        Assert.Null(customers.Churn);
        Assert.Null(customers.Value);
        Assert.Contains(customers.Warnings, w => w.Contains("--horizon-days", StringComparison.Ordinal));
        Assert.False(File.Exists(Path.Combine(result.Directory, ModelDirectory.ChurnFile)));
        Assert.Null(ModelDirectory.Load(result.Directory).CustomerModels);
    }

    /// <summary>Features of a known customer computed the way serving computes them, from a profile.</summary>
    private static DecisionFeatures Features(int orders, int broken)
    {
        var now = Now;
        var profile = new CustomerProfile { CustomerId = "c-test", OrderCount = orders, FirstSeenAt = now.AddDays(-400) };
        for (var i = 0; i < broken; i++)
        {
            var promised = now.AddDays(-12 - i);
            profile.BrokenPromises.Add(new BrokenPromise($"o-{i}", promised, promised.AddDays(2)));
        }

        var catalog = CatalogLoader.Load(Path.Combine(AppContext.BaseDirectory, "catalog", "actions.json"));
        return DecisionFeatures.Compute(profile, ContactHistory.Empty, "checkout", "web", [], now, catalog, ProfileRules.Default);
    }
}
