using System.Globalization;
using NextBestAction.Benchmarks.Infrastructure;
using NextBestAction.Simulator.Responses;

namespace NextBestAction.Benchmarks.Quality;

/// <summary>What <c>quality</c> prints per scenario, its verdicts on the issue's targets, and its JSON summary.</summary>
internal static class QualityReport
{
    public static async Task WriteScenarioAsync(TextWriter output, ScenarioResult result)
    {
        var runs = result.Runs;
        await output.WriteLineAsync();
        await output.WriteLineAsync($"{"policy",-18} {"decisions",10} {"shown",8} {"accept rate",12} {"EUR/decision",13} {"x random",9} {"x oracle",9} {"x own best",11}");
        foreach (var (policy, run) in runs)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{policy,-18} {run.Decisions,10} {run.Shown,8} {run.AcceptanceRate,12:0.0000} {run.ValuePerDecision,13:0.0000} "
                + $"{run.ValuePerDecision / runs["random"].ValuePerDecision,9:0.000} {run.ValuePerDecision / runs["oracle"].ValuePerDecision,9:0.000} "
                + $"{run.ValuePerDecision / run.OracleValuePerDecision,11:0.000}"));
        }

        if (runs["oracle"].AfterChange is not null)
        {
            await output.WriteLineAsync("after the change, where the drift scenario's ratios are measured:");
            foreach (var (policy, run) in runs)
            {
                var after = run.AfterChange!;
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{policy,-18} {after.Decisions,10} {"",8} {"",12} {after.ValuePerDecision,13:0.0000} {"",9} {result.RatioToOracle(policy),9:0.000} {after.ValuePerDecision / after.OracleValuePerDecision,11:0.000}"));
            }
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"off-policy, trained greedy on the exploration log ({result.Ope.Samples} decisions up to {runs["trained"].End:u}), against its true value "
            + $"on the same logged decisions, {result.Counterfactual:0.0000} EUR (and its own run's value per decision that showed an action, {result.OnPolicy:0.0000}):"));
        foreach (var e in result.Ope.Estimates.Append(result.Ope.Logged))
        {
            var weights = e.EffectiveSampleSize is { } ess
                ? string.Create(CultureInfo.InvariantCulture, $"effective sample size {ess:0}, matched {e.Matched}")
                : "the logging policy's observed mean";
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  {e.Method,-7} {e.Value,9:0.0000} [{e.Lower:0.0000} .. {e.Upper:0.0000}]  relative error {Math.Abs(e.Value - result.Counterfactual) / result.Counterfactual:0.000} "
                + $"(against its own run {Math.Abs(e.Value - result.OnPolicy) / result.OnPolicy:0.000})  {weights}"));
        }

        if (result.Drift is { } drift)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"drift, learned policy after the change ({drift.DecisionsAfterChange} decisions): back at 0.9 of the oracle after {Count(drift.DecisionsToRecover)} "
                + $"(lowest window ratio {drift.LowestWindowRatio:0.000}); new action shown where best in half the cases after {Count(drift.DecisionsToLearnNewAction)} "
                + $"({drift.NewActionShownWhereBest} of {drift.NewActionBest} times overall)"));
        }
    }

    public static async Task WriteTargetsAsync(TextWriter output, IReadOnlyList<ScenarioResult> results)
    {
        await output.WriteLineAsync();
        await output.WriteLineAsync("targets:");
        foreach (var r in results)
        {
            var learned = r.RatioToOracle(r.BestLearned);
            var rules = r.RatioToOracle("rules");
            var toRules = learned / rules;
            var line = r.Scenario == ResponseScenario.Default
                ? string.Create(CultureInfo.InvariantCulture,
                    $"  {r.Scenario.Name}: learned ({r.BestLearned}) / rules {toRules:0.000} (>= {QualitySettings.TargetLearnedToRulesDefault}) {Verdict(toRules >= QualitySettings.TargetLearnedToRulesDefault)}")
                : string.Create(CultureInfo.InvariantCulture,
                    $"  {r.Scenario.Name}: rules / oracle {rules:0.000} (<= {QualitySettings.TargetRulesToOracleAtMost}) {Verdict(rules <= QualitySettings.TargetRulesToOracleAtMost)}; "
                    + $"learned ({r.BestLearned}) / oracle {learned:0.000} (>= {QualitySettings.TargetLearnedToOracle}) {Verdict(learned >= QualitySettings.TargetLearnedToOracle)}");
            var ope = r.OpeRelativeError("DR");
            line += string.Create(CultureInfo.InvariantCulture,
                $"; DR relative error {ope:0.000} (<= {QualitySettings.TargetOpeRelativeError}) {Verdict(ope <= QualitySettings.TargetOpeRelativeError)}; "
                + $"calibration error {r.Fit.CalibrationError:0.0000} (<= {QualitySettings.TargetCalibrationError}) {Verdict(r.Fit.CalibrationError <= QualitySettings.TargetCalibrationError)}");
            if (r.Drift is { } drift)
            {
                line += string.Create(CultureInfo.InvariantCulture,
                    $"; recovery {Count(drift.DecisionsToRecover)} (<= {QualitySettings.TargetDecisionsToRecoverDrift}) {Verdict(drift.DecisionsToRecover <= QualitySettings.TargetDecisionsToRecoverDrift)}; "
                    + $"new action {Count(drift.DecisionsToLearnNewAction)} (<= {QualitySettings.TargetDecisionsToLearnNewAction}) {Verdict(drift.DecisionsToLearnNewAction <= QualitySettings.TargetDecisionsToLearnNewAction)}");
            }

            await output.WriteLineAsync(line);
        }
    }

    public static BenchmarkSummary Summary(string name, QualitySettings settings, IReadOnlyList<ScenarioResult> results, TimeSpan elapsed)
    {
        var summary = new BenchmarkSummary(name);
        foreach (var r in results)
        {
            var k = r.Key;
            summary.Add($"value_ratio_to_oracle_{k}", r.RatioToOracle(r.BestLearned))
                .Add($"value_ratio_rules_to_oracle_{k}", r.RatioToOracle("rules"))
                .Add($"value_ratio_learned_to_rules_{k}", r.RatioToOracle(r.BestLearned) / r.RatioToOracle("rules"))
                .Add($"ope_rel_error_{k}", r.OpeRelativeError("DR"), 4)
                .Add($"ope_rel_error_on_policy_{k}", r.OpeRelativeErrorOnPolicy("DR"), 4)
                .Add($"calibration_error_{k}", r.Fit.CalibrationError, 4)
                .Add($"oracle_calibration_error_{k}", r.Fit.OracleCalibrationError, 4)
                .Add($"auc_{k}", r.Fit.Auc, 4)
                .Add($"auc_gap_{k}", r.Fit.OracleAuc - r.Fit.Auc, 4);
            foreach (var (policy, run) in r.Runs)
            {
                summary.Add($"value_per_decision_{policy}_{k}", run.ValuePerDecision, 4);
            }

            if (r.Drift is { } drift)
            {
                summary.Add("decisions_to_recover_drift", drift.DecisionsToRecover ?? -1, 0)
                    .Add("decisions_to_learn_new_action", drift.DecisionsToLearnNewAction ?? -1, 0)
                    .Add("drift_lowest_window_ratio", drift.LowestWindowRatio)
                    .Add("drift_decisions_after_change", drift.DecisionsAfterChange, 0);
            }
        }

        if (results.FirstOrDefault(r => r.Scenario == ResponseScenario.Default) is { } d)
        {
            AddDefaultWorld(summary, d);
        }

        return summary
            .Add("customers", settings.Customers, 0)
            .Add("steps", settings.Steps, 0)
            .Add("exploration_steps", settings.ExplorationSteps, 0)
            .Add("epsilon", settings.Epsilon)
            .Add("half_life_minutes", settings.HalfLife.TotalMinutes, 0)
            .Add("optimism", settings.Optimism)
            .Add("learned_epsilon", settings.LearnedEpsilon)
            .Add("drift_window", settings.DriftWindow, 0)
            .Add("seed", settings.Seed, 0)
            .Add("total_s", elapsed.TotalSeconds, 1);
    }

    /// <summary>The keys of the benchmark before scenarios existed, from the default world, so earlier results compare.</summary>
    private static void AddDefaultWorld(BenchmarkSummary summary, ScenarioResult d)
    {
        var random = d.Runs["random"].ValuePerDecision;
        var ope = d.Ope.Estimates.ToDictionary(e => e.Method, StringComparer.Ordinal);
        summary.Add("value_ratio_to_oracle", d.RatioToOracle(d.BestLearned))
            .Add("value_ratio_to_random", d.Runs[d.BestLearned].ValuePerDecision / random)
            .Add("value_ratio_oracle_to_random", d.Runs["oracle"].ValuePerDecision / random)
            .Add("auc", d.Fit.Auc, 4)
            .Add("oracle_auc", d.Fit.OracleAuc, 4)
            .Add("auc_gap", d.Fit.OracleAuc - d.Fit.Auc, 4)
            .Add("calibration_error", d.Fit.CalibrationError, 4)
            .Add("ope_rel_error", d.OpeRelativeError("DR"), 4)
            .Add("ope_rel_error_ips", d.OpeRelativeError("IPS"), 4)
            .Add("ope_rel_error_snips", d.OpeRelativeError("SNIPS"), 4)
            .Add("ope_rel_error_on_policy", d.OpeRelativeErrorOnPolicy("DR"), 4)
            .Add("ope_dr_value_per_decision", ope["DR"].Value, 4)
            .Add("true_value_per_logged_decision_trained", d.Counterfactual, 4)
            .Add("on_policy_value_per_shown_decision_trained", d.OnPolicy, 4)
            .Add("ope_effective_sample_size", ope["IPS"].EffectiveSampleSize ?? 0, 1)
            .Add("ope_samples", d.Ope.Samples, 0);
        foreach (var (policy, run) in d.Runs)
        {
            summary.Add($"value_per_decision_{policy}", run.ValuePerDecision, 4)
                .Add($"ratio_to_oracle_same_candidates_{policy}", run.ValuePerDecision / run.OracleValuePerDecision)
                .Add($"acceptance_rate_{policy}", run.AcceptanceRate, 4)
                .Add($"decisions_{policy}", run.Decisions, 0);
        }

        summary.Add("decisions_exploration", d.ExplorationDecisions, 0)
            .Add("validation_rows", d.Fit.ValidationRows, 0)
            .Add("candidates_mean", d.MeanCandidates, 2)
            .Add("catalog_actions", d.CatalogActions, 0);
    }

    private static string Count(int? decisions) => decisions is { } n ? $"{n} decisions" : "never";

    private static string Verdict(bool met) => met ? "met" : "MISSED";
}
