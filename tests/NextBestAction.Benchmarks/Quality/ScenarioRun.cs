using System.Diagnostics;
using System.Globalization;
using NextBestAction.Benchmarks.Decide;
using NextBestAction.Decisioning.Catalog;
using NextBestAction.Decisioning.Engine;
using NextBestAction.Decisioning.Models;
using NextBestAction.Learning.Evaluation;
using NextBestAction.Profiles;
using NextBestAction.Simulator.Responses;
using NextBestAction.Training.Evaluation;
using NextBestAction.Training.History;
using NextBestAction.Training.Propensity;
using NextBestAction.Training.Reporting;
using NextBestAction.Training.Simulation;
using CatalogAction = NextBestAction.Decisioning.Catalog.CatalogAction;

namespace NextBestAction.Benchmarks.Quality;

/// <summary>
/// One scenario of <c>quality</c>: explore with the prior, train on that log, play the same population once per policy,
/// estimate the trained policy off-policy, and for <c>drift</c> follow the learned policy after the change.
/// </summary>
internal sealed class ScenarioRun(QualitySettings settings, ResponseScenario scenario, TextWriter output, CancellationToken cancellationToken)
{
    /// <summary>One run id for every run: the simulator derives customer ids from it, so every run sees the same customers.</summary>
    private const string RunId = "quality";

    private static readonly string[] Policies = ["random", "rules", "trained", "trained_adaptive", "learned", "oracle"];

    /// <summary>The policies that learn from data, among which the best is the scenario's learned result.</summary>
    public static IReadOnlyList<string> LearnedPolicies { get; } = ["trained", "trained_adaptive", "learned"];

    private DateTimeOffset Start => QualitySettings.StartOf(scenario);

    /// <summary>Policy runs of <c>drift</c> play twice as long: the first half before the change, the second after it.</summary>
    private int PolicySteps => scenario is DriftScenario ? 2 * settings.Steps : settings.Steps;

