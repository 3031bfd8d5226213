namespace NextBestAction.ServiceDefaults;

/// <summary>
/// Lets a repeated warning through at most once per interval and counts the ones it held back. During a Redis outage
/// every request fails the same way; a log line per request would cost more than the request and bury everything else.
/// </summary>
public sealed class LogThrottle(TimeSpan interval, TimeProvider clock)
{
    private readonly long intervalTicks = interval.Ticks;
    private long nextAllowed = long.MinValue;
    private int heldBack;

    /// <summary>True when this occurrence should be logged; <paramref name="heldBackBefore"/> then says how many were not.</summary>
    public bool TryEnter(out int heldBackBefore)
    {
        var now = clock.GetUtcNow().UtcTicks;
        var next = Interlocked.Read(ref nextAllowed);
        if (now < next || Interlocked.CompareExchange(ref nextAllowed, now + intervalTicks, next) != next)
        {
            Interlocked.Increment(ref heldBack);
            heldBackBefore = 0;
            return false;
        }

        heldBackBefore = Interlocked.Exchange(ref heldBack, 0);
        return true;
    }
}
