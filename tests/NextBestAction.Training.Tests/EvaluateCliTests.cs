using System.Globalization;
using System.Text;
using System.Text.Json;
using NextBestAction.Decisioning.Catalog;
using NextBestAction.Decisioning.Engine;
using NextBestAction.Decisioning.Serving;
using NextBestAction.Profiles;
using NextBestAction.Training.Cli;
using NextBestAction.Training.Evaluation;
using NextBestAction.Training.Simulation;

namespace NextBestAction.Training.Tests;

/// <summary><c>evaluate</c> on a history the simulated shop logged with the prior and epsilon-greedy exploration.</summary>
public sealed class EvaluateCliTests
{
    private const double Epsilon = 0.2;

    private static readonly FixedClock Clock = new(new DateTimeOffset(2026, 7, 1, 12, 0, 0, TimeSpan.Zero));

    private static Task<(int Code, string Output, string Error)> Run(params string[] args) => CliRun.RunAsync(Clock, args);

    /// <summary>Plays the shop with the prior and epsilon-greedy, writes its log and feedback, and returns the mean realised reward of the first slot.</summary>
    internal static (string Decisions, string Outcomes, double MeanReward, int Shown) Explore(string directory)
    {
        var catalog = CatalogLoader.Load(Path.Combine(AppContext.BaseDirectory, "catalog", "actions.json"));
        var engine = new DecisionEngine(new PriorPropensityModel(), new EpsilonGreedyPolicy(Epsilon), ProfileRules.Default);
        var shop = new SimulatedShop(catalog, customers: 300, seed: 5, new DateTimeOffset(2026, 6, 1, 9, 0, 0, TimeSpan.Zero));
        var played = shop.Play(30_000, (input, c, _) => engine.Decide(input, c)).ToList();
        var decisions = Path.Combine(directory, "decisions.jsonl");
        var outcomes = Path.Combine(directory, "outcomes.jsonl");
        File.WriteAllLines(decisions, played.Select(d => Encoding.UTF8.GetString(d.LogRecord)));
        File.WriteAllLines(outcomes, shop.OutcomeEvents.Select(e => Encoding.UTF8.GetString(e)));
        var shown = played.Where(d => d.ShownActionId is not null).ToList();
        var mean = shown.Average(d => d.Accepted ? d.Decision.Picks[0].Candidate.Action.Value : 0);
        return (decisions, outcomes, mean, shown.Count);
    }

    private static Dictionary<string, JsonElement> Estimates(JsonElement report) =>
        report.GetProperty("estimates").EnumerateArray().ToDictionary(e => e.GetProperty("method").GetString()!, e => e);

    [Fact]
    public async Task Evaluate_TheLoggingPolicyItself_EstimatesItsObservedMeanReward()
    {
        using var temp = new TempDirectory();
        var (decisions, outcomes, mean, shown) = Explore(temp.Path);
        var reportDirectory = Path.Combine(temp.Path, "evaluation");

        var (code, output, error) = await Run("evaluate", "--decisions", decisions, "--outcomes", outcomes, "--model", "prior",
            "--epsilon", "0.2", "--out", reportDirectory);

        Assert.True(code == 0, error);
        Assert.Contains("| IPS |", output, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(reportDirectory, PolicyEvaluation.ReportFile)));
        var report = document.RootElement;
        Assert.True(File.Exists(Path.Combine(reportDirectory, PolicyEvaluation.ReportMarkdownFile)));
        Assert.Equal(shown, report.GetProperty("samples").GetInt32());
        Assert.Equal(mean, report.GetProperty("logged").GetProperty("value").GetDouble(), 9);
        var estimates = Estimates(report);
        Assert.Equal(["IPS", "SNIPS", "DR", "DM"], estimates.Keys);

