namespace NextBestAction.Benchmarks.Engine;

/// <param name="Inputs">Precomputed decision inputs the measured methods rotate through.</param>
/// <param name="Customers">Simulated customers; those the history reaches get a profile.</param>
/// <param name="Events">Simulated events played into the profiles.</param>
/// <param name="Seed">Seed of the simulated webshop, the requests and the contact histories.</param>
/// <param name="Quick">A smoke run: fewer and shorter BenchmarkDotNet iterations, figures only indicative.</param>
internal sealed record EngineSettings(int Inputs, int Customers, int Events, int Seed, bool Quick)
{
    /// <summary>Actions asked for per decision: each returned action gets an explanation, the costly part of a decision.</summary>
    public const int MaxActions = 3;

    /// <summary>The target for one decision over 50 candidates including explanations.</summary>
    public const double TargetMicroseconds = 50;

    /// <summary>Round-robin calls of every measured method before BenchmarkDotNet starts.</summary>
    public static readonly TimeSpan JitWarmup = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan QuickJitWarmup = TimeSpan.FromSeconds(2);
}
