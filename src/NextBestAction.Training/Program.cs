using NextBestAction.Training.Cli;

namespace NextBestAction.Training;

internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        // Ctrl+C stops reading or training; the partial output directory is removed.
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        return await TrainingCli.RunAsync(args, Console.Out, Console.Error, TimeProvider.System, cancel.Token);
    }
}
