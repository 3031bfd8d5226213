using System.Globalization;
using System.Text;
using System.Text.Json;
using NextBestAction.Decisioning.Models;
using NextBestAction.Learning.Evaluation;
using NextBestAction.Training.History;
using NextBestAction.Training.Propensity;
using NextBestAction.Training.Reporting;

namespace NextBestAction.Training.Evaluation;

/// <param name="Decisions">Where the <c>decision.logged</c> events are.</param>
/// <param name="Outcomes">Where the feedback events are.</param>
/// <param name="Kafka">Brokers, when either source is a topic.</param>
/// <param name="Model">A directory holding model.json, or <see cref="PolicyEvaluation.Prior"/>.</param>
/// <param name="Epsilon">0 for the greedy candidate policy, else epsilon-greedy around it.</param>
/// <param name="BootstrapResamples">0 for normal intervals, else percentile bootstrap intervals over this many resamples.</param>
/// <param name="Seed">Seed of the bootstrap.</param>
/// <param name="OutputDirectory">Where evaluation.json and evaluation.md go; null to only print.</param>
/// <param name="Now">The report's time.</param>
/// <param name="Keys">Where the keys of sealed decision-log records are; null reads plain records only.</param>
/// <param name="Challenger">A second model, as <paramref name="Model"/>, compared with it (the champion) on the same decisions; null for none.</param>
internal sealed record EvaluateSettings(
    HistorySource Decisions,
    HistorySource Outcomes,
    KafkaSettings? Kafka,
    string Model,
    double Epsilon,
    int BootstrapResamples,
    int Seed,
    string? OutputDirectory,
    DateTimeOffset Now,
    KeySource? Keys = null,
    string? Challenger = null);

/// <summary>The candidate model cannot be loaded, or the log gives nothing to evaluate.</summary>
internal sealed class EvaluationException : Exception
{
    public EvaluationException()
    {
    }

    public EvaluationException(string message)
        : base(message)
    {
    }

    public EvaluationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// <c>evaluate</c>: reads outcomes and logged decisions, turns them into samples (<see cref="LoggedDecisionSamples"/>)
/// and estimates the candidate policy's value per decision with IPS, SNIPS, DR and the direct method, beside the
/// logging policy's own mean reward on the same decisions.
/// </summary>
internal static class PolicyEvaluation
{
    /// <summary>The <c>--model</c> value for the rules-only prior.</summary>
    public const string Prior = "prior";

    public const string ReportFile = "evaluation.json";
    public const string ReportMarkdownFile = "evaluation.md";

    /// <summary>Two-sided 95% quantile of the standard normal distribution.</summary>
    private const double Z95 = 1.959963984540054;

    public static async Task<EvaluationReport> RunAsync(EvaluateSettings settings, TextWriter output, CancellationToken cancellationToken)
    {
        var model = LoadModel(settings.Model, "--model");
        var challenger = settings.Challenger is { } challengerModel ? LoadModel(challengerModel, "--challenger") : null;
        using var access = settings.Keys is { } keys ? RedisDecisionLogAccess.Connect(keys.Configuration, keys.KeyPrefix, settings.Now) : null;
        var samples = new LoggedDecisionSamples(access);
        await HistoryReader.ReadAsync(settings.Outcomes, settings.Kafka, "reading outcomes", samples.AddOutcome, output, cancellationToken);
        await HistoryReader.ReadAsync(settings.Decisions, settings.Kafka, "reading decisions", samples.AddDecision, output, cancellationToken);
        var (logged, counts) = samples.Build(model, model is LoggedPriorPropensity ? LoggedPriorPropensity.LoggedBy : null);
        if (logged.Count == 0)
        {
            var problems = counts.Problems.Count > 0 ? $" First problems: {string.Join("; ", counts.Problems)}" : "";
            throw new EvaluationException($"no decisions to evaluate: {counts.DecisionEvents} events in {settings.Decisions} gave no decision with a chosen action.{problems}");
        }

        var options = new OffPolicyOptions { BootstrapResamples = settings.BootstrapResamples, BootstrapSeed = settings.Seed };
        var report = Evaluate(logged, model, settings.Epsilon, options) with
        {
            CreatedAt = settings.Now,
            Sources = new ReportSources(settings.Decisions.ToString(), settings.Outcomes.ToString()),
            Data = counts,
            Warnings = Warnings(counts, model),
        };
        if (challenger is not null)
        {
            // The same records in the same order, skipped for the same reasons: the samples pair up one to one.
            var (challengerLogged, challengerCounts) = samples.Build(challenger, challenger is LoggedPriorPropensity ? LoggedPriorPropensity.LoggedBy : null);
            report = report with
            {
                Challenger = ChallengerComparison.Compare(logged, challengerLogged, model.Name, challenger.Name, settings.Epsilon, options),
                Warnings = [.. report.Warnings, .. Warnings(challengerCounts, challenger).Where(w => !report.Warnings.Contains(w))],
            };
        }

        var markdown = Markdown(report);
        if (settings.OutputDirectory is { } directory)
        {
            Directory.CreateDirectory(directory);
            await File.WriteAllBytesAsync(Path.Combine(directory, ReportFile), JsonSerializer.SerializeToUtf8Bytes(report, EvaluationJsonContext.Default.EvaluationReport), cancellationToken);
            await File.WriteAllTextAsync(Path.Combine(directory, ReportMarkdownFile), markdown, Encoding.UTF8, cancellationToken);
        }

        await output.WriteLineAsync();
        await output.WriteAsync(markdown);
        if (settings.OutputDirectory is not null)
        {
            await output.WriteLineAsync();
            await output.WriteLineAsync($"wrote {Path.Combine(settings.OutputDirectory, ReportFile)} and {ReportMarkdownFile}");
        }

        return report;
    }

