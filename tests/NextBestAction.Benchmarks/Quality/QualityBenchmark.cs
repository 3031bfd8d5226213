using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using NextBestAction.Benchmarks.Cli;
using NextBestAction.Benchmarks.Infrastructure;
using NextBestAction.Simulator.Responses;

namespace NextBestAction.Benchmarks.Quality;

/// <summary>
/// <c>quality</c>: how good the decisions are, against the simulator's hidden response model, in each scenario's world
/// (<see cref="ResponseScenario"/>). Per scenario an exploration run (the prior with epsilon-greedy) is logged, a
/// propensity model is trained on that log by <c>train</c>'s code, and the same population is played once per policy
/// (random, rules, trained, trained + adaptive, learned, oracle), each scored by the true expected value of what it
/// showed. The trained greedy policy is also estimated off-policy on the exploration log by <c>evaluate</c>'s code.
/// </summary>
internal sealed class QualityBenchmark : IBenchmark
{
    public const string Name = "quality";

    public Command CreateCommand()
    {
        var scenario = new Option<string>("--scenario")
        {
            Description = $"The world to measure in: {string.Join(", ", ResponseScenario.Names)}, or {QualitySettings.AllScenarios} for every one in turn.",
            DefaultValueFactory = _ => QualitySettings.AllScenarios,
        };
        scenario.AcceptOnlyFromAmong([QualitySettings.AllScenarios, .. ResponseScenario.Names]);
        var customers = BenchmarkOptions.Positive("--customers", 2000, "Simulated customers; the same population in every run.");
        var steps = BenchmarkOptions.Positive("--steps", 600_000, "Simulator steps (20 ms of simulated time each) of each policy's run; drift plays twice as many.");
        var explorationSteps = BenchmarkOptions.Positive("--exploration-steps", 1_500_000,
            "Simulator steps of the exploration run the model is trained on; off-policy evaluation reads its decisions in the period the policy runs cover.");
        var seed = new Option<int>("--seed") { Description = "Seed of the simulated shop (population, traffic, answers) and of training.", DefaultValueFactory = _ => 42 };
        var epsilon = Share("--epsilon", 0.3, "Exploration share of the logging policy, above 0 and at most 1 (off-policy evaluation needs every candidate explored).", allowZero: false);
        var halfLife = BenchmarkOptions.Positive("--half-life-minutes", 30, "Half-life of the learned policy's adaptive counts, minutes of simulated time.");
        var optimism = new Option<double>("--optimism") { Description = "Posterior standard deviations the learned policy's adaptive factor adds.", DefaultValueFactory = _ => 1.0 };
        var learnedEpsilon = Share("--learned-epsilon", 0, "Exploration share of the learned policy, 0 to 1.", allowZero: true);
        var driftWindow = BenchmarkOptions.Positive("--drift-window", 500, "Decisions in the rolling window of decisions_to_recover_drift.");

        var command = new Command(Name,
            "Decision quality in the simulated shop against its hidden response model, per scenario: value per decision of random, rules, trained, "
            + "trained + adaptive, learned and oracle policies on the same population; AUC and calibration of the trained propensity model; "
            + "off-policy estimates of the trained policy against its simulated value; for drift, how fast the learned policy recovers. No servers.");
        foreach (var option in new Option[] { scenario, customers, steps, explorationSteps, seed, epsilon, halfLife, optimism, learnedEpsilon, driftWindow })
        {
            command.Options.Add(option);
        }

        command.SetAction((parsed, cancellationToken) =>
        {
            var chosen = parsed.GetValue(scenario)!;
            var settings = new QualitySettings(
                chosen == QualitySettings.AllScenarios ? ResponseScenario.Names : [chosen],
                parsed.GetValue(customers), parsed.GetValue(explorationSteps), parsed.GetValue(steps), parsed.GetValue(seed), parsed.GetValue(epsilon),
                TimeSpan.FromMinutes(parsed.GetValue(halfLife)), parsed.GetValue(optimism), parsed.GetValue(learnedEpsilon), parsed.GetValue(driftWindow));
            return BenchmarkCli.MeasureAndPublishAsync(Name, () => MeasureAsync(settings, parsed.InvocationConfiguration.Output, cancellationToken),
                parsed.InvocationConfiguration.Output, cancellationToken);
        });
        return command;
    }

    private static Option<double> Share(string name, double defaultValue, string description, bool allowZero)
    {
        var option = new Option<double>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(r =>
        {
            var value = r.GetValueOrDefault<double>();
            if (value > 1 || value < 0 || (!allowZero && value == 0))
            {
                r.AddError($"{name} must be {(allowZero ? "from 0" : "above 0 and")} at most 1.");
            }
        });
        return option;
    }

    private static async Task<BenchmarkSummary> MeasureAsync(QualitySettings settings, TextWriter output, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await WriteConditionsAsync(output, settings);
        var results = new List<ScenarioResult>();
        foreach (var name in settings.Scenarios)
        {
            var result = await new ScenarioRun(settings, settings.Scenario(name), output, cancellationToken).RunAsync();
            results.Add(result);
            await QualityReport.WriteScenarioAsync(output, result);
        }

        await QualityReport.WriteTargetsAsync(output, results);
        await output.WriteLineAsync($"total: {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s");
        return QualityReport.Summary(Name, settings, results, Stopwatch.GetElapsedTime(started));
    }

    private static async Task WriteConditionsAsync(TextWriter output, QualitySettings settings)
    {
#if DEBUG
        await output.WriteLineAsync("WARNING: Debug build; run with -c Release for representative run times (the figures do not depend on it).");
#endif
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{Name}: SimulatedShop in memory against the real engine and the hidden response model; scenarios {string.Join(", ", settings.Scenarios)}; "
            + $"{settings.Customers} customers, seed {settings.Seed}, exploration {settings.ExplorationSteps} steps with the prior and epsilon-greedy({settings.Epsilon}), "
            + $"then {settings.Steps} steps per policy (20 ms of simulated time per step); one action per decision; adaptive k = {QualitySettings.AdaptivePriorStrength}; "
            + $"learned: half-life {settings.HalfLife.TotalMinutes:0} min, optimism {settings.Optimism}, epsilon {settings.LearnedEpsilon}, arbitration by scores"));
        await output.WriteLineAsync(
            $"machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}; "
            + "single-threaded, no servers; nothing else of the benchmark runs beside it");
    }
}
