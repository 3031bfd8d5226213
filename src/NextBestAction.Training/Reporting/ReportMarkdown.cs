using System.Globalization;
using System.Text;

namespace NextBestAction.Training.Reporting;

/// <summary><c>report.md</c>, also printed at the end of a run: the report for a person deciding whether to deploy the model.</summary>
internal static class ReportMarkdown
{
    private const int MaxFeaturesListed = 25;

    public static string Render(TrainingReport report)
    {
        var md = new StringBuilder();
        var t = report.Trainer;
        var d = report.Data;
        var h = d.History;
        Line(md, $"# Propensity model {report.Version}");
        Line(md);
        Line(md, $"Trained {report.CreatedAt:u} with seed {report.Seed}: {t.Name} ({t.Library}), {t.Trees} trees of {t.Leaves} leaves,");
        Line(md, $"learning rate {t.LearningRate}, at least {t.MinimumExampleCountPerLeaf} rows per leaf.");
        Line(md, $"Decisions from `{report.Sources.Decisions}`, outcomes from `{report.Sources.Outcomes}`.");
        Line(md);
        Text(md, "## Data");
        Line(md);
        Text(md, "| | |");
        Text(md, "|---|---|");
        Line(md, $"| Decisions | {h.Decisions} logged, {Time(d.From)} to {Time(d.To)} |");
        Line(md, $"| Examples (chosen actions) | {h.Rows}, {h.Positives} accepted ({Percent(h.Positives, h.Rows)}) |");
        Line(md, $"| Training | {d.TrainingRows} rows, {d.TrainingPositives} accepted, decisions before {Time(d.ValidationFrom)} |");
        Line(md, $"| Validation (latest {t.HoldoutFraction:0.##} of decisions) | {d.ValidationRows} rows, {d.ValidationPositives} accepted, from {Time(d.ValidationFrom)} |");
        Line(md, $"| Outcome events | {h.OutcomeEvents}: {h.Accepted} accepted, {h.Declined} declined, {h.Ignored} ignored |");
        var skipped = string.Create(CultureInfo.InvariantCulture,
            $"{h.DuplicateDecisions} duplicate decisions, {h.DecisionsWithoutChoice} without a choice, {h.ChosenWithoutCandidate} choices without their candidate");
        Line(md, $"| Skipped | {skipped}, {h.ShreddedDecisions} of erased customers, {h.WithheldDecisions} of objecting or restricted customers, {h.UnreadableEvents} unreadable and {h.OtherEvents} other events, {h.AcceptedWithoutDecision} acceptances without a logged decision |");
        Line(md, $"| Logged by | {string.Join(", ", h.LoggedModelVersions.Select(v => $"{v.Key} ({v.Value} rows)"))} |");
        Line(md);
        Text(md, "## Quality on the validation rows");
        Line(md);
        Text(md, "| Model | AUC | Log-loss (nats) | Mean predicted | Observed rate | Rows |");
        Text(md, "|---|---:|---:|---:|---:|---:|");
        foreach (var q in new[] { report.Model, report.Baseline })
        {
            Line(md, $"| {q.Name} | {Number(q.Auc)} | {Number(q.LogLoss)} | {q.MeanPredicted:0.0000} | {q.ObservedRate:0.0000} | {q.Rows} |");
        }

        Line(md);
        Text(md, "The baseline is the propensity the serving model logged for the same decisions when it made them.");
        Line(md);
        Text(md, "## Calibration (deciles of the predicted probability)");
        Line(md);
        Text(md, "| Predicted from | to | Rows | Mean predicted | Observed | Baseline mean predicted | Baseline observed |");
        Text(md, "|---:|---:|---:|---:|---:|---:|---:|");
        for (var i = 0; i < report.Calibration.Count; i++)
        {
            var c = report.Calibration[i];
            var b = i < report.BaselineCalibration.Count ? report.BaselineCalibration[i] : null;
            var bin = string.Create(CultureInfo.InvariantCulture, $"| {c.From:0.0000} | {c.To:0.0000} | {c.Rows} | {c.MeanPredicted:0.0000} | {c.ObservedRate:0.0000} |");
            Line(md, $"{bin} {Number(b?.MeanPredicted)} | {Number(b?.ObservedRate)} |");
        }

        Line(md);
        Text(md, string.Create(CultureInfo.InvariantCulture,
            $"Expected calibration error (row-weighted mean of |predicted - observed| over the deciles): {Metrics.ExpectedCalibrationError(report.Calibration):0.0000}, "
            + $"baseline {Metrics.ExpectedCalibrationError(report.BaselineCalibration):0.0000}. Baseline columns: the logged propensity's own deciles."));
        Line(md);
        Text(md, "## Feature importance (split gain, relative to the largest)");
        Line(md);
        Text(md, "| Feature | Importance |");
        Text(md, "|---|---:|");
        foreach (var f in report.FeatureImportance.Take(MaxFeaturesListed))
        {
            Line(md, $"| `{f.Feature}` | {f.Importance:0.0000} |");
        }

        if (report.FeatureImportance.Count > MaxFeaturesListed)
        {
            Line(md, $"| ... {report.FeatureImportance.Count - MaxFeaturesListed} more in report.json | |");
        }

        Line(md);
        Text(md, "## Export check");
        Line(md);
        Line(md, $"model.json, evaluated by the serving code, reproduces ML.NET's probabilities on {report.Export.Rows} validation rows");
        Line(md, $"within {report.Export.MaxAbsError:0.###e+0} (tolerance {report.Export.Tolerance:0e+0}).");
        if (report.CustomerModels is { } customers)
        {
            RenderCustomerModels(md, customers);
        }

        if (report.Warnings.Count > 0)
        {
            Line(md);
            Text(md, "## Warnings");
            Line(md);
            foreach (var warning in report.Warnings)
            {
                Line(md, $"- {warning}");
            }
        }

        return md.ToString();
    }

