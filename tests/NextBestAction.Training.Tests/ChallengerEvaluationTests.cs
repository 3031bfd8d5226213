using System.Text;
using System.Text.Json;
using NextBestAction.Decisioning.Catalog;
using NextBestAction.Decisioning.DecisionLog;
using NextBestAction.Decisioning.Engine;
using NextBestAction.Decisioning.Models;
using NextBestAction.Decisioning.Serving;
using NextBestAction.Profiles;
using NextBestAction.Training.Cli;
using NextBestAction.Training.Evaluation;
using NextBestAction.Training.Simulation;

namespace NextBestAction.Training.Tests;

/// <summary>
/// <c>evaluate --challenger</c> on a history the simulated shop logged with two trained models: the champion serving most
/// customers with the challenger in shadow, the challenger serving half of them with the champion in shadow.
/// </summary>
public sealed class ChallengerEvaluationTests
{
    private const double Epsilon = 0.2;

    private static readonly FixedClock Clock = new(new DateTimeOffset(2026, 7, 1, 12, 0, 0, TimeSpan.Zero));

    private static Task<(int Code, string Output, string Error)> Run(params string[] args) => CliRun.RunAsync(Clock, args);

    /// <summary>Logs a history as the service would with <paramref name="champion"/> live and <paramref name="challenger"/> beside it at a share of 0.5.</summary>
    private static (string Decisions, string Outcomes, List<(DecisionLogRecord Record, double Reward)> Logged) PlayBoth(string directory, string champion, string challenger)
    {
        var catalog = CatalogLoader.Load(Path.Combine(AppContext.BaseDirectory, "catalog", "actions.json"));
        var policy = new EpsilonGreedyPolicy(Epsilon);
        var arms = new ModelArms(new DecisionEngine(ModelDirectory.Load(champion), policy, ProfileRules.Default),
            model => new DecisionEngine(model, policy, ProfileRules.Default), trafficShare: 0.5);
        var challengerModel = ModelDirectory.Load(challenger);
        var armed = new Dictionary<EngineDecision, ArmedDecision>(ReferenceEqualityComparer.Instance);
        var shop = new SimulatedShop(catalog, customers: 300, seed: 11, new DateTimeOffset(2026, 6, 10, 9, 0, 0, TimeSpan.Zero), runId: "arms");
        var played = shop.Play(30_000, (input, c, _) =>
        {
            // Customers the shop has not seen yet have no profile (and no id in the input): the champion serves them.
            var decision = arms.Decide(input, c, input.Profile?.CustomerId ?? "", input.Profile is null ? null : challengerModel, withShadow: true);
            armed[decision.Served] = decision;
            return decision.Served;
        }).Where(d => d.ShownActionId is not null).ToList();

        var logged = new List<(DecisionLogRecord, double)>();
        foreach (var d in played)
        {
            var record = JsonDocument.Parse(d.LogRecord).RootElement.GetProperty("data").Deserialize(DecisionLogJsonContext.Default.DecisionLogRecord)!;
            var a = armed[d.Decision];
            // The shop logs as the service did before challengers; the service's publisher adds these two.
            record = record with { Group = a.Group, Shadow = a.Shadow is { } shadow ? DecisionLogEvents.ToShadow(shadow) : null };
            logged.Add((record, d.Accepted ? d.Decision.Picks[0].Candidate.Action.Value : 0));
        }

        var decisions = Path.Combine(directory, "arms-decisions.jsonl");
        var outcomes = Path.Combine(directory, "arms-outcomes.jsonl");
        File.WriteAllLines(decisions, logged.Select(l => Encoding.UTF8.GetString(DecisionLogEvents.Serialize(l.Item1))));
        File.WriteAllLines(outcomes, shop.OutcomeEvents.Select(e => Encoding.UTF8.GetString(e)));
        return (decisions, outcomes, logged);
    }

    private static Dictionary<string, JsonElement> ByMethod(JsonElement list) =>
        list.EnumerateArray().ToDictionary(e => e.GetProperty("method").GetString()!, e => e);

    private static double Mean(IEnumerable<double> values) => values.DefaultIfEmpty(double.NaN).Average();

