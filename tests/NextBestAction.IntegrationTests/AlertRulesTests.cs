using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using NextBestAction.ServiceDefaults;
using NextBestAction.Telemetry;
using NextBestAction.Testing;
using YamlDotNet.RepresentationModel;

namespace NextBestAction.IntegrationTests;

/// <summary>
/// The Prometheus rules for the SLOs, read as Prometheus would load them: every alert is complete, its runbook anchor
/// exists in the SRE page, every metric it uses is one the service exposes, and compose mounts the rules. The rules' unit
/// tests (deploy/prometheus/tests, run by promtool) prove that each alert stays quiet for a healthy load and fires for a bad one.
/// </summary>
public sealed partial class AlertRulesTests
{
    /// <summary>The series the service exposes (with histogram suffixes), as /metrics names them.</summary>
    private static readonly HashSet<string> ExposedMetrics =
    [
        "nba_decision_duration_seconds_bucket", "nba_ingestion_freshness_seconds_bucket", "nba_decisions_total",
        "nba_ingestion_consumer_lag", "nba_decision_log_dropped_total", "http_server_request_duration_seconds_count",
    ];

    /// <summary>What OpenTelemetry uses for a histogram that advises no boundaries (meant for milliseconds).</summary>
    private static readonly double[] OpenTelemetryDefaultBoundaries = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

    private static string Repository(params string[] path) => Path.Combine([RepositoryPaths.Root, .. path]);

    private static List<YamlMappingNode> Rules(string group)
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(Repository("deploy", "prometheus", "rules", "nba-slo.yml"));
        yaml.Load(reader);
        var groups = (YamlSequenceNode)((YamlMappingNode)yaml.Documents[0].RootNode)["groups"];
        var found = groups.Cast<YamlMappingNode>().Single(g => ((YamlScalarNode)g["name"]).Value == group);
        return [.. ((YamlSequenceNode)found["rules"]).Cast<YamlMappingNode>()];
    }

    private static string Text(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? ((YamlScalarNode)value).Value ?? "" : "";

    [Fact]
    public void EveryAlert_HasAnExpressionDurationSeverityAndARunbookSectionThatExists()
    {
        var sre = File.ReadAllText(Repository("deploy", "sre.md"));
        var headings = HeadingPattern().Matches(sre).Select(m => m.Groups[1].Value.ToLowerInvariant()).ToHashSet();
        var alerts = Rules("nba-slo-alerts");

        Assert.Equal(6, alerts.Count);
        foreach (var alert in alerts)
        {
            var name = Text(alert, "alert");
            Assert.False(string.IsNullOrWhiteSpace(Text(alert, "expr")), name);
            Assert.Matches("^[0-9]+m$", Text(alert, "for"));
            var labels = (YamlMappingNode)alert["labels"];
            Assert.Contains(Text(labels, "severity"), new[] { "page", "ticket" });
            var annotations = (YamlMappingNode)alert["annotations"];
            Assert.False(string.IsNullOrWhiteSpace(Text(annotations, "summary")), name);
            Assert.Equal($"deploy/sre.md#{name.ToLowerInvariant()}", Text(annotations, "runbook_url"));
            Assert.Contains(name.ToLowerInvariant(), headings);
        }
    }

    [Fact]
    public void RulesUseOnlyMetricsTheServiceExposes_AndAlertsOnlyRecordedOrExposedSeries()
    {
        var recording = Rules("nba-slo-recording");
        var recorded = recording.Select(r => Text(r, "record")).ToHashSet();
        foreach (var rule in recording.Concat(Rules("nba-slo-alerts")))
        {
            foreach (Match metric in MetricPattern().Matches(Text(rule, "expr")))
            {
                var name = metric.Value;
                Assert.True(ExposedMetrics.Contains(name) || recorded.Contains(name), $"{name} in {Text(rule, "record")}{Text(rule, "alert")} is neither exposed nor recorded");
            }
        }
    }

    [Fact]
    public void ComposeMountsTheRules_AndPrometheusLoadsThem()
    {
        var compose = File.ReadAllText(Repository("docker-compose.yml"));
        var prometheus = File.ReadAllText(Repository("deploy", "prometheus", "prometheus.yml"));

        Assert.Contains("./deploy/prometheus/rules:/etc/prometheus/rules:ro", compose, StringComparison.Ordinal);
        Assert.Contains("- /etc/prometheus/rules/*.yml", prometheus, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PromtoolRuleTests_Pass()
    {
        var start = new ProcessStartInfo("promtool", ["test", "rules", "nba-slo.test.yml"])
        {
            WorkingDirectory = Repository("deploy", "prometheus", "tests"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        Process promtool;
        try
        {
            promtool = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            Assert.Fail($"promtool could not be started ({ex.Message}): install the Debian package prometheus (tests/run.sh does)");
            return;
        }

        using (promtool)
        {
            var output = promtool.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            var errors = promtool.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            await promtool.WaitForExitAsync(TestContext.Current.CancellationToken);

            Assert.True(promtool.ExitCode == 0, $"promtool test rules failed:\n{await output}\n{await errors}");
        }
    }

    /// <summary>The rule tests' histograms must have the buckets the service really exposes, or they prove nothing.</summary>
    [Fact]
    public void PromtoolRuleTests_UseTheBucketBoundariesOfTheServicesHistograms()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var telemetry = new NbaTelemetry(services.GetRequiredService<IMeterFactory>());
        var ruleTests = File.ReadAllText(Repository("deploy", "prometheus", "tests", "nba-slo.test.yml"));

        foreach (var (metric, histogram) in new[]
        {
            ("nba_decision_duration_seconds", telemetry.DecisionDuration),
            ("nba_ingestion_freshness_seconds", telemetry.IngestionFreshness),
        })
        {
            var used = new Regex(metric + @"_bucket\{[^}]*le=""([^""]+)""").Matches(ruleTests).Select(m => m.Groups[1].Value).Distinct().ToList();
            var exposed = (histogram.Advice?.HistogramBucketBoundaries ?? OpenTelemetryDefaultBoundaries)
                .Select(b => b.ToString(CultureInfo.InvariantCulture)).Append("+Inf").ToList();

            Assert.Equal(exposed, used);
        }
    }

    [GeneratedRegex(@"^### (\S+)", RegexOptions.Multiline)]
    private static partial Regex HeadingPattern();

    /// <summary>Series names, ours (nba_ or nba:) and ASP.NET Core's http_ ones; label names (followed by = or !) are not.</summary>
    [GeneratedRegex(@"\b(nba[_:][a-z0-9_:]+|http_[a-z0-9_]+)\b(?!\s*[=!])")]
    private static partial Regex MetricPattern();
}
