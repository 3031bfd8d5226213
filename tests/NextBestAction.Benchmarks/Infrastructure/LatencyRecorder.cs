using HdrHistogram;

namespace NextBestAction.Benchmarks.Infrastructure;

/// <summary>
/// An HdrHistogram of latencies in microseconds (3 significant digits, clamped at one hour) that keeps only events
/// sent inside the measured window, so warm-up and drain traffic stay out of the figures. Thread-safe.
/// </summary>
internal sealed class LatencyRecorder
{
    private static readonly long HighestMicroseconds = (long)TimeSpan.FromHours(1).TotalMicroseconds;

    private readonly LongHistogram histogram = new(HighestMicroseconds, 3);
    private readonly Lock gate = new();
    private Window? window;

    /// <summary>From now on, records events sent in [from, to).</summary>
    public void MeasureBetween(DateTime fromUtc, DateTime toUtc) => Volatile.Write(ref window, new Window(fromUtc.Ticks, toUtc.Ticks));

    public void Record(long sentAtUtcTicks, long latencyTicks)
    {
        if (Volatile.Read(ref window) is not { } current || sentAtUtcTicks < current.FromTicks || sentAtUtcTicks >= current.ToTicks)
        {
            return;
        }

        var microseconds = Math.Clamp(latencyTicks / TimeSpan.TicksPerMicrosecond, 0, HighestMicroseconds);
        lock (gate)
        {
            histogram.RecordValue(microseconds);
        }
    }

    public LatencySummary Summary()
    {
        lock (gate)
        {
            return histogram.TotalCount == 0
                ? throw new InvalidOperationException("no latency was recorded in the measured window")
                : new LatencySummary(
                    histogram.TotalCount,
                    Milliseconds(histogram.GetValueAtPercentile(50)),
                    Milliseconds(histogram.GetValueAtPercentile(90)),
                    Milliseconds(histogram.GetValueAtPercentile(99)),
                    Milliseconds(histogram.GetValueAtPercentile(99.9)),
                    Milliseconds(histogram.GetMaxValue()));
        }
    }

    private static double Milliseconds(long microseconds) => microseconds / 1000.0;

    private sealed record Window(long FromTicks, long ToTicks);
}

internal sealed record LatencySummary(long Samples, double P50Ms, double P90Ms, double P99Ms, double P999Ms, double MaxMs);