    /// <summary>The estimates for samples already built; what the <c>quality</c> benchmark calls on its in-memory log.</summary>
    /// <exception cref="OffPolicyDataException">A sample is invalid, or no logged action matches the candidate policy.</exception>
    public static EvaluationReport Evaluate(IReadOnlyList<LoggedSample<LoggedDecision>> samples, ICandidatePropensity model, double epsilon, OffPolicyOptions options)
    {
        var evaluation = OffPolicyEvaluation.Create(samples, LoggedDecisionSamples.Policy(epsilon), options);
        return new EvaluationReport
        {
            CreatedAt = default,
            Model = model.Name,
            Policy = epsilon == 0 ? "greedy" : string.Create(CultureInfo.InvariantCulture, $"epsilon-greedy({epsilon})"),
            Sources = new ReportSources("", ""),
            Data = new SampleCounts(0, samples.Count, 0, 0, 0, 0, 0, 0, 0, 0, []),
            Samples = samples.Count,
            Logged = MeanReward(samples),
            Estimates = [.. evaluation.EstimateAll().Select(PolicyValue.From)],
            Warnings = [],
            Holdout = HoldoutUplift.From(samples),
        };
    }

    private static ICandidatePropensity LoadModel(string model, string option)
    {
        if (string.Equals(model, Prior, StringComparison.OrdinalIgnoreCase))
        {
            return new LoggedPriorPropensity();
        }

        var file = Directory.Exists(model) ? Path.Combine(model, PropensityTraining.ModelFile) : model;
        if (!File.Exists(file))
        {
            throw new EvaluationException($"{option} {model}: neither a directory with {PropensityTraining.ModelFile}, a model file, nor \"{Prior}\"");
        }

        try
        {
            // The serving wrapper refuses other kinds and features serving cannot compute, as the registry would.
            return new TreeEnsembleCandidatePropensity(new TreeEnsemblePropensityModel(TreeEnsembleModel.Load(file)));
        }
        catch (ModelArtifactException ex)
        {
            throw new EvaluationException(ex.Message, ex);
        }
    }

    private static PolicyValue MeanReward(IReadOnlyList<LoggedSample<LoggedDecision>> samples)
    {
        var n = samples.Count;
        var mean = samples.Average(s => s.Reward);
        var error = n > 1 ? Math.Sqrt(samples.Sum(s => (s.Reward - mean) * (s.Reward - mean)) / (n - 1) / n) : double.NaN;
        return new PolicyValue("logged", mean, error, mean - (Z95 * error), mean + (Z95 * error));
    }

