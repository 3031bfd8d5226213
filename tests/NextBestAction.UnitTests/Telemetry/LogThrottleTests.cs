using NextBestAction.ServiceDefaults;
using NextBestAction.UnitTests.Decisioning;

namespace NextBestAction.UnitTests.Telemetry;

public sealed class LogThrottleTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    [Fact]
    public void TryEnter_FirstOccurrence_IsLoggedWithNothingHeldBack()
    {
        var throttle = new LogThrottle(Interval, new ManualClock(TestEvents.Now));

        Assert.True(throttle.TryEnter(out var heldBack));
        Assert.Equal(0, heldBack);
    }

    [Fact]
    public void TryEnter_RepeatsWithinTheInterval_AreHeldBackAndCountedInTheNextOneLogged()
    {
        var clock = new ManualClock(TestEvents.Now);
        var throttle = new LogThrottle(Interval, clock);
        Assert.True(throttle.TryEnter(out _));

        var logged = 0;
        for (var i = 0; i < 500; i++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(10));
            logged += throttle.TryEnter(out _) ? 1 : 0;
        }

        clock.Advance(Interval);
        Assert.True(throttle.TryEnter(out var heldBack));
        Assert.Equal(0, logged);
        Assert.Equal(500, heldBack);
    }

    [Fact]
    public void TryEnter_AfterALoggedOne_CountsFromZeroAgain()
    {
        var clock = new ManualClock(TestEvents.Now);
        var throttle = new LogThrottle(Interval, clock);
        throttle.TryEnter(out _);
        throttle.TryEnter(out _);
        clock.Advance(Interval);
        throttle.TryEnter(out _);

        throttle.TryEnter(out _);
        clock.Advance(Interval);

        Assert.True(throttle.TryEnter(out var heldBack));
        Assert.Equal(1, heldBack);
    }

    [Fact]
    public async Task TryEnter_ManyThreadsAtOnce_LetsExactlyOneThrough()
    {
        var throttle = new LogThrottle(Interval, new ManualClock(TestEvents.Now));
        using var start = new ManualResetEventSlim();
        var tasks = Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            start.Wait();
            var through = 0;
            for (var i = 0; i < 1000; i++)
            {
                through += throttle.TryEnter(out _) ? 1 : 0;
            }

            return through;
        })).ToList();

        start.Set();
        var through = (await Task.WhenAll(tasks)).Sum();

        Assert.Equal(1, through);
    }
}
