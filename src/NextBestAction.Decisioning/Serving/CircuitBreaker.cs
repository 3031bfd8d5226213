namespace NextBestAction.Decisioning.Serving;

/// <summary>
/// Stops paying the profile-read timeout on every request while Redis is down. After
/// <c>failureThreshold</c> failures in a row the circuit opens: reads are skipped and decisions degrade at
/// once. After <c>openFor</c> one request is let through as a probe; its success closes the circuit, its
/// failure opens it again. Thread-safe; time comes from the <see cref="TimeProvider"/> so tests can move it.
/// </summary>
public sealed class CircuitBreaker(int failureThreshold, TimeSpan openFor, TimeProvider clock)
{
    private readonly Lock gate = new();
    private int consecutiveFailures;
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
            consecutiveFailures = 0;
            openedAt = null;
            probeInFlight = false;
        }
    }

    public void Failed()
    {
        lock (gate)
        {
            consecutiveFailures++;
            if (probeInFlight || consecutiveFailures >= failureThreshold)
            {
                openedAt = clock.GetUtcNow();
            }

            probeInFlight = false;
        }
    }
}

public enum CircuitState
{
    Closed,
    Open,
    HalfOpen,
}