    public async Task<ScenarioResult> RunAsync()
    {
        var started = Stopwatch.GetTimestamp();
        var (json, version) = BenchmarkCatalog.ForScenario(scenario);
        var catalog = CatalogLoader.Parse(json, $"{version}.json");
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"== scenario {scenario.Name}: {scenario.Description}; from {Start:u}, {PolicySteps} steps per policy"));

        var history = await ExploreAsync(catalog, version);
        var phase = Stopwatch.GetTimestamp();
        var trainedUntil = scenario is DriftScenario drift ? drift.ChangeAt : DateTimeOffset.MaxValue;
        var (model, fit) = await TrainAsync(history, trainedUntil);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"train: {model.Version}, {model.TreeCount} trees, on {fit.TrainingRows} rows{(trainedUntil < DateTimeOffset.MaxValue ? " logged before the change" : "")}; "
            + $"validation {fit.ValidationRows} rows: AUC {fit.Auc:0.0000} (true probabilities {fit.OracleAuc:0.0000}), calibration error {fit.CalibrationError:0.0000} (true probabilities {fit.OracleCalibrationError:0.0000}) "
            + $"({Stopwatch.GetElapsedTime(phase).TotalSeconds:0.0} s)"));

        var trained = new TreeEnsemblePropensityModel(model);
        var runs = new Dictionary<string, PolicyRun>(StringComparer.Ordinal);
        DriftTracker? tracker = null;
        foreach (var policy in Policies)
        {
            phase = Stopwatch.GetTimestamp();
            var run = PlayPolicy(policy, catalog, trained, out var policyTracker);
            tracker ??= policyTracker;
            runs[policy] = run;
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"play {policy}: {run.Decisions} decisions, {run.Accepted} of {run.Shown} shown accepted; {run.ValuePerDecision:0.0000} EUR per decision "
                + $"(oracle on the same candidates {run.OracleValuePerDecision:0.0000}) ({Stopwatch.GetElapsedTime(phase).TotalSeconds:0.0} s)"));
        }

        var (ope, counterfactual) = Evaluate(history, trained, runs["trained"].End, catalog);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"scenario {scenario.Name}: {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s"));
        return new ScenarioResult(scenario, runs, fit, ope, counterfactual, runs["trained"].ExpectedValuePerShown, tracker?.Result(),
            history.Decisions.Count, history.MeanCandidates, catalog.Actions.Count);
    }

    private async Task<History> ExploreAsync(ActionCatalog catalog, string catalogName)
    {
        var started = Stopwatch.GetTimestamp();
        var engine = new DecisionEngine(new PriorPropensityModel(), new EpsilonGreedyPolicy(settings.Epsilon), ProfileRules.Default);
        var shop = new SimulatedShop(catalog, settings.Customers, settings.Seed, Start, RunId, scenario: scenario);
        var decisions = new List<LoggedDecisionTruth>();
        long candidates = 0;
        // Only what training and evaluation read is kept, not the engine's decisions.
        foreach (var d in shop.Play(settings.ExplorationSteps, (input, c, _) => engine.Decide(input, c)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            decisions.Add(new LoggedDecisionTruth(d.DecisionId, d.Moment.Time, d.TrueProbabilities, d.LogRecord));
            candidates += d.Decision.Candidates.Count;
        }

        var history = new History(decisions, shop.OutcomeEvents, decisions.Count == 0 ? 0 : candidates / (double)decisions.Count);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"explore: {catalogName} ({catalog.Actions.Count} actions), {engine.ModelVersion} with {engine.PolicyName}: {decisions.Count} decisions, "
            + $"{history.MeanCandidates:0.00} eligible candidates per decision ({Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s)"));
        return history;
    }

    /// <summary>Trains through <c>train</c>'s own code on the decisions logged before <paramref name="until"/>.</summary>
    private async Task<(TreeEnsembleModel Model, ModelFit Fit)> TrainAsync(History history, DateTimeOffset until)
    {
        var work = Directory.CreateTempSubdirectory("nba-bench-quality-");
        try
        {
            var logged = history.Decisions.Where(d => d.At < until).ToList();
            var decisions = Path.Combine(work.FullName, "decisions.jsonl");
            var outcomes = Path.Combine(work.FullName, "outcomes.jsonl");
            await WriteLinesAsync(decisions, logged.Select(d => d.LogRecord));
            await WriteLinesAsync(outcomes, history.OutcomeEvents);
            // train's defaults (100 trees of 20 leaves, learning rate 0.2, 10 rows per leaf) with the benchmark's seed.
            var train = new TrainSettings(
                HistorySource.TryParse(decisions, out _)!, HistorySource.TryParse(outcomes, out _)!, null,
                Path.Combine(work.FullName, "models"), string.Create(CultureInfo.InvariantCulture, $"quality-{scenario.Name}-{settings.Seed}"),
                new TrainerOptions(settings.Seed, Trees: 100, Leaves: 20, LearningRate: 0.2, MinimumExampleCountPerLeaf: 10),
                QualitySettings.HoldoutFraction, Start);
            var result = await PropensityTraining.RunAsync(train, TextWriter.Null, cancellationToken);
            var model = TreeEnsembleModel.Load(Path.Combine(result.Directory, PropensityTraining.ModelFile));

            // The same join and split as training, to know which rows were held out.
            var builder = new TrainingSetBuilder(ModelFeatures.All);
            foreach (var e in history.OutcomeEvents)
            {
                builder.AddOutcome(e, "memory");
            }

            foreach (var d in logged)
            {
                builder.AddDecision(d.LogRecord, d.DecisionId);
            }

            var validation = builder.Build(QualitySettings.HoldoutFraction).Validation;
            var truth = logged.ToDictionary(d => d.DecisionId, d => d.TrueProbabilities, StringComparer.Ordinal);
            double[] trueProbabilities = [.. validation.Select(e => truth[e.DecisionId][e.ActionId])];
            bool[] labels = [.. validation.Select(e => e.Accepted)];
            var oracleAuc = Metrics.Auc(trueProbabilities, labels);
            if (result.Report.Model.Auc is not { } auc || oracleAuc is null || validation.Count != result.Report.Model.Rows)
            {
                throw new TrainingException($"the validation rows hold one class only or differ from training's ({validation.Count} vs {result.Report.Model.Rows}); run more --exploration-steps");
            }

            return (model, new ModelFit(auc, oracleAuc.Value, Metrics.ExpectedCalibrationError(result.Report.Calibration),
                Metrics.ExpectedCalibrationError(Metrics.Calibration(trueProbabilities, labels)), result.Report.Data.TrainingRows, validation.Count));
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private PolicyRun PlayPolicy(string policy, ActionCatalog catalog, TreeEnsemblePropensityModel trained, out DriftTracker? tracker)
    {
        var rules = new PriorPropensityModel();
        var oracle = new OraclePolicy();
        var cumulative = new OnlineAdaptiveCorrection(QualitySettings.AdaptivePriorStrength);
        var forgetting = new ForgettingAdaptiveCounts(settings.HalfLife, QualitySettings.AdaptivePriorStrength, settings.Optimism);
        var engine = policy switch
        {
            "random" => new DecisionEngine(rules, new UniformRandomPolicy(), ProfileRules.Default),
            "rules" => new DecisionEngine(rules, new GreedyPolicy(), ProfileRules.Default),
            "trained" => new DecisionEngine(trained, new GreedyPolicy(), ProfileRules.Default),
            "trained_adaptive" => new DecisionEngine(trained, new GreedyPolicy(), ProfileRules.Default, cumulative),
            "learned" => new DecisionEngine(trained, Exploration(settings.LearnedEpsilon), ProfileRules.Default, forgetting,
                arbitrationMode: ArbitrationMode.Scores),
            _ => new DecisionEngine(rules, oracle, ProfileRules.Default),
        };
        Action<SimulatedDecision>? observe = policy switch
        {
            "trained_adaptive" => d => cumulative.Observe(d.Decision.Features.Touchpoint, d.Decision.Picks[0].Candidate, d.Accepted),
            "learned" => d => forgetting.Observe(d.Decision.Features.Touchpoint, d.ShownActionId!, d.Decision.Picks[0].Candidate.ModelPropensity, d.Accepted, d.Moment.Time),
            _ => null,
        };
        tracker = policy == "learned" && scenario is DriftScenario drift ? new DriftTracker(drift, settings.DriftWindow) : null;
        return Play(policy, catalog, (input, c, truth) =>
        {
            oracle.TrueProbability = truth;
            forgetting.Now = input.Now;
            return engine.Decide(input, c);
        }, observe, tracker);
    }

    private static IExplorationPolicy Exploration(double epsilon) => epsilon > 0 ? new EpsilonGreedyPolicy(epsilon) : new GreedyPolicy();

    private PolicyRun Play(
        string policy, ActionCatalog catalog, Func<DecisionInput, ActionCatalog, Func<CatalogAction, double>, EngineDecision> decide,
        Action<SimulatedDecision>? observe, DriftTracker? tracker)
    {
        var shop = new SimulatedShop(catalog, settings.Customers, settings.Seed, Start, RunId, scenario: scenario);
        var changeAt = scenario is DriftScenario drift ? drift.ChangeAt : (DateTimeOffset?)null;
        int decisions = 0, shown = 0, accepted = 0, decisionsAfter = 0;
        double value = 0, oracle = 0, valueAfter = 0, oracleAfter = 0;
        foreach (var d in shop.Play(PolicySteps, decide))
        {
            cancellationToken.ThrowIfCancellationRequested();
            decisions++;
            value += d.ExpectedValue;
            oracle += d.OracleExpectedValue;
            if (d.Moment.Time >= changeAt)
            {
                decisionsAfter++;
                valueAfter += d.ExpectedValue;
                oracleAfter += d.OracleExpectedValue;
            }

            tracker?.Add(d);
            if (d.ShownActionId is not null)
            {
                shown++;
                accepted += d.Accepted ? 1 : 0;
                observe?.Invoke(d);
            }
        }

        return new PolicyRun(policy, decisions, shown, accepted, value, oracle, shop.Now)
        {
            AfterChange = changeAt is null ? null : new PolicyRun($"{policy} after the change", decisionsAfter, 0, 0, valueAfter, oracleAfter, shop.Now),
        };
    }

    /// <summary>
    /// Off-policy estimate of the trained greedy policy on the exploration log, through <c>evaluate</c>'s code, over the
    /// simulated period its on-policy run covered: the shop's traffic and the customers' states change with time. Also
    /// what the estimators estimate, known only in simulation: the mean true expected reward of the trained policy's
    /// choice on the same logged decisions.
    /// </summary>
    private static (EvaluationReport Report, double TrueValue) Evaluate(History history, TreeEnsemblePropensityModel trained, DateTimeOffset until, ActionCatalog catalog)
    {
        var samples = new LoggedDecisionSamples();
        foreach (var e in history.OutcomeEvents)
        {
            samples.AddOutcome(e, "memory");
        }

        var window = history.Decisions.Where(d => d.At <= until).ToList();
        foreach (var d in window)
        {
            samples.AddDecision(d.LogRecord, d.DecisionId);
        }

        var candidate = new TreeEnsembleCandidatePropensity(trained);
        var (logged, _) = samples.Build(candidate);
        var truth = window.ToDictionary(d => d.DecisionId, d => d.TrueProbabilities, StringComparer.Ordinal);
        var values = catalog.Actions.ToDictionary(a => a.Id, a => a.Value, StringComparer.Ordinal);
        var trueValue = logged.Average(s => truth[s.Context.Record.DecisionId][s.Context.GreedyActionId] * values[s.Context.GreedyActionId]);
        return (PolicyEvaluation.Evaluate(logged, candidate, 0, OffPolicyOptions.Default), trueValue);
    }

    private async Task WriteLinesAsync(string path, IEnumerable<byte[]> lines)
    {
        await using var file = File.Create(path);
        foreach (var line in lines)
        {
            await file.WriteAsync(line, cancellationToken);
            file.WriteByte((byte)'\n');
        }
    }

    /// <summary>One exploration decision: what training and evaluation read, and the truth to score the model with.</summary>
    private sealed record LoggedDecisionTruth(string DecisionId, DateTimeOffset At, IReadOnlyDictionary<string, double> TrueProbabilities, byte[] LogRecord);

    private sealed record History(IReadOnlyList<LoggedDecisionTruth> Decisions, IReadOnlyList<byte[]> OutcomeEvents, double MeanCandidates);
}

/// <param name="CalibrationError">Expected calibration error of the trained model on the validation rows (decile bins).</param>
/// <param name="OracleCalibrationError">The same for the true probabilities of those rows: the floor the outcomes' noise sets.</param>
internal sealed record ModelFit(double Auc, double OracleAuc, double CalibrationError, double OracleCalibrationError, int TrainingRows, int ValidationRows);

/// <param name="End">Simulated time at the end of the run.</param>
internal sealed record PolicyRun(string Policy, int Decisions, int Shown, int Accepted, double TotalValue, double TotalOracleValue, DateTimeOffset End)
{
    public double ValuePerDecision => Decisions == 0 ? 0 : TotalValue / Decisions;

    public double OracleValuePerDecision => Decisions == 0 ? 0 : TotalOracleValue / Decisions;

    /// <summary>The true expected reward of the first slot over decisions that showed an action: what off-policy estimates estimate.</summary>
    public double ExpectedValuePerShown => Shown == 0 ? 0 : TotalValue / Shown;

    public double AcceptanceRate => Shown == 0 ? 0 : Accepted / (double)Shown;

    /// <summary>The decisions after the drift scenario's change, which its value ratios are measured on; null in other scenarios.</summary>
    public PolicyRun? AfterChange { get; init; }

    /// <summary>Value per decision where the scenario measures it: after the change in <c>drift</c>, over the whole run elsewhere.</summary>
    public double MeasuredValuePerDecision => (AfterChange ?? this).ValuePerDecision;
}

/// <summary>What one scenario measured.</summary>
/// <param name="Counterfactual">The trained greedy policy's true expected reward on the logged decisions the estimators read: what they estimate.</param>
/// <param name="OnPolicy">The trained run's true expected value per decision that showed an action, on the contexts its own run met.</param>
internal sealed record ScenarioResult(
    ResponseScenario Scenario, IReadOnlyDictionary<string, PolicyRun> Runs, ModelFit Fit, EvaluationReport Ope, double Counterfactual, double OnPolicy, DriftResult? Drift,
    int ExplorationDecisions, double MeanCandidates, int CatalogActions)
{
    /// <summary>The scenario's name as a JSON key suffix: <c>price_sensitive</c>.</summary>
    public string Key => Scenario.Name.Replace('-', '_');

    public string BestLearned => ScenarioRun.LearnedPolicies.MaxBy(p => Runs[p].MeasuredValuePerDecision)!;

    /// <summary>The policy's value against the oracle's, where the scenario measures it (after the change in <c>drift</c>).</summary>
    public double RatioToOracle(string policy) => Runs[policy].MeasuredValuePerDecision / Runs["oracle"].MeasuredValuePerDecision;

    /// <summary>The estimator's error against what it estimates, the trained policy's true value on the logged decisions.</summary>
    public double OpeRelativeError(string method) =>
        Math.Abs(Ope.Estimates.Single(e => e.Method == method).Value - Counterfactual) / Counterfactual;

    /// <summary>The estimate against the trained policy's own run, whose contexts its choices changed (caps, cool-downs, profiles).</summary>
    public double OpeRelativeErrorOnPolicy(string method) =>
        Math.Abs(Ope.Estimates.Single(e => e.Method == method).Value - OnPolicy) / OnPolicy;
}