    [Fact]
    public async Task Evaluate_WithAChallenger_ReportsBothPolicies_TheirPairedDifference_AndEachArmsRealisedValue()
    {
        using var temp = new TempDirectory();
        var (explored, exploredOutcomes, _, _) = EvaluateCliTests.Explore(temp.Path);
        var models = Path.Combine(temp.Path, "models");
        foreach (var (version, leaves, seed) in new[] { ("champion-1", "8", "1"), ("challenger-1", "3", "2") })
        {
            var trained = await Run("train", "--decisions", explored, "--outcomes", exploredOutcomes, "--out", models, "--version", version,
                "--trees", "20", "--leaves", leaves, "--seed", seed);
            Assert.True(trained.Code == 0, trained.Error);
        }

        var (decisions, outcomes, logged) = PlayBoth(temp.Path, Path.Combine(models, "champion-1"), Path.Combine(models, "challenger-1"));
        var reportDirectory = Path.Combine(temp.Path, "evaluation");

        var (code, output, error) = await Run("evaluate", "--decisions", decisions, "--outcomes", outcomes,
            "--model", Path.Combine(models, "champion-1"), "--challenger", Path.Combine(models, "challenger-1"), "--out", reportDirectory);

        Assert.True(code == 0, error);
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(reportDirectory, PolicyEvaluation.ReportFile)));
        var report = document.RootElement;
        var comparison = report.GetProperty("challenger");
        Assert.Equal(("champion-1", "challenger-1"), (comparison.GetProperty("champion").GetString(), comparison.GetProperty("challenger").GetString()));
        var champion = ByMethod(report.GetProperty("estimates"));
        var challenger = ByMethod(comparison.GetProperty("estimates"));
        var differences = ByMethod(comparison.GetProperty("differences"));
        Assert.Equal(["IPS", "SNIPS", "DR", "DM"], champion.Keys);
        Assert.Equal(["IPS", "SNIPS", "DR", "DM"], challenger.Keys);
        Assert.Equal(["IPS", "SNIPS", "DR", "DM"], differences.Keys);
        foreach (var (method, difference) in differences)
        {
            var value = difference.GetProperty("value").GetDouble();
            Assert.Equal(challenger[method].GetProperty("value").GetDouble() - champion[method].GetProperty("value").GetDouble(), value, 9);
            Assert.InRange(value, difference.GetProperty("lower").GetDouble(), difference.GetProperty("upper").GetDouble());
            var excludesZero = difference.GetProperty("lower").GetDouble() > 0 || difference.GetProperty("upper").GetDouble() < 0;
            Assert.Equal(excludesZero, difference.GetProperty("excludesZero").GetBoolean());
        }

        // Pairing: the same decisions' noise cancels, so the difference is known better than either value it is made of.
        Assert.True(differences["DR"].GetProperty("standardError").GetDouble()
            < champion["DR"].GetProperty("standardError").GetDouble() + challenger["DR"].GetProperty("standardError").GetDouble());

        var championArm = logged.Where(l => l.Record.Group == DecisionGroups.Treatment).ToList();
        var challengerArm = logged.Where(l => l.Record.Group == DecisionGroups.Challenger).ToList();
        Assert.All(challengerArm, l => Assert.Equal(("challenger-1", "champion-1"), (l.Record.ModelVersion, l.Record.Shadow!.ModelVersion)));
        var arms = comparison.GetProperty("arms");
        Assert.Equal(championArm.Count, arms.GetProperty("champion").GetProperty("decisions").GetInt32());
        Assert.Equal(challengerArm.Count, arms.GetProperty("challenger").GetProperty("decisions").GetInt32());
        Assert.InRange(challengerArm.Count, 0.35 * logged.Count, 0.6 * logged.Count);
        Assert.Equal(Mean(championArm.Select(l => l.Reward)), arms.GetProperty("champion").GetProperty("valuePerDecision").GetDouble(), 9);
        Assert.Equal(Mean(challengerArm.Select(l => l.Reward)), arms.GetProperty("challenger").GetProperty("valuePerDecision").GetDouble(), 9);
        Assert.Equal(Mean(challengerArm.Select(l => l.Reward)) - Mean(championArm.Select(l => l.Reward)), arms.GetProperty("difference").GetDouble(), 9);
        Assert.Equal(logged.Count(l => l.Record.Shadow?.ModelVersion == "challenger-1"), comparison.GetProperty("shadowDecisions").GetInt32());

        var verdict = comparison.GetProperty("verdict").GetString()!;
        Assert.Contains("by DR", verdict, StringComparison.Ordinal);
        Assert.Contains(differences["DR"].GetProperty("excludesZero").GetBoolean() ? "which excludes 0" : "which includes 0", verdict, StringComparison.Ordinal);
        Assert.Contains("## Champion and challenger", output, StringComparison.Ordinal);
        Assert.Contains(verdict, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evaluate_MissingChallenger_FailsNamingTheOption()
    {
        using var temp = new TempDirectory();
        var outcomes = Path.Combine(temp.Path, "outcomes.jsonl");
        await File.WriteAllTextAsync(outcomes, "", TestContext.Current.CancellationToken);

        var (code, _, error) = await Run("evaluate", "--decisions", outcomes, "--outcomes", outcomes, "--model", "prior", "--challenger", Path.Combine(temp.Path, "nope"));

        Assert.Equal(TrainingCli.Failed, code);
        Assert.Contains("--challenger", error, StringComparison.Ordinal);
    }
}
