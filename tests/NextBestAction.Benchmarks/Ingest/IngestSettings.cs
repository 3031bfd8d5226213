namespace NextBestAction.Benchmarks.Ingest;

/// <param name="Events">Events pre-produced for the throughput phase; the baseline re-reads the same ones.</param>
/// <param name="RatePerSecond">Open-loop rate of the freshness phase.</param>
/// <param name="Seconds">Measured duration of the freshness phase, after the warm-up.</param>
/// <param name="WarmupSeconds">Open-loop warm-up whose events are left out of the freshness figures.</param>
/// <param name="Customers">Simulated customers the events are spread over.</param>
/// <param name="Seed">Seed of the simulated webshop (the same seed plays the same traffic).</param>
internal sealed record IngestSettings(int Events, double RatePerSecond, int Seconds, int WarmupSeconds, int Customers, int Seed)
{
    /// <summary>Profiles whose <c>MEMORY USAGE</c> is averaged into bytes per profile.</summary>
    public const int ProfileSample = 1000;
}
