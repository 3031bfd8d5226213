using System.Diagnostics;

namespace NextBestAction.Benchmarks.Infrastructure;

/// <summary>
/// Counts handled events across threads and tells the instant a target count was reached, or that the counted
/// consumer failed, so a wait does not run into its timeout for nothing.
/// </summary>
internal sealed class ProgressCounter(string counted)
{
    private long count;
    private Waiter? waiter;
    private Exception? failure;

    public long Count => Interlocked.Read(ref count);

    public void Add(long events)
    {
        var total = Interlocked.Add(ref count, events);
        if (Volatile.Read(ref waiter) is { } current && total >= current.Target)
        {
            current.Reached.TrySetResult(Stopwatch.GetTimestamp());
        }
    }

    /// <summary>The counted consumer stopped for good; waits fail with <paramref name="reason"/>.</summary>
    public void Fail(Exception reason)
    {
        Volatile.Write(ref failure, reason);
        Volatile.Read(ref waiter)?.Reached.TrySetException(reason);
    }

    /// <summary>Completes with the Stopwatch timestamp at which the count reached <paramref name="target"/>.</summary>
    public async Task<long> WaitUntilAsync(long target, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var next = new Waiter(target);
        Volatile.Write(ref waiter, next);
        if (Count >= target)
        {
            next.Reached.TrySetResult(Stopwatch.GetTimestamp());
        }
        else if (Volatile.Read(ref failure) is { } reason)
        {
            next.Reached.TrySetException(reason);
        }

        try
        {
            return await next.Reached.Task.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{counted} handled {Count} of {target} events within {timeout.TotalSeconds:0} s", ex);
        }
    }

    private sealed record Waiter(long Target)
    {
        public TaskCompletionSource<long> Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