    private static void RenderCustomerModels(StringBuilder md, CustomerModelsReport c)
    {
        Line(md);
        Line(md, $"## Churn and value models ({c.HorizonDays:0.##}-day horizon)");
        Line(md);
        Line(md, $"Orders from `{c.Orders}`, observed until {Time(c.ObservedUntil)}. Each logged decision is a snapshot of its customer;");
        Line(md, $"its labels are the orders placed in the {c.HorizonDays:0.##} days after it (none = lapsed, the churn label; their total = the value label).");
        Line(md, $"{c.Snapshots} snapshots, {c.Censored} too recent to label; {c.TrainingRows} training and {c.ValidationRows} validation rows (from {Time(c.ValidationFrom)}),");
        Text(md, "at most one per customer per horizon.");
        if (c.Churn is { } churn)
        {
            Line(md);
            Text(md, "| Churn model | AUC | Log-loss (nats) | Mean predicted | Observed lapse rate | Rows |");
            Text(md, "|---|---:|---:|---:|---:|---:|");
            foreach (var q in new[] { churn.Model, churn.Baseline })
            {
                Line(md, $"| {q.Name} | {Number(q.Auc)} | {Number(q.LogLoss)} | {q.MeanPredicted:0.0000} | {q.ObservedRate:0.0000} | {q.Rows} |");
            }

            Line(md);
            Line(md, $"Top churn features: {string.Join(", ", churn.FeatureImportance.Take(5).Select(f => $"`{f.Feature}` {f.Importance:0.00}"))}.");
        }

        if (c.Value is { } value)
        {
            Line(md);
            Text(md, "| Value model | RMSE (EUR) | R² | Mean predicted | Mean observed | Rows |");
            Text(md, "|---|---:|---:|---:|---:|---:|");
            Line(md, $"| {value.Name} | {value.Rmse:0.00} | {Number(value.RSquared)} | {value.MeanPredicted:0.00} | {value.MeanObserved:0.00} | {c.ValidationRows} |");
            Line(md, $"| training mean for everyone | {value.BaselineRmse:0.00} | | {value.TrainingMean:0.00} | | |");
            Line(md);
            Line(md, $"A typical customer's value (the reference of the value weight in arbitration): {value.Reference:0.00} EUR.");
            Line(md, $"Top value features: {string.Join(", ", value.FeatureImportance.Take(5).Select(f => $"`{f.Feature}` {f.Importance:0.00}"))}.");
        }

        foreach (var warning in c.Warnings)
        {
            Line(md, $"- {warning}");
        }
    }

    /// <summary>An interpolated line, numbers and times formatted invariantly.</summary>
    private static void Line(StringBuilder md, FormattableString text) => md.Append(text.ToString(CultureInfo.InvariantCulture)).Append('\n');

    private static void Line(StringBuilder md) => md.Append('\n');

    private static void Text(StringBuilder md, string text) => md.Append(text).Append('\n');

    private static string Time(DateTimeOffset? time) => time?.ToString("u", CultureInfo.InvariantCulture) ?? "-";

    private static string Number(double? value) => value?.ToString("0.0000", CultureInfo.InvariantCulture) ?? "-";

    private static string Percent(int part, int whole) =>
        whole == 0 ? "-" : (100.0 * part / whole).ToString("0.0", CultureInfo.InvariantCulture) + "%";
}
