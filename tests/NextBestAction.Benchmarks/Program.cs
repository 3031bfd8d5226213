using System.CommandLine;
using NextBestAction.Benchmarks.Cli;
using NextBestAction.Benchmarks.Decide;
using NextBestAction.Benchmarks.Engine;
using NextBestAction.Benchmarks.Ingest;
using NextBestAction.Benchmarks.Notify;
using NextBestAction.Benchmarks.Quality;
using NextBestAction.Benchmarks.Score;

namespace NextBestAction.Benchmarks;

internal static class Program
{
    /// <summary>
    /// Every benchmark, one subcommand each. Adding one: a folder with a class implementing
    /// <see cref="IBenchmark"/>, an entry here, and a section in README.md.
    /// </summary>
    private static IReadOnlyList<IBenchmark> Benchmarks => [new IngestBenchmark(), new DecideBenchmark(), new EngineBenchmark(), new ScoreBenchmark(), new QualityBenchmark(), new NotifyFanoutBenchmark()];

    private static Task<int> Main(string[] args) =>
        BenchmarkCli.RunAsync(args, [.. Benchmarks.Select(b => b.CreateCommand())]);
}
