using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

using NextBestAction.Benchmarks.Infrastructure;

namespace NextBestAction.Benchmarks.Cli;

/// <summary>
/// The command line: <c>&lt;benchmark&gt; [options]</c>. A missing or unknown benchmark name, or a bad option,
/// is a usage error (exit code 2) that names the known benchmarks.
/// </summary>
internal static class BenchmarkCli
{
    public const int UsageError = 2;

    /// <summary>Long enough for a benchmark cancelled with Ctrl+C to stop its servers before the process ends.</summary>
    private static readonly TimeSpan CleanupOnCancel = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Measures, publishes the summary and turns failures into exit code 1 with a one-line message: the same
    /// ending for every benchmark. Expected failures (setup, bad input) show only their message.
    /// </summary>
    public static async Task<int> MeasureAndPublishAsync(
        string name, Func<Task<BenchmarkSummary>> measure, TextWriter output, CancellationToken cancellationToken)
    {
        try
        {
            await (await measure()).PublishAsync(output);
            return 0;
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync($"{name}: cancelled; what it started is stopped.");
            return 1;
        }
        catch (BenchmarkSetupException ex)
        {
            await Console.Error.WriteLineAsync($"{name} failed: {ex.Message}");
            return 1;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            await Console.Error.WriteLineAsync($"{name} failed ({ex.GetType().Name}): {ex.Message}");
            return 1;
        }
    }

    public static async Task<int> RunAsync(string[] args, IReadOnlyList<Command> benchmarks)
    {
        var root = new RootCommand(
            "NextBestAction benchmarks. Each runs its own baseline in the same process, prints its conditions and figures, "
            + "and ends with one JSON line that is also appended to results/<benchmark>.jsonl under the repository root.");
        foreach (var benchmark in benchmarks)
        {
            root.Subcommands.Add(benchmark);
        }

        var help = root.Options.OfType<HelpOption>().Single();
        help.Action = new HelpWithEveryBenchmark((HelpAction)help.Action!, root);

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0 && parsed.Action is not HelpWithEveryBenchmark)
        {
            var known = string.Join(", ", benchmarks.Select(b => b.Name));
            if (parsed.CommandResult.Command == root)
            {
                var name = args.FirstOrDefault(a => !a.StartsWith('-'));
                await Console.Error.WriteLineAsync(name is null
                    ? $"Name a benchmark to run. Known benchmarks: {known}."
                    : $"Unknown benchmark '{name}'. Known benchmarks: {known}.");
            }
            else
            {
                foreach (var error in parsed.Errors)
                {
                    await Console.Error.WriteLineAsync(error.Message);
                }
            }

            await Console.Error.WriteLineAsync("Run with --help to see every benchmark and its options.");
            return UsageError;
        }

        return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = CleanupOnCancel });
    }

    /// <summary>The standard help, and on the root command every benchmark's options as well.</summary>
    private sealed class HelpWithEveryBenchmark(HelpAction standard, RootCommand root) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            standard.Invoke(parseResult);
            if (parseResult.CommandResult.Command != root)
            {
                return 0;
            }

            foreach (var benchmark in root.Subcommands)
            {
                parseResult.InvocationConfiguration.Output.WriteLine();
                standard.Invoke(root.Parse([benchmark.Name, "--help"]));
            }

            return 0;
        }
    }
}
