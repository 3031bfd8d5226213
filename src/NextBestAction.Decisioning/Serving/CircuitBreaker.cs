namespace NextBestAction.Decisioning.Serving;

/// <summary>
/// Stops paying the profile-read timeout on every request while Redis is down. Reads are counted in a
/// sampling window; once it holds at least <c>minimumReads</c> reads and at least <c>failureRatio</c> of them
/// failed, the circuit opens: reads are skipped and decisions degrade at once. After <c>openFor</c> one
/// request probes Redis; its success closes the circuit, its failure opens it again. A ratio rather than
/// failures in a row, because on a busy machine a burst of concurrent reads can miss the budget together
/// while Redis is fine. Thread-safe; time comes from the <see cref="TimeProvider"/> so tests can move it.
/// </summary>
public sealed class CircuitBreaker(int minimumReads, double failureRatio, TimeSpan window, TimeSpan openFor, TimeProvider clock)
{
    private readonly Lock gate = new();
    private DateTimeOffset windowStart = clock.GetUtcNow();
    private int reads;
    private int failures;
    private DateTimeOffset? openedAt;
    private bool probeInFlight;

    public CircuitState State
    {
        get
        {
            lock (gate)
            {
                return openedAt is null ? CircuitState.Closed
                    : probeInFlight || clock.GetUtcNow() - openedAt < openFor ? CircuitState.Open
                    : CircuitState.HalfOpen;
            }
        }
    }

    /// <summary>Whether this request may try Redis. When it returns true, report the result with <see cref="Succeeded"/> or <see cref="Failed"/>.</summary>
    public bool TryEnter()
    {
        lock (gate)
        {
            if (openedAt is null)
            {
                return true;
            }

            if (probeInFlight || clock.GetUtcNow() - openedAt < openFor)
            {
                return false;
            }

            probeInFlight = true;
            return true;
        }
    }

    public void Succeeded()
    {
        lock (gate)
        {
            if (openedAt is not null)
            {
                openedAt = null;
                probeInFlight = false;
                StartWindow(clock.GetUtcNow());
                return;
            }

            Count(failed: false);
        }
    }

    public void Failed()
    {
        lock (gate)
        {
            if (probeInFlight)
            {
                openedAt = clock.GetUtcNow();
                probeInFlight = false;
                return;
            }

            Count(failed: true);
            if (reads >= minimumReads && failures >= failureRatio * reads)
            {
                openedAt = clock.GetUtcNow();
                StartWindow(openedAt.Value);
            }
        }
    }

    private void Count(bool failed)
    {
        var now = clock.GetUtcNow();
        if (now - windowStart >= window)
        {
            StartWindow(now);
        }

        reads++;
        failures += failed ? 1 : 0;
    }

    private void StartWindow(DateTimeOffset now)
    {
        windowStart = now;
        reads = 0;
        failures = 0;
    }
}

public enum CircuitState
{
    Closed,
    Open,
    HalfOpen,
}
