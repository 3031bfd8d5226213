using NextBestAction.Decisioning.Serving;

namespace NextBestAction.UnitTests.Decisioning;

public sealed class CircuitBreakerTests
{
    private readonly ManualClock clock = new(TestEvents.Now);

    [Fact]
    public void Failures_BelowThreshold_KeepTheCircuitClosed()
    {
        var breaker = new CircuitBreaker(3, TimeSpan.FromSeconds(5), clock);

        breaker.Failed();
        breaker.Failed();

        Assert.Equal(CircuitState.Closed, breaker.State);
        Assert.True(breaker.TryEnter());
    }

    [Fact]
    public void FailuresInARow_OpenTheCircuit_ThenOneProbeAfterTheOpenPeriod()
    {
        var breaker = new CircuitBreaker(3, TimeSpan.FromSeconds(5), clock);
        for (var i = 0; i < 3; i++)
        {
            breaker.Failed();
        }

        Assert.Equal(CircuitState.Open, breaker.State);
        Assert.False(breaker.TryEnter());

        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(CircuitState.HalfOpen, breaker.State);
        Assert.True(breaker.TryEnter());
        Assert.False(breaker.TryEnter());
    }

    [Fact]
    public void SuccessfulProbe_ClosesTheCircuit_FailedProbeOpensItAgain()
    {
        var breaker = new CircuitBreaker(1, TimeSpan.FromSeconds(5), clock);
        breaker.Failed();
        clock.Advance(TimeSpan.FromSeconds(6));
        Assert.True(breaker.TryEnter());
        breaker.Failed();
        Assert.False(breaker.TryEnter());

        clock.Advance(TimeSpan.FromSeconds(6));
        Assert.True(breaker.TryEnter());
        breaker.Succeeded();

        Assert.Equal(CircuitState.Closed, breaker.State);
        Assert.True(breaker.TryEnter());
        Assert.True(breaker.TryEnter());
    }

    [Fact]
    public void Success_ResetsTheCountOfFailuresInARow()
    {
        var breaker = new CircuitBreaker(2, TimeSpan.FromSeconds(5), clock);

        breaker.Failed();
        breaker.Succeeded();
        breaker.Failed();

        Assert.Equal(CircuitState.Closed, breaker.State);
    }
}
