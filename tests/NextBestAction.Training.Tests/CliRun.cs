using NextBestAction.Training.Cli;

namespace NextBestAction.Training.Tests;

/// <summary>Runs the command line in process with a given clock, capturing what it writes.</summary>
internal static class CliRun
{
    public static async Task<(int Code, string Output, string Error)> RunAsync(TimeProvider clock, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await TrainingCli.RunAsync(args, output, error, clock, TestContext.Current.CancellationToken);
        return (code, output.ToString(), error.ToString());
    }
}
