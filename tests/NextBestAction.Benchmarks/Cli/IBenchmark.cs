using System.CommandLine;

namespace NextBestAction.Benchmarks.Cli;

/// <summary>
/// One benchmark, offered as a subcommand named after it. Its action returns 0 after printing its JSON summary
/// line last, or 1 when it could not measure.
/// </summary>
internal interface IBenchmark
{
    Command CreateCommand();
}
