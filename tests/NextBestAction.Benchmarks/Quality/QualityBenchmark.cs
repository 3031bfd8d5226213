using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using NextBestAction.Benchmarks.Cli;
using NextBestAction.Benchmarks.Decide;
using NextBestAction.Benchmarks.Infrastructure;
using NextBestAction.Decisioning.Catalog;
using CatalogAction = NextBestAction.Decisioning.Catalog.CatalogAction;
using NextBestAction.Decisioning.Engine;
using NextBestAction.Decisioning.Models;
using NextBestAction.Learning.Evaluation;
using NextBestAction.Profiles;
using NextBestAction.Training.Evaluation;
using NextBestAction.Training.History;
using NextBestAction.Training.Propensity;
using NextBestAction.Training.Reporting;
using NextBestAction.Training.Simulation;

namespace NextBestAction.Benchmarks.Quality;

/// <summary>
/// <c>quality</c>: how good the decisions are, against the simulator's hidden response model. An exploration run (the
/// prior with epsilon-greedy) is logged; a propensity model is trained on that log by <c>train</c>'s code; then the same
/// population is played once per policy (random, rules, trained, trained + adaptive, oracle) and each is scored by the
/// true expected value of what it showed. The trained greedy policy is also estimated off-policy on the exploration log
/// by <c>evaluate</c>'s code and compared with its simulated on-policy value.
/// </summary>
internal sealed class QualityBenchmark : IBenchmark
{
    public const string Name = "quality";

    /// <summary>One run id for every run: the simulator derives customer ids from it, so every run sees the same customers.</summary>
    private const string RunId = "quality";

    private static readonly string[] Policies = ["random", "rules", "trained", "trained_adaptive", "oracle"];

