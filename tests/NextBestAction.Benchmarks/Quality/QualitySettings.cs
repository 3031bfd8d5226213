namespace NextBestAction.Benchmarks.Quality;

/// <param name="Customers">Simulated customers; the same population in every run.</param>
/// <param name="ExplorationSteps">Simulator steps (20 ms of simulated time each) of the exploration run the model is trained on.</param>
/// <param name="Steps">Simulator steps of each policy's run.</param>
/// <param name="Seed">Seed of the simulated shop (population, traffic, answers) and of training.</param>
/// <param name="Epsilon">Exploration share of the logging policy.</param>
/// <param name="CatalogPath">A catalog file instead of the generated bench-50 catalog, or null.</param>
internal sealed record QualitySettings(int Customers, int ExplorationSteps, int Steps, int Seed, double Epsilon, string? CatalogPath)
{
    /// <summary>Prior strength k of the adaptive correction, in expected acceptances.</summary>
    public const double AdaptivePriorStrength = 20;

    /// <summary>Share of the latest exploration decisions held out for validation, as <c>train</c>'s default.</summary>
    public const double HoldoutFraction = 0.2;

    /// <summary>Below this mean number of eligible candidates the bench-50 catalog leaves nothing to choose; the shipped catalog is used.</summary>
    public const double MinimumCandidates = 2;

    /// <summary>The targets.</summary>
    public const double TargetRatioToOracle = 0.9;

    public const double TargetRatioToRandom = 2;

    public const double TargetAucGap = 0.03;

    public const double TargetOpeRelativeError = 0.1;

    /// <summary>Where simulated time starts: a fixed date, so runs are reproducible.</summary>
    public static readonly DateTimeOffset Start = new(2026, 6, 1, 9, 0, 0, TimeSpan.Zero);
}
