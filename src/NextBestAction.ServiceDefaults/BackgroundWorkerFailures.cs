using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace NextBestAction.ServiceDefaults;

/// <summary>
/// Watches every <see cref="BackgroundService"/> of the host. The host stops when one fails
/// (<see cref="BackgroundServiceExceptionBehavior.StopHost"/>) but would exit with code 0 and a log line that does not
/// say which worker failed, so an orchestrator sees a clean exit and nobody sees why. This names the worker and the
/// error and sets a non-zero exit code.
/// </summary>
internal sealed partial class BackgroundWorkerFailures(
    IServiceProvider services, IHostApplicationLifetime lifetime, ILogger<BackgroundWorkerFailures> logger) : IHostedLifecycleService
{
    /// <summary>The process exit code after a worker failed (70: EX_SOFTWARE, an internal error).</summary>
    public const int ExitCode = 70;

    private readonly List<Task> watches = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<BackgroundService, bool> reported = new();

    /// <summary>After every hosted service started, so each worker's task exists.</summary>
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        foreach (var worker in services.GetServices<IHostedService>().OfType<BackgroundService>())
        {
            if (worker.ExecuteTask is { } task)
            {
                watches.Add(task.ContinueWith(t => OnEnded(worker, t), CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default));
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Stops last (hosted services stop in reverse order, and this one is registered first), after every worker ended:
    /// waiting for the watches makes sure the exit code is set before the host returns.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken) =>
        await Task.WhenAll(watches).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// A worker that fails at once can stop the host before <see cref="StartedAsync"/> ever runs; when stopping begins,
    /// every worker that has already ended is looked at too.
    /// </summary>
    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        foreach (var worker in services.GetServices<IHostedService>().OfType<BackgroundService>())
        {
            if (worker.ExecuteTask is { IsCompleted: true } task)
            {
                OnEnded(worker, task);
            }
        }

        return Task.CompletedTask;
    }

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void OnEnded(BackgroundService worker, Task task)
    {
        // A worker cancelled because the host stops ended normally; one that ends cancelled while the host runs did not.
        var reason = task switch
        {
            { IsFaulted: true } => task.Exception.InnerExceptions is [var error, ..] ? $"{error.GetType().Name}: {error.Message}" : task.Exception.Message,
            { IsCanceled: true } when !lifetime.ApplicationStopping.IsCancellationRequested => "cancelled while the host was running",
            _ => null,
        };
        if (reason is null || !reported.TryAdd(worker, true))
        {
            return;
        }

        Environment.ExitCode = ExitCode;
        LogWorkerFailed(logger, worker.GetType().Name, reason, ExitCode);
        lifetime.StopApplication();
    }

    [LoggerMessage(EventId = 9001, Level = LogLevel.Critical, Message = "Background worker {Worker} failed for good ({Reason}); stopping the process with exit code {ExitCode}")]
    private static partial void LogWorkerFailed(ILogger logger, string worker, string reason, int exitCode);
}