    public Command CreateCommand()
    {
        var customers = BenchmarkOptions.Positive("--customers", 2000, "Simulated customers; the same population in every run.");
        var steps = BenchmarkOptions.Positive("--steps", 600_000, "Simulator steps (20 ms of simulated time each) of each policy's run.");
        var explorationSteps = BenchmarkOptions.Positive("--exploration-steps", 1_500_000,
            "Simulator steps of the exploration run the model is trained on; off-policy evaluation reads its decisions in the period the policy runs cover.");
        var seed = new Option<int>("--seed") { Description = "Seed of the simulated shop (population, traffic, answers) and of training.", DefaultValueFactory = _ => 42 };
        var epsilon = new Option<double>("--epsilon") { Description = "Exploration share of the logging policy, above 0 and at most 1.", DefaultValueFactory = _ => 0.3 };
        epsilon.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double>() is not (> 0 and <= 1))
            {
                r.AddError("--epsilon must be above 0 and at most 1: off-policy evaluation needs every candidate explored.");
            }
        });
        var catalog = new Option<string?>("--catalog")
        {
            Description = "Action catalog file instead of the generated 50-action bench-50 catalog; a relative path is looked up in the current "
                + "directory, then in the build output (for example catalog/actions.json, the shipped catalog).",
        };
        catalog.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } path && DecideBenchmark.ResolveCatalog(path) is null)
            {
                r.AddError($"--catalog: no file {path} in {Directory.GetCurrentDirectory()} or {AppContext.BaseDirectory}.");
            }
        });

        var command = new Command(Name,
            "Decision quality in the simulated shop against its hidden response model: value per decision and acceptance rate of random, rules, "
            + "trained, trained + adaptive and oracle policies on the same population; AUC of the trained propensity model beside the AUC of the "
            + "true probabilities; off-policy estimates of the trained policy against its simulated value. No servers.");
        foreach (var option in new Option[] { customers, steps, explorationSteps, seed, epsilon, catalog })
        {
            command.Options.Add(option);
        }

        command.SetAction((parsed, cancellationToken) => RunAsync(
            new QualitySettings(parsed.GetValue(customers), parsed.GetValue(explorationSteps), parsed.GetValue(steps), parsed.GetValue(seed),
                parsed.GetValue(epsilon), parsed.GetValue(catalog) is { } path ? DecideBenchmark.ResolveCatalog(path) : null),
            parsed.InvocationConfiguration.Output,
            cancellationToken));
        return command;
    }

    private static Task<int> RunAsync(QualitySettings settings, TextWriter output, CancellationToken cancellationToken) =>
        BenchmarkCli.MeasureAndPublishAsync(Name, () => MeasureAsync(settings, output, cancellationToken), output, cancellationToken);

    private static async Task<BenchmarkSummary> MeasureAsync(QualitySettings settings, TextWriter output, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await WriteConditionsAsync(output, settings);

        // 1. Exploration history, on bench-50 unless it leaves too little to choose from.
        var (catalog, catalogName) = settings.CatalogPath is { } path
            ? (CatalogLoader.Load(path), path)
            : (CatalogLoader.Parse(BenchmarkCatalog.Utf8Json(), $"{BenchmarkCatalog.Version}.json"), $"{BenchmarkCatalog.Version} (generated)");
        var history = await ExploreAsync(catalog, catalogName, settings, output, cancellationToken);
        if (settings.CatalogPath is null && history.MeanCandidates < QualitySettings.MinimumCandidates)
        {
            var shipped = Path.Combine(AppContext.BaseDirectory, "catalog", "actions.json");
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"catalog: {BenchmarkCatalog.Version} leaves {history.MeanCandidates:0.00} eligible candidates per decision (< {QualitySettings.MinimumCandidates}); using the shipped catalog {shipped}"));
            (catalog, catalogName) = (CatalogLoader.Load(shipped), shipped);
            history = await ExploreAsync(catalog, catalogName, settings, output, cancellationToken);
        }

        // 2. Train through train's code on the logged history; the oracle AUC scores the true probabilities of the same rows.
        var phase = Stopwatch.GetTimestamp();
        var (model, quality) = await TrainAsync(history, settings, cancellationToken);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"train: {model.Version}, {model.TreeCount} trees, on {quality.TrainingRows} rows; validation {quality.ValidationRows} rows: AUC {quality.Auc:0.0000}, "
            + $"true probabilities' AUC {quality.OracleAuc:0.0000}, gap {quality.OracleAuc - quality.Auc:0.0000} ({Stopwatch.GetElapsedTime(phase).TotalSeconds:0.0} s)"));

        // 3. The same population once per policy.
        var trained = new TreeEnsemblePropensityModel(model);
        var rules = new PriorPropensityModel();
        var oracle = new OraclePolicy();
        var adaptive = new OnlineAdaptiveCorrection(QualitySettings.AdaptivePriorStrength);
        var runs = new Dictionary<string, PolicyRun>(StringComparer.Ordinal);
        foreach (var policy in Policies)
        {
            phase = Stopwatch.GetTimestamp();
            var engine = policy switch
            {
                "random" => new DecisionEngine(rules, new UniformRandomPolicy(), ProfileRules.Default),
                "rules" => new DecisionEngine(rules, new GreedyPolicy(), ProfileRules.Default),
                "trained" => new DecisionEngine(trained, new GreedyPolicy(), ProfileRules.Default),
                "trained_adaptive" => new DecisionEngine(trained, new GreedyPolicy(), ProfileRules.Default, adaptive),
                _ => new DecisionEngine(rules, oracle, ProfileRules.Default),
            };
            Action<SimulatedDecision>? observe = policy == "trained_adaptive"
                ? d => adaptive.Observe(d.Decision.Features.Touchpoint, d.Decision.Picks[0].Candidate, d.Accepted)
                : null;
            var run = Play(policy, catalog, settings, (input, c, truth) =>
            {
                oracle.TrueProbability = truth;
                return engine.Decide(input, c);
            }, observe, cancellationToken);
            runs[policy] = run;
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"play {policy}: {run.Decisions} decisions, {run.Shown} shown, {run.Accepted} accepted; {run.ValuePerDecision:0.0000} EUR expected per decision "
                + $"(oracle on the same candidates {run.OracleValuePerDecision:0.0000}) ({Stopwatch.GetElapsedTime(phase).TotalSeconds:0.0} s)"));
        }

        // 4. Off-policy estimate of the trained greedy policy on the exploration log, through evaluate's code, over the
        // simulated period the on-policy run covered: the shop's traffic and the customers' states change with time.
        var samples = new LoggedDecisionSamples();
        foreach (var e in history.OutcomeEvents)
        {
            samples.AddOutcome(e, "memory");
        }

        foreach (var d in history.Decisions.Where(d => d.At <= runs["trained"].End))
        {
            samples.AddDecision(d.LogRecord, d.DecisionId);
        }

        var candidate = new TreeEnsembleCandidatePropensity(trained);
        var (logged, _) = samples.Build(candidate);
        var ope = PolicyEvaluation.Evaluate(logged, candidate, 0, OffPolicyOptions.Default);
        var estimate = ope.Estimates.ToDictionary(e => e.Method, StringComparer.Ordinal);
        // The on-policy reference is what the estimators estimate: the expected reward of the first slot over decisions that showed an action.
        var onPolicy = runs["trained"].ExpectedValuePerShown;
        double RelativeError(string method) => Math.Abs(estimate[method].Value - onPolicy) / onPolicy;

        var random = runs["random"].ValuePerDecision;
        var best = runs["oracle"].ValuePerDecision;
        var learnt = runs["trained_adaptive"].ValuePerDecision;
        await WriteResultsAsync(output, runs, ope, onPolicy, quality);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"targets: trained+adaptive / oracle {learnt / best:0.000} (>= {QualitySettings.TargetRatioToOracle}) {Verdict(learnt / best >= QualitySettings.TargetRatioToOracle)}; "
            + $"/ random {learnt / random:0.00} (>= {QualitySettings.TargetRatioToRandom}) {Verdict(learnt / random >= QualitySettings.TargetRatioToRandom)}; "
            + $"AUC gap {quality.OracleAuc - quality.Auc:0.0000} (<= {QualitySettings.TargetAucGap}) {Verdict(quality.OracleAuc - quality.Auc <= QualitySettings.TargetAucGap)}; "
            + $"DR relative error {RelativeError("DR"):0.000} (<= {QualitySettings.TargetOpeRelativeError}) {Verdict(RelativeError("DR") <= QualitySettings.TargetOpeRelativeError)}"));
        await output.WriteLineAsync($"total: {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s");

        var summary = new BenchmarkSummary(Name)
            .Add("value_ratio_to_oracle", learnt / best)
            .Add("value_ratio_to_random", learnt / random)
            // The ceiling of the ratio above: not even the oracle does better than this against random in this world.
            .Add("value_ratio_oracle_to_random", best / random)
            .Add("auc", quality.Auc, 4)
            .Add("oracle_auc", quality.OracleAuc, 4)
            .Add("auc_gap", quality.OracleAuc - quality.Auc, 4)
            .Add("ope_rel_error", RelativeError("DR"), 4)
            .Add("ope_rel_error_ips", RelativeError("IPS"), 4)
            .Add("ope_rel_error_snips", RelativeError("SNIPS"), 4)
            .Add("ope_dr_value_per_decision", estimate["DR"].Value, 4)
            .Add("ope_ips_value_per_decision", estimate["IPS"].Value, 4)
            .Add("ope_snips_value_per_decision", estimate["SNIPS"].Value, 4)
            .Add("on_policy_value_per_shown_decision_trained", onPolicy, 4)
            .Add("ope_effective_sample_size", estimate["IPS"].EffectiveSampleSize ?? 0, 1)
            .Add("ope_matched", estimate["IPS"].Matched ?? 0, 0)
            .Add("ope_samples", ope.Samples, 0);
        foreach (var (policy, run) in runs)
        {
            summary.Add($"value_per_decision_{policy}", run.ValuePerDecision, 4)
                .Add($"ratio_to_oracle_same_candidates_{policy}", run.ValuePerDecision / run.OracleValuePerDecision)
                .Add($"acceptance_rate_{policy}", run.AcceptanceRate, 4)
                .Add($"decisions_{policy}", run.Decisions, 0);
        }

        return summary
            .Add("decisions_exploration", history.Decisions.Count, 0)
            .Add("validation_rows", quality.ValidationRows, 0)
            .Add("candidates_mean", history.MeanCandidates, 2)
            .Add("catalog_actions", catalog.Actions.Count, 0)
            .Add("customers", settings.Customers, 0)
            .Add("steps", settings.Steps, 0)
            .Add("exploration_steps", settings.ExplorationSteps, 0)
            .Add("epsilon", settings.Epsilon)
            .Add("seed", settings.Seed, 0)
            .Add("total_s", Stopwatch.GetElapsedTime(started).TotalSeconds, 1);
    }

    private static async Task<History> ExploreAsync(ActionCatalog catalog, string catalogName, QualitySettings settings, TextWriter output, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var engine = new DecisionEngine(new PriorPropensityModel(), new EpsilonGreedyPolicy(settings.Epsilon), ProfileRules.Default);
        var shop = new SimulatedShop(catalog, settings.Customers, settings.Seed, QualitySettings.Start, RunId);
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
            + $"{history.MeanCandidates:0.00} eligible candidates per decision, {shop.OutcomeEvents.Count} feedback events ({Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s)"));
        return history;
    }

    private static async Task<(TreeEnsembleModel Model, ModelFit Quality)> TrainAsync(History history, QualitySettings settings, CancellationToken cancellationToken)
    {
        var work = Directory.CreateTempSubdirectory("nba-bench-quality-");
        try
        {
            var decisions = Path.Combine(work.FullName, "decisions.jsonl");
            var outcomes = Path.Combine(work.FullName, "outcomes.jsonl");
            await WriteLinesAsync(decisions, history.Decisions.Select(d => d.LogRecord), cancellationToken);
            await WriteLinesAsync(outcomes, history.OutcomeEvents, cancellationToken);
            // train's defaults (100 trees of 20 leaves, learning rate 0.2, 10 rows per leaf) with the benchmark's seed.
            var train = new TrainSettings(
                HistorySource.TryParse(decisions, out _)!, HistorySource.TryParse(outcomes, out _)!, null,
                Path.Combine(work.FullName, "models"), string.Create(CultureInfo.InvariantCulture, $"quality-{settings.Seed}"),
                new TrainerOptions(settings.Seed, Trees: 100, Leaves: 20, LearningRate: 0.2, MinimumExampleCountPerLeaf: 10),
                QualitySettings.HoldoutFraction, QualitySettings.Start);
            var result = await PropensityTraining.RunAsync(train, TextWriter.Null, cancellationToken);
            var model = TreeEnsembleModel.Load(Path.Combine(result.Directory, PropensityTraining.ModelFile));

            // The same join and split as training, to know which rows were held out.
            var builder = new TrainingSetBuilder(ModelFeatures.All);
            foreach (var e in history.OutcomeEvents)
            {
                builder.AddOutcome(e, "memory");
            }

            foreach (var d in history.Decisions)
            {
                builder.AddDecision(d.LogRecord, d.DecisionId);
            }

            var validation = builder.Build(QualitySettings.HoldoutFraction).Validation;
            var truth = history.Decisions.ToDictionary(d => d.DecisionId, d => d.TrueProbabilities, StringComparer.Ordinal);
            var oracleAuc = Metrics.Auc([.. validation.Select(e => truth[e.DecisionId][e.ActionId])], [.. validation.Select(e => e.Accepted)]);
            if (result.Report.Model.Auc is not { } auc || oracleAuc is null || validation.Count != result.Report.Model.Rows)
            {
                throw new TrainingException($"the validation rows hold one class only or differ from training's ({validation.Count} vs {result.Report.Model.Rows}); run more --exploration-steps");
            }

            return (model, new ModelFit(auc, oracleAuc.Value, result.Report.Data.TrainingRows, validation.Count));
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static PolicyRun Play(
        string policy, ActionCatalog catalog, QualitySettings settings,
        Func<DecisionInput, ActionCatalog, Func<CatalogAction, double>, EngineDecision> decide, Action<SimulatedDecision>? observe,
        CancellationToken cancellationToken)
    {
        var shop = new SimulatedShop(catalog, settings.Customers, settings.Seed, QualitySettings.Start, RunId);
        int decisions = 0, shown = 0, accepted = 0;
        double value = 0, oracle = 0;
        foreach (var d in shop.Play(settings.Steps, decide))
        {
            cancellationToken.ThrowIfCancellationRequested();
            decisions++;
            value += d.ExpectedValue;
            oracle += d.OracleExpectedValue;
            if (d.ShownActionId is not null)
            {
                shown++;
                accepted += d.Accepted ? 1 : 0;
                observe?.Invoke(d);
            }
        }

        return new PolicyRun(policy, decisions, shown, accepted, value, oracle, shop.Now);
    }

    private static async Task WriteLinesAsync(string path, IEnumerable<byte[]> lines, CancellationToken cancellationToken)
    {
        await using var file = File.Create(path);
        foreach (var line in lines)
        {
            await file.WriteAsync(line, cancellationToken);
            file.WriteByte((byte)'\n');
        }
    }

    private static async Task WriteConditionsAsync(TextWriter output, QualitySettings settings)
    {
#if DEBUG
        await output.WriteLineAsync("WARNING: Debug build; run with -c Release for representative run times (the figures do not depend on it).");
#endif
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{Name}: SimulatedShop in memory against the real engine and the hidden response model; {settings.Customers} customers, seed {settings.Seed}, "
            + $"exploration {settings.ExplorationSteps} steps with the prior and epsilon-greedy({settings.Epsilon}), then {settings.Steps} steps per policy "
            + $"(20 ms of simulated time per step, from {QualitySettings.Start:u}); one action per decision; adaptive k = {QualitySettings.AdaptivePriorStrength}"));
        await output.WriteLineAsync(
            $"machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}; "
            + "single-threaded, no servers; nothing else of the benchmark runs beside it");
    }

    private static async Task WriteResultsAsync(TextWriter output, Dictionary<string, PolicyRun> runs, EvaluationReport ope, double onPolicy, ModelFit quality)
    {
        await output.WriteLineAsync();
        await output.WriteLineAsync($"{"policy",-18} {"decisions",10} {"shown",8} {"accept rate",12} {"EUR/decision",13} {"x random",9} {"x oracle",9} {"x own best",11}");
        foreach (var (policy, run) in runs)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{policy,-18} {run.Decisions,10} {run.Shown,8} {run.AcceptanceRate,12:0.0000} {run.ValuePerDecision,13:0.0000} "
                + $"{run.ValuePerDecision / runs["random"].ValuePerDecision,9:0.000} {run.ValuePerDecision / runs["oracle"].ValuePerDecision,9:0.000} "
                + $"{run.ValuePerDecision / run.OracleValuePerDecision,11:0.000}"));
        }

        await output.WriteLineAsync("x own best: against the best true expected value among the candidates the policy's own run offered (the runs diverge:");
        await output.WriteLineAsync("what is shown changes contact caps, cool-downs and profiles, so later decisions differ)");

        await output.WriteLineAsync();
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"off-policy, trained greedy on the exploration log ({ope.Samples} decisions up to {runs["trained"].End:u}; reward = value if accepted, else 0), against its simulated "
            + $"on-policy expected value per decision that showed an action, {onPolicy:0.0000} EUR:"));
        foreach (var e in ope.Estimates.Append(ope.Logged))
        {
            var weights = e.EffectiveSampleSize is { } ess
                ? string.Create(CultureInfo.InvariantCulture, $"effective sample size {ess:0}, matched {e.Matched}")
                : "the logging policy's observed mean";
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  {e.Method,-7} {e.Value,9:0.0000} [{e.Lower:0.0000} .. {e.Upper:0.0000}]  relative error {Math.Abs(e.Value - onPolicy) / onPolicy:0.000}  {weights}"));
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"propensity: AUC {quality.Auc:0.0000} on {quality.ValidationRows} validation rows; the true probabilities of the same rows {quality.OracleAuc:0.0000}"));
    }

    private static string Verdict(bool met) => met ? "met" : "MISSED";

    /// <summary>One exploration decision: what training and evaluation read, and the truth to score the model with.</summary>
    private sealed record LoggedDecisionTruth(string DecisionId, DateTimeOffset At, IReadOnlyDictionary<string, double> TrueProbabilities, byte[] LogRecord);

    private sealed record History(IReadOnlyList<LoggedDecisionTruth> Decisions, IReadOnlyList<byte[]> OutcomeEvents, double MeanCandidates);

    private sealed record ModelFit(double Auc, double OracleAuc, int TrainingRows, int ValidationRows);

    /// <param name="End">Simulated time at the end of the run.</param>
    private sealed record PolicyRun(string Policy, int Decisions, int Shown, int Accepted, double TotalValue, double TotalOracleValue, DateTimeOffset End)
    {
        public double ValuePerDecision => Decisions == 0 ? 0 : TotalValue / Decisions;

        public double OracleValuePerDecision => Decisions == 0 ? 0 : TotalOracleValue / Decisions;

        /// <summary>The true expected reward of the first slot over decisions that showed an action: what off-policy estimates estimate.</summary>
        public double ExpectedValuePerShown => Shown == 0 ? 0 : TotalValue / Shown;

        public double AcceptanceRate => Shown == 0 ? 0 : Accepted / (double)Shown;
    }
}
