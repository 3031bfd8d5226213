using NextBestAction.Simulator.Responses;

namespace NextBestAction.Benchmarks.Quality;

/// <param name="Scenarios">The scenarios to run, in order.</param>
/// <param name="Customers">Simulated customers; the same population in every run.</param>
/// <param name="ExplorationSteps">Simulator steps (20 ms of simulated time each) of the exploration run the model is trained on.</param>
/// <param name="Steps">Simulator steps of each policy's run (twice as many in <c>drift</c>, the change half-way).</param>
/// <param name="Seed">Seed of the simulated shop (population, traffic, answers) and of training.</param>
/// <param name="Epsilon">Exploration share of the logging policy.</param>
/// <param name="HalfLife">Half-life of the learned policy's adaptive counts, in simulated time.</param>
/// <param name="Optimism">Posterior standard deviations the learned policy's adaptive factor adds (its uncertainty bonus).</param>
/// <param name="LearnedEpsilon">Exploration share of the learned policy (0: greedy on its optimistic scores).</param>
/// <param name="DriftWindow">Decisions in the rolling window of <c>decisions_to_recover_drift</c>.</param>
internal sealed record QualitySettings(
    IReadOnlyList<string> Scenarios, int Customers, int ExplorationSteps, int Steps, int Seed, double Epsilon,
    TimeSpan HalfLife, double Optimism, double LearnedEpsilon, int DriftWindow)
{
    /// <summary>The value of <c>--scenario</c> that runs every scenario.</summary>
    public const string AllScenarios = "all";

    /// <summary>Prior strength k of the adaptive correction, in expected acceptances.</summary>
    public const double AdaptivePriorStrength = 20;

    /// <summary>Share of the latest exploration decisions held out for validation, as <c>train</c>'s default.</summary>
    public const double HoldoutFraction = 0.2;

    /// <summary>The targets.</summary>
    public const double TargetLearnedToRulesDefault = 1.0;

    public const double TargetRulesToOracleAtMost = 0.8;

    public const double TargetLearnedToOracle = 0.9;

    public const int TargetDecisionsToRecoverDrift = 20_000;

    public const int TargetDecisionsToLearnNewAction = 5_000;

    public const double TargetOpeRelativeError = 0.05;

    public const double TargetCalibrationError = 0.02;

    /// <summary>Where simulated time starts: a fixed date, so runs are reproducible.</summary>
    public static readonly DateTimeOffset Start = new(2026, 6, 1, 9, 0, 0, TimeSpan.Zero);

    /// <summary>The seasonal scenario plays in the gift season.</summary>
    public static readonly DateTimeOffset SeasonStart = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    /// <summary>Simulated time per simulator step, as <c>SimulatedShop</c> plays it.</summary>
    public static readonly TimeSpan Step = TimeSpan.FromMilliseconds(20);

    public static DateTimeOffset StartOf(ResponseScenario scenario) => scenario is SeasonalScenario ? SeasonStart : Start;

    /// <summary>The scenario called <paramref name="name"/>; <c>drift</c> changes after one policy run's length.</summary>
    public ResponseScenario Scenario(string name) => ResponseScenario.Create(name, Start + (Steps * Step));
}