    private static List<string> Warnings(SampleCounts counts, ICandidatePropensity model)
    {
        var warnings = new List<string>();
        if (counts.NotLoggedByModel > 0)
        {
            warnings.Add($"{counts.NotLoggedByModel} decisions were not logged by {model.Name}; its propensities for them are the logged ones of another model");
        }

        if (model is TreeEnsembleCandidatePropensity { MissingValues: > 0 } tree)
        {
            warnings.Add($"{tree.MissingValues} feature values the model reads were missing from the log and taken as 0 (logged by an older service version?)");
        }

        if (counts.UnreadableEvents > 0)
        {
            warnings.Add($"{counts.UnreadableEvents} events could not be read and were skipped; first: {string.Join("; ", counts.Problems)}");
        }

        if (counts.ChosenWithoutCandidate > 0)
        {
            warnings.Add($"{counts.ChosenWithoutCandidate} decisions chose an action that is not among their logged candidates and were skipped");
        }

        return warnings;
    }

    private static string Markdown(EvaluationReport report)
    {
        var md = new StringBuilder();
        var d = report.Data;
        Line(md, $"# Off-policy evaluation of {report.Policy} on {report.Model}");
        Line(md);
        Line(md, $"Decisions from `{report.Sources.Decisions}`, outcomes from `{report.Sources.Outcomes}`. Reward: the action's value (EUR) when accepted, else 0.");
        Line(md, $"{report.Samples} decisions evaluated (first slot) of {d.Decisions} logged; skipped {d.DecisionsWithoutChoice} without a choice, {d.ChosenWithoutCandidate} whose choice is not a candidate, {d.DuplicateDecisions} duplicates, {d.ShreddedDecisions} of erased customers, {d.WithheldDecisions} of objecting or restricted customers, {d.UnreadableEvents} unreadable and {d.OtherEvents} other events; {d.Accepted} acceptances read.");
        Line(md);
        Line(md, $"| Estimator | Value per decision | 95% interval | Std. error | Effective sample size | Matched |");
        Line(md, $"|---|---:|---:|---:|---:|---:|");
        foreach (var e in report.Estimates.Append(report.Logged))
        {
            var name = e.Method == "logged" ? "logging policy (observed)" : e.Method;
            Line(md, $"| {name} | {e.Value:0.0000} | {e.Lower:0.0000} .. {e.Upper:0.0000} | {e.StandardError:0.0000} | {e.EffectiveSampleSize?.ToString("0.0", CultureInfo.InvariantCulture) ?? "-"} | {e.Matched?.ToString(CultureInfo.InvariantCulture) ?? "-"} |");
        }

        if (report.Holdout is { } holdout)
        {
            Line(md);
            Line(md, $"## Uplift over the holdout group");
            Line(md);
            Line(md, $"Measured, not estimated: the logged policy's decisions (treatment) against the control group's, which got the baseline policy.");
            Line(md);
            Line(md, $"| Group | Decisions | Accepted | Acceptance rate | Value per decision | Std. error |");
            Line(md, $"|---|---:|---:|---:|---:|---:|");
            foreach (var g in new[] { holdout.Treatment, holdout.Control })
            {
                Line(md, $"| {g.Group} | {g.Decisions} | {g.Accepted} | {g.AcceptanceRate:0.0000} | {g.ValuePerDecision:0.0000} | {g.StandardError:0.0000} |");
            }

            var relative = holdout.RelativeUplift is { } r ? string.Create(CultureInfo.InvariantCulture, $" ({r:+0.0%;-0.0%})") : "";
            Line(md);
            Line(md, $"Uplift: {holdout.Uplift:+0.0000;-0.0000} EUR per decision{relative}, 95% interval {holdout.Lower:0.0000} .. {holdout.Upper:0.0000}.");
        }

        report.Challenger?.Render(md, report.Samples, report.Estimates);
        if (report.Warnings.Count > 0)
        {
            Line(md);
            Line(md, $"## Warnings");
            Line(md);
            foreach (var warning in report.Warnings)
            {
                Line(md, $"- {warning}");
            }
        }

        return md.ToString();
    }

    /// <summary>An interpolated line, numbers formatted invariantly.</summary>
    private static void Line(StringBuilder md, FormattableString text) => md.Append(text.ToString(CultureInfo.InvariantCulture)).Append('\n');

    private static void Line(StringBuilder md) => md.Append('\n');
}
