using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using StackExchange.Redis;

namespace NextBestAction.Decisioning.Serving;

/// <summary>
/// The decision's profile read behind a Polly pipeline: a circuit breaker around the time budget
/// (<c>Decisions:ProfileReadBudgetMs</c>). The breaker samples reads over <c>CircuitBreakerWindowMs</c>; once at least
/// <c>CircuitBreakerMinimumReads</c> are in it and <c>CircuitBreakerFailureRatio</c> of them failed, it skips Redis for
/// <c>CircuitBreakerOpenMs</c>, then lets one read probe: its success closes the circuit, its failure opens it again.
/// A ratio rather than failures in a row, because on a busy machine a burst of concurrent reads can miss the budget
/// together while Redis is fine. Only time (the budget, Redis's own timeout) and Redis errors are failures: a profile
/// that was read but cannot be parsed is the data's fault, so the caller parses it outside the pipeline. Time comes
/// from the injected <see cref="TimeProvider"/> so tests can move it.
/// </summary>
public sealed class ProfileReadResilience
{
    public const string CircuitOpenReason = "circuit_open";
    public const string TimeoutReason = "timeout";
    public const string RedisErrorReason = "redis_error";

    /// <summary>Polly's least <see cref="CircuitBreakerStrategyOptions{TResult}.BreakDuration"/>; shorter ones go through its generator.</summary>
    private static readonly TimeSpan PollyLeastBreakDuration = TimeSpan.FromMilliseconds(500);

    private readonly ResiliencePipeline pipeline;
    private readonly CircuitBreakerStateProvider circuit = new();

    public ProfileReadResilience(DecisionOptions options, TimeProvider clock)
    {
        Budget = TimeSpan.FromMilliseconds(options.ProfileReadBudgetMs);
        var budget = Budget;
        var openFor = TimeSpan.FromMilliseconds(options.CircuitBreakerOpenMs);
        pipeline = new ResiliencePipelineBuilder { TimeProvider = clock }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = options.CircuitBreakerFailureRatio,
                MinimumThroughput = options.CircuitBreakerMinimumReads,
                SamplingDuration = TimeSpan.FromMilliseconds(options.CircuitBreakerWindowMs),
                // Polly validates BreakDuration to at least 500 ms; the setting allows 10 ms, which the generator honours.
                BreakDuration = openFor > PollyLeastBreakDuration ? openFor : PollyLeastBreakDuration,
                BreakDurationGenerator = _ => ValueTask.FromResult(openFor),
                ShouldHandle = new PredicateBuilder()
                    .Handle<TimeoutRejectedException>()
                    .Handle<TimeoutException>()
                    .Handle<RedisException>(),
                StateProvider = circuit,
            })
            // Polly validates Timeout to at least 10 ms; the budget may be 1 ms, which the generator honours.
            .AddTimeout(new TimeoutStrategyOptions { TimeoutGenerator = _ => ValueTask.FromResult(budget) })
            .Build();
    }

    public TimeSpan Budget { get; }

    public CircuitState Circuit => circuit.CircuitState;

    /// <summary>
    /// Runs <paramref name="read"/> through the breaker and the budget. Nothing is thrown: the outcome holds the result
    /// or the failure (<see cref="FallbackReason"/> names it). The read must honour the context's cancellation token,
    /// which fires at the end of the budget; <see cref="WaitWithinBudgetAsync"/> does that for a started task.
    /// </summary>
    public async ValueTask<Outcome<TResult>> ExecuteAsync<TResult, TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> read, TState state, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            return await pipeline.ExecuteOutcomeAsync(read, context, state);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>
    /// Waits for a started read until <paramref name="budget"/> fires, without throwing: null when it completed, else
    /// its failure, or an <see cref="OperationCanceledException"/> when the budget ran out first (the pipeline turns
    /// that into a <see cref="TimeoutRejectedException"/>).
    /// </summary>
    public static async ValueTask<Exception?> WaitWithinBudgetAsync(Task read, CancellationToken budget)
    {
        var waited = read.WaitAsync(budget);
        await waited.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _ = waited.Exception; // observed, as an await that throws would have
        if (read.IsCompleted)
        {
            return read.IsCompletedSuccessfully ? null : read.Exception?.InnerException ?? new OperationCanceledException(budget);
        }

        // The read goes on without us; observe its end so a late failure is not an unobserved task exception.
        _ = read.ContinueWith(static t => t.Exception, CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return new OperationCanceledException(budget);
    }

    /// <summary>The degraded reason for a failed read; null for a failure that is not the store's (it is rethrown).</summary>
    public static string? FallbackReason(Exception failure) => failure switch
    {
        BrokenCircuitException => CircuitOpenReason,
        TimeoutRejectedException or TimeoutException => TimeoutReason,
        RedisException => RedisErrorReason,
        _ => null,
    };
}
