using System.Runtime.CompilerServices;
using NextBestAction.Decisioning;
using NextBestAction.Decisioning.Serving;
using Polly;
using Polly.CircuitBreaker;
using StackExchange.Redis;

namespace NextBestAction.UnitTests.Decisioning;

/// <summary>
/// The profile read's circuit breaker, now Polly's inside <see cref="ProfileReadResilience"/>: reads that succeed or fail
/// with a Redis error go through the pipeline; "the read may go ahead" means the pipeline ran it.
/// </summary>
public sealed class CircuitBreakerTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan OpenFor = TimeSpan.FromSeconds(5);
    private readonly ManualClock clock = new(TestEvents.Now);

    private ProfileReadResilience Breaker(int minimumReads = 4, int budgetMs = 10_000) => new(new DecisionOptions
    {
        CircuitBreakerMinimumReads = minimumReads,
        CircuitBreakerFailureRatio = 0.5,
        CircuitBreakerWindowMs = (int)Window.TotalMilliseconds,
        CircuitBreakerOpenMs = (int)OpenFor.TotalMilliseconds,
        ProfileReadBudgetMs = budgetMs,
    }, clock);

    /// <summary>One read through the pipeline: whether it ran, and the fallback reason when it did not succeed.</summary>
    private static async Task<(bool Ran, string? Fallback)> ReadAsync(ProfileReadResilience breaker, bool fails = false)
    {
        var ran = new StrongBox<bool>();
        var outcome = await breaker.ExecuteAsync(static (_, state) =>
        {
            state.Ran.Value = true;
            return ValueTask.FromResult(state.Fails
                ? Outcome.FromException<bool>(new RedisException("down"))
                : Outcome.FromResult(true));
        }, (Ran: ran, Fails: fails), TestContext.Current.CancellationToken);
        return (ran.Value, outcome.Exception is { } failure ? ProfileReadResilience.FallbackReason(failure) : null);
    }

    private static async Task Report(ProfileReadResilience breaker, int succeeded, int failed)
    {
        for (var i = 0; i < succeeded; i++)
        {
            Assert.Equal((true, null), await ReadAsync(breaker));
        }

        for (var i = 0; i < failed; i++)
        {
            await ReadAsync(breaker, fails: true);
        }
    }

    [Fact]
    public async Task Failures_BelowMinimumReads_KeepTheCircuitClosed()
    {
        var breaker = Breaker();

        await Report(breaker, 0, 3);

        Assert.Equal(CircuitState.Closed, breaker.Circuit);
        Assert.True((await ReadAsync(breaker)).Ran);
    }

    [Fact]
    public async Task FailuresBelowTheRatio_KeepTheCircuitClosed()
    {
        var breaker = Breaker();

        await Report(breaker, 6, 5);

        Assert.Equal(CircuitState.Closed, breaker.Circuit);
    }

    [Fact]
    public async Task FailureRatioReached_OpensTheCircuit_ThenOneProbeAfterTheOpenPeriod()
    {
        var breaker = Breaker();
        await Report(breaker, 2, 2);

        Assert.Equal(CircuitState.Open, breaker.Circuit);
        Assert.Equal((false, ProfileReadResilience.CircuitOpenReason), await ReadAsync(breaker));

        // Polly turns the circuit half-open when the first read after the open period arrives: that read is the probe,
        // and while it is in flight no other read goes ahead.
        clock.Advance(OpenFor);
        var release = new TaskCompletionSource();
        var probe = breaker.ExecuteAsync(static async (_, release) =>
        {
            await release.Task;
            return Outcome.FromResult(true);
        }, release, TestContext.Current.CancellationToken);
        Assert.Equal(CircuitState.HalfOpen, breaker.Circuit);
        Assert.Equal((false, ProfileReadResilience.CircuitOpenReason), await ReadAsync(breaker));

        release.SetResult();
        Assert.True((await probe).Result);
    }

    [Fact]
    public async Task SuccessfulProbe_ClosesTheCircuit_FailedProbeOpensItAgain()
    {
        // Polly's least minimum throughput is 2 (this test used 1 read with the hand-written breaker).
        var breaker = Breaker(minimumReads: 2);
        await Report(breaker, 0, 2);
        clock.Advance(OpenFor + TimeSpan.FromSeconds(1));
        Assert.Equal((true, ProfileReadResilience.RedisErrorReason), await ReadAsync(breaker, fails: true));
        Assert.False((await ReadAsync(breaker)).Ran);

        clock.Advance(OpenFor + TimeSpan.FromSeconds(1));
        Assert.Equal((true, null), await ReadAsync(breaker));

        Assert.Equal(CircuitState.Closed, breaker.Circuit);
        Assert.True((await ReadAsync(breaker)).Ran);
        Assert.True((await ReadAsync(breaker)).Ran);
    }

    [Fact]
    public async Task OldWindow_IsForgotten()
    {
        var breaker = Breaker();
        await Report(breaker, 0, 3);

        clock.Advance(Window);
        await Report(breaker, 3, 1);

        Assert.Equal(CircuitState.Closed, breaker.Circuit);
    }

    [Fact]
    public async Task ReadOverBudget_IsATimeout_AndCountsAgainstTheCircuit()
    {
        var breaker = Breaker(minimumReads: 2, budgetMs: 20);
        var never = new TaskCompletionSource();

        for (var i = 0; i < 2; i++)
        {
            var outcome = await breaker.ExecuteAsync(static async (context, read) =>
                await ProfileReadResilience.WaitWithinBudgetAsync(read, context.CancellationToken) is { } failure
                    ? Outcome.FromException<bool>(failure)
                    : Outcome.FromResult(true), never.Task, TestContext.Current.CancellationToken);
            Assert.Equal(ProfileReadResilience.TimeoutReason, ProfileReadResilience.FallbackReason(outcome.Exception!));
        }

        Assert.Equal(CircuitState.Open, breaker.Circuit);
        never.SetException(new RedisException("late"));
    }

    [Fact]
    public async Task FailuresThatAreNotTheStores_AreNoFallback_AndKeepTheCircuitClosed()
    {
        var breaker = Breaker(minimumReads: 2);

        for (var i = 0; i < 4; i++)
        {
            var outcome = await breaker.ExecuteAsync(static (_, _) => ValueTask.FromResult(Outcome.FromException<bool>(new InvalidOperationException("bug"))),
                0, TestContext.Current.CancellationToken);
            Assert.Null(ProfileReadResilience.FallbackReason(outcome.Exception!));
        }

        Assert.Equal(CircuitState.Closed, breaker.Circuit);
    }
}