        // Re-ranking the logged candidates by the logged propensities reproduces the engine's ranking, so every
        // importance weight is exactly 1 and IPS is the observed mean.
        Assert.Equal(mean, estimates["IPS"].GetProperty("value").GetDouble(), 9);
        Assert.Equal(shown, estimates["IPS"].GetProperty("matched").GetInt32());
        Assert.Equal(shown, estimates["IPS"].GetProperty("effectiveSampleSize").GetDouble(), 6);
        Assert.Equal(mean, estimates["SNIPS"].GetProperty("value").GetDouble(), 9);
        var dr = estimates["DR"];
        Assert.InRange(mean, dr.GetProperty("lower").GetDouble(), dr.GetProperty("upper").GetDouble());
        Assert.InRange(dr.GetProperty("value").GetDouble(), 0.9 * mean, 1.1 * mean);
    }

    [Fact]
    public async Task Evaluate_LogWithAHoldoutGroup_ReportsTheMeasuredUpliftOverIt()
    {
        using var temp = new TempDirectory();
        var catalog = CatalogLoader.Load(Path.Combine(AppContext.BaseDirectory, "catalog", "actions.json"));
        var engine = new DecisionEngine(new PriorPropensityModel(), new GreedyPolicy(), ProfileRules.Default);
        var shop = new SimulatedShop(catalog, customers: 300, seed: 6, new DateTimeOffset(2026, 6, 1, 9, 0, 0, TimeSpan.Zero), holdout: new Holdout(30, "uplift-test"));
        var played = shop.Play(30_000, (input, c, _) => engine.Decide(input, c)).Where(d => d.ShownActionId is not null).ToList();
        var decisions = Path.Combine(temp.Path, "decisions.jsonl");
        var outcomes = Path.Combine(temp.Path, "outcomes.jsonl");
        File.WriteAllLines(decisions, played.Select(d => Encoding.UTF8.GetString(d.LogRecord)));
        File.WriteAllLines(outcomes, shop.OutcomeEvents.Select(e => Encoding.UTF8.GetString(e)));
        var control = new Holdout(30, "uplift-test");
        double Mean(bool inControl) => played.Where(d => control.IsControl(d.Moment.CustomerId) == inControl)
            .Average(d => d.Accepted ? d.Decision.Picks[0].Candidate.Action.Value : 0);

        var (code, output, error) = await Run("evaluate", "--decisions", decisions, "--outcomes", outcomes, "--model", "prior", "--out", temp.Path);

        Assert.True(code == 0, error);
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(temp.Path, PolicyEvaluation.ReportFile)));
        var holdout = document.RootElement.GetProperty("holdout");
        Assert.Equal(played.Count(d => control.IsControl(d.Moment.CustomerId)), holdout.GetProperty("control").GetProperty("decisions").GetInt32());
        Assert.Equal(Mean(inControl: false), holdout.GetProperty("treatment").GetProperty("valuePerDecision").GetDouble(), 9);
        Assert.Equal(Mean(inControl: true), holdout.GetProperty("control").GetProperty("valuePerDecision").GetDouble(), 9);
        Assert.Equal(Mean(false) - Mean(true), holdout.GetProperty("uplift").GetDouble(), 9);
        Assert.InRange(holdout.GetProperty("uplift").GetDouble(), holdout.GetProperty("lower").GetDouble(), holdout.GetProperty("upper").GetDouble());
        Assert.Contains("## Uplift over the holdout group", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evaluate_Greedy_WeighsOnlyTheDecisionsWhereExplorationShowedTheTopAction()
    {
        using var temp = new TempDirectory();
        var (decisions, outcomes, _, shown) = Explore(temp.Path);
        var reportDirectory = Path.Combine(temp.Path, "evaluation");

        var (code, _, error) = await Run("evaluate", "--decisions", decisions, "--outcomes", outcomes, "--model", "prior", "--out", reportDirectory);

        Assert.True(code == 0, error);
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(reportDirectory, PolicyEvaluation.ReportFile)));
        var ips = Estimates(document.RootElement)["IPS"];
        Assert.Equal("greedy", document.RootElement.GetProperty("policy").GetString());
        Assert.InRange(ips.GetProperty("matched").GetInt32(), (int)(0.7 * shown), shown - 1);
        Assert.True(ips.GetProperty("effectiveSampleSize").GetDouble() < shown);
    }

    [Fact]
    public async Task Evaluate_ATrainedModel_ScoresTheLoggedFeaturesAndWritesItsVersion()
    {
        using var temp = new TempDirectory();
        var (decisions, outcomes, mean, shown) = Explore(temp.Path);
        var models = Path.Combine(temp.Path, "models");
        var trained = await Run("train", "--decisions", decisions, "--outcomes", outcomes, "--out", models, "--version", "v1", "--trees", "20", "--leaves", "8");
        Assert.True(trained.Code == 0, trained.Error);

        var (code, output, error) = await Run("evaluate", "--decisions", decisions, "--outcomes", outcomes, "--model", Path.Combine(models, "v1"),
            "--epsilon", "0.1", "--bootstrap-resamples", "200");

        Assert.True(code == 0, error);
        Assert.Contains("# Off-policy evaluation of epsilon-greedy(0.1) on v1", output, StringComparison.Ordinal);
        Assert.DoesNotContain("missing from the log", output, StringComparison.Ordinal);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"| logging policy (observed) | {mean:0.0000} |"), output, StringComparison.Ordinal);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"{shown} decisions evaluated"), output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--epsilon", "1.5", "--epsilon must be between 0 and 1.")]
    [InlineData("--bootstrap-resamples", "-1", "--bootstrap-resamples must be between 0 and 100000, was -1.")]
    [InlineData("--outcomes", "kafka:", "--outcomes: \"kafka:\" names no topic")]
    public async Task Evaluate_BadOption_IsAUsageError(string option, string value, string expected)
    {
        var (code, _, error) = await Run(CliArguments.With(["evaluate", "--decisions", "d.jsonl", "--outcomes", "o.jsonl", "--model", "prior"], option, value));

        Assert.Equal(TrainingCli.UsageError, code);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evaluate_WithoutModel_IsAUsageError()
    {
        var (code, _, error) = await Run("evaluate", "--decisions", "d.jsonl", "--outcomes", "o.jsonl");

        Assert.Equal(TrainingCli.UsageError, code);
        Assert.Contains("--model", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evaluate_MissingFileOrModel_FailsNamingIt()
    {
        using var temp = new TempDirectory();
        var outcomes = Path.Combine(temp.Path, "outcomes.jsonl");
        await File.WriteAllTextAsync(outcomes, "", TestContext.Current.CancellationToken);
        var missing = Path.Combine(temp.Path, "nope.jsonl");

        var noFile = await Run("evaluate", "--decisions", missing, "--outcomes", outcomes, "--model", "prior");
        var noModel = await Run("evaluate", "--decisions", outcomes, "--outcomes", outcomes, "--model", Path.Combine(temp.Path, "models", "v1"));

        Assert.Equal(TrainingCli.Failed, noFile.Code);
        Assert.Contains($"{missing}: file not found", noFile.Error, StringComparison.Ordinal);
        Assert.Equal(TrainingCli.Failed, noModel.Code);
        Assert.Contains("models", noModel.Error, StringComparison.Ordinal);
        Assert.Contains("model.json", noModel.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evaluate_NoDecisions_FailsSayingWhy()
    {
        using var temp = new TempDirectory();
        var decisions = Path.Combine(temp.Path, "decisions.jsonl");
        await File.WriteAllLinesAsync(decisions, ["not json", "{\"type\":\"offer.accepted\"}"], TestContext.Current.CancellationToken);

        var (code, _, error) = await Run("evaluate", "--decisions", decisions, "--outcomes", decisions, "--model", "prior");

        Assert.Equal(TrainingCli.Failed, code);
        Assert.Contains("no decisions to evaluate", error, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", error, StringComparison.Ordinal);
    }
}
