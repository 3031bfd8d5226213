namespace NextBestAction.Benchmarks.Decide;

/// <param name="RatesPerSecond">Open-loop decision rates, each measured against the decision route and the baseline.</param>
/// <param name="Seconds">Measured seconds per rate and route, after the warm-up.</param>
/// <param name="WarmupSeconds">Open-loop seconds before each measurement, left out of its figures.</param>
/// <param name="Customers">Simulated customers; those the seeding history reaches get a profile.</param>
/// <param name="Events">Simulated events played into the profiles before the load starts.</param>
/// <param name="Seed">Seed of the simulated webshop and of the request mix.</param>
/// <param name="Concurrency">Closed-loop workers of the saturation step.</param>
/// <param name="SaturationSeconds">Measured seconds of the saturation step per route, after a one-second ramp-up.</param>
/// <param name="Connections">Most HTTP connections the load generator opens.</param>
/// <param name="CatalogPath">An action catalog to load instead of the generated <see cref="BenchmarkCatalog"/>; null for that one.</param>
internal sealed record DecideSettings(
    IReadOnlyList<int> RatesPerSecond,
    int Seconds,
    int WarmupSeconds,
    int Customers,
    int Events,
    int Seed,
    int Concurrency,
    int SaturationSeconds,
    int Connections,
    string? CatalogPath)
{
    /// <summary>Profiles whose <c>MEMORY USAGE</c> is averaged into bytes per profile.</summary>
    public const int ProfileSample = 1000;

    /// <summary>Sequential decisions before the load: they check the route and size the baseline's fixed response.</summary>
    public const int ProbeRequests = 200;

    /// <summary>Uncounted start of each saturation run, while the workers' connections settle.</summary>
    public static readonly TimeSpan SaturationRampUp = TimeSpan.FromSeconds(1);
}
