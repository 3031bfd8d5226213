using System.CommandLine;
using System.Diagnostics;
using BenchmarkDotNet.Running;
using NextBestAction.Benchmarks.Cli;
using NextBestAction.Benchmarks.Engine;
using NextBestAction.Benchmarks.Infrastructure;

namespace NextBestAction.Benchmarks.Score;

/// <summary>
/// <c>score</c>: the cost of scoring one candidate with a served-size trained model (100 trees of 20 leaves over every
/// feature the service computes) in our own evaluator, including feature extraction; and of one explained candidate.
/// BenchmarkDotNet in process. Target from the issue: at most 2 us per candidate.
/// </summary>
internal sealed class ScoreBenchmark : IBenchmark
{
    public const string Name = "score";
    private const double TargetMicroseconds = 2;

    public Command CreateCommand()
    {
        var quick = new Option<bool>("--quick") { Description = "Smoke run: fewer and shorter iterations; figures only indicative." };
        var command = new Command(Name, "Time per candidate scored by a 100-tree, 20-leaf model in the service's own evaluator, with BenchmarkDotNet in process.");
        command.Options.Add(quick);
        command.SetAction((parsed, cancellationToken) => RunAsync(parsed.GetValue(quick), parsed.InvocationConfiguration.Output, cancellationToken));
        return command;
    }

    /// <summary>As in <c>engine</c>: without it BenchmarkDotNet's short warm-up would measure code still at tier 0.</summary>
    private static int WarmUp(TimeSpan duration, CancellationToken cancellationToken)
    {
        var methods = new ScoreBenchmarks();
        methods.Setup();
        var started = Stopwatch.GetTimestamp();
        var rounds = 0;
        while (Stopwatch.GetElapsedTime(started) < duration)
        {
            cancellationToken.ThrowIfCancellationRequested();
            methods.ScoreAllCandidates();
            methods.ExplainOneCandidate();
            rounds++;
        }

        return rounds;
    }

    private static Task<int> RunAsync(bool quick, TextWriter output, CancellationToken cancellationToken) =>
        BenchmarkCli.MeasureAndPublishAsync(Name, () => MeasureAsync(quick, output, cancellationToken), output, cancellationToken);

    private static async Task<BenchmarkSummary> MeasureAsync(bool quick, TextWriter output, CancellationToken cancellationToken)
    {
        try
        {
            var settings = new EngineSettings(Inputs: 500, Customers: 10_000, Events: 100_000, Seed: 42, quick);
            await output.WriteLineAsync($"{Name}: building decision scopes from {settings.Events} simulated events and a {ScoreWorkload.Trees}-tree model...");
            var started = Stopwatch.GetTimestamp();
            var workload = ScoreWorkload.Create(EngineWorkload.Create(settings, cancellationToken), settings.Seed);
            await output.WriteLineAsync(
                $"{Name}: {workload.Scopes.Length} scopes x {workload.Actions.Count} catalog actions; model {ScoreWorkload.Trees} trees x "
                + $"{ScoreWorkload.Leaves} leaves over {workload.Model.Model.FeatureCount} features; ready in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s");
            ScoreBenchmarks.Workload = workload;
            await output.WriteLineAsync($"warm-up: {WarmUp(quick ? EngineSettings.QuickJitWarmup : EngineSettings.JitWarmup, cancellationToken)} rounds, so tiered compilation has settled");

            var artifacts = Directory.CreateTempSubdirectory("nba-bench-score-");
            BenchmarkDotNet.Reports.Summary bdn;
            try
            {
                bdn = BenchmarkRunner.Run<ScoreBenchmarks>(EngineBenchmark.Config(EngineBenchmark.Job(quick), artifacts.FullName));
            }
            finally
            {
                artifacts.Delete(recursive: true);
            }

            var all = EngineBenchmark.Figures.Of(bdn, nameof(ScoreBenchmarks.ScoreAllCandidates));
            var explain = EngineBenchmark.Figures.Of(bdn, nameof(ScoreBenchmarks.ExplainOneCandidate));
            var candidates = workload.Actions.Count;
            var perCandidate = all.MeanMicroseconds / candidates;
            await output.WriteLineAsync();
            await EngineBenchmark.WriteRowAsync(output, $"score {candidates} candidates", all);
            await EngineBenchmark.WriteRowAsync(output, "explain 1 candidate", explain);
            await output.WriteLineAsync(
                $"result: {perCandidate:0.000} us per candidate ({all.BytesAllocated / (double)candidates:0} bytes), {explain.MeanMicroseconds:0.00} us with "
                + $"contributions; target {TargetMicroseconds} us per candidate");

            return new BenchmarkSummary(Name)
                .Add("us_per_candidate", perCandidate, 3)
                .Add("bytes_allocated_per_candidate", all.BytesAllocated / (double)candidates, 1)
                .Add("us_per_explained_candidate", explain.MeanMicroseconds, 3)
                .Add("ratio_to_target", perCandidate / TargetMicroseconds, 3)
                .Add("trees", ScoreWorkload.Trees, 0)
                .Add("leaves", ScoreWorkload.Leaves, 0)
                .Add("features", workload.Model.Model.FeatureCount, 0)
                .Add("candidates", candidates, 0)
                .Add("cores", Environment.ProcessorCount, 0)
                .Add("quick", quick ? 1 : 0, 0);
        }
        finally
        {
            ScoreBenchmarks.Workload = null;
        }
    }
}
