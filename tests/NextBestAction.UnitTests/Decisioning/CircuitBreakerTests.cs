using NextBestAction.Decisioning.Serving;

namespace NextBestAction.UnitTests.Decisioning;

public sealed class CircuitBreakerTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan OpenFor = TimeSpan.FromSeconds(5);
    private readonly ManualClock clock = new(TestEvents.Now);

    private CircuitBreaker Breaker(int minimumReads = 4) => new(minimumReads, 0.5, Window, OpenFor, clock);

    private static void Report(CircuitBreaker breaker, int succeeded, int failed)
    {
        for (var i = 0; i < succeeded; i++)
        {
            breaker.Succeeded();
        }

        for (var i = 0; i < failed; i++)
        {
            breaker.Failed();
        }
    }

    [Fact]
    public void Failures_BelowMinimumReads_KeepTheCircuitClosed()
    {
        var breaker = Breaker();

        Report(breaker, 0, 3);

        Assert.Equal(CircuitState.Closed, breaker.State);
        Assert.True(breaker.TryEnter());
    }

    [Fact]
    public void FailuresBelowTheRatio_KeepTheCircuitClosed()
    {
        var breaker = Breaker();

        Report(breaker, 6, 5);

        Assert.Equal(CircuitState.Closed, breaker.State);
    }

    [Fact]
    public void FailureRatioReached_OpensTheCircuit_ThenOneProbeAfterTheOpenPeriod()
    {
        var breaker = Breaker();
        Report(breaker, 2, 2);

        Assert.Equal(CircuitState.Open, breaker.State);
        Assert.False(breaker.TryEnter());

        clock.Advance(OpenFor);
        Assert.Equal(CircuitState.HalfOpen, breaker.State);
        Assert.True(breaker.TryEnter());
        Assert.False(breaker.TryEnter());
    }

    [Fact]
    public void SuccessfulProbe_ClosesTheCircuit_FailedProbeOpensItAgain()
    {
        var breaker = Breaker(minimumReads: 1);
        breaker.Failed();
        clock.Advance(OpenFor + TimeSpan.FromSeconds(1));
        Assert.True(breaker.TryEnter());
        breaker.Failed();
        Assert.False(breaker.TryEnter());

        clock.Advance(OpenFor + TimeSpan.FromSeconds(1));
        Assert.True(breaker.TryEnter());
        breaker.Succeeded();

        Assert.Equal(CircuitState.Closed, breaker.State);
        Assert.True(breaker.TryEnter());
        Assert.True(breaker.TryEnter());
    }

    [Fact]
    public void OldWindow_IsForgotten()
    {
        var breaker = Breaker();
        Report(breaker, 0, 3);

        clock.Advance(Window);
        Report(breaker, 3, 1);

        Assert.Equal(CircuitState.Closed, breaker.State);
    }
}
