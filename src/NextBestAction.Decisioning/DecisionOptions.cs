using System.ComponentModel.DataAnnotations;
using NextBestAction.Decisioning.Engine;

namespace NextBestAction.Decisioning;

/// <summary>
/// Settings under <c>Decisions</c>. Adding one: a property here with its default and range, and a line in
/// docs/configuration.md.
/// </summary>
public sealed class DecisionOptions
{
    public const string Section = "Decisions";

    /// <summary>The action catalog file; relative paths are resolved against the application's directory.</summary>
    [Required(ErrorMessage = "Decisions:CatalogPath is required.")]
    public string CatalogPath { get; set; } = "catalog/actions.json";

    /// <summary>How often the catalog file is checked for a new version; 0 turns hot reload off.</summary>
    [Range(0, 3600, ErrorMessage = "Decisions:CatalogReloadSeconds must be between 0 and 3600.")]
    public double CatalogReloadSeconds { get; set; } = 5;

    /// <summary>
    /// How long start-up runs synthetic decisions (no I/O) before the API takes traffic, so the first real ones run
    /// optimised code; 0 turns the whole warm-up off, the Redis step included, and the API is ready at once.
    /// </summary>
    [Range(0, 60_000, ErrorMessage = "Decisions:WarmupMs must be between 0 and 60000.")]
    public int WarmupMs { get; set; } = 1500;

    /// <summary>
    /// Longest the warm-up's Redis step keeps the service unready while profile reads are not yet steadily within half
    /// the budget; after it the service is ready anyway (and logs a warning).
    /// </summary>
    [Range(100, 600_000, ErrorMessage = "Decisions:WarmupReadyTimeoutMs must be between 100 and 600000.")]
    public int WarmupReadyTimeoutMs { get; set; } = 15_000;

    /// <summary>How long a decision waits for the profile before it serves a context-only fallback.</summary>
    [Range(1, 10_000, ErrorMessage = "Decisions:ProfileReadBudgetMs must be between 1 and 10000.")]
    public int ProfileReadBudgetMs { get; set; } = 20;

    /// <summary>Profile reads the circuit breaker's window must hold before it may open; at least 2, as Polly requires.</summary>
    [Range(2, 100_000, ErrorMessage = "Decisions:CircuitBreakerMinimumReads must be between 2 and 100000.")]
    public int CircuitBreakerMinimumReads { get; set; } = 20;

    /// <summary>Share of failed (or over-budget) profile reads in the window that opens the circuit.</summary>
    [Range(0.01, 1.0, ErrorMessage = "Decisions:CircuitBreakerFailureRatio must be between 0.01 and 1.")]
    public double CircuitBreakerFailureRatio { get; set; } = 0.5;

    /// <summary>Length of the circuit breaker's sampling window; at least 500 ms, as Polly requires.</summary>
    [Range(500, 600_000, ErrorMessage = "Decisions:CircuitBreakerWindowMs must be between 500 and 600000.")]
    public int CircuitBreakerWindowMs { get; set; } = 10_000;

    /// <summary>How long the open circuit skips Redis before one request probes it again.</summary>
    [Range(10, 600_000, ErrorMessage = "Decisions:CircuitBreakerOpenMs must be between 10 and 600000.")]
    public int CircuitBreakerOpenMs { get; set; } = 5000;

    /// <summary>Decisions waiting to be written to nba.decisions; beyond this they are dropped and counted.</summary>
    [Range(1, 1_000_000, ErrorMessage = "Decisions:DecisionLogQueueCapacity must be between 1 and 1000000.")]
    public int DecisionLogQueueCapacity { get; set; } = 10_000;

    /// <summary>Decisions waiting for their impressions and outcome record to be written to Redis.</summary>
    [Range(1, 1_000_000, ErrorMessage = "Decisions:DecisionRecordQueueCapacity must be between 1 and 1000000.")]
    public int DecisionRecordQueueCapacity { get; set; } = 10_000;

    /// <summary><c>greedy</c> (always the best) or <c>epsilon-greedy</c> (explore with <see cref="ExplorationEpsilon"/>).</summary>
    [AllowedValues("greedy", "epsilon-greedy", ErrorMessage = "Decisions:ExplorationPolicy must be greedy or epsilon-greedy.")]
    public string ExplorationPolicy { get; set; } = "greedy";

    /// <summary>Share of slots epsilon-greedy fills with a random eligible action instead of the best.</summary>
    [Range(0.0, 1.0, ErrorMessage = "Decisions:ExplorationEpsilon must be between 0 and 1.")]
    public double ExplorationEpsilon { get; set; } = 0.05;

    /// <summary>Percentage of customers in the holdout (control) group, chosen by a hash of the customer id; 0 = none.</summary>
    [Range(0.0, 50.0, ErrorMessage = "Decisions:HoldoutPercent must be between 0 and 50.")]
    public double HoldoutPercent { get; set; }

    /// <summary>Mixed into the holdout hash; change it to draw a new control group.</summary>
    [Required(ErrorMessage = "Decisions:HoldoutSalt is required.")]
    public string HoldoutSalt { get; set; } = "holdout-1";

    /// <summary>Whether outcomes correct the model's propensity per touch point and action between retrains.</summary>
    public bool AdaptiveEnabled { get; set; } = true;

    /// <summary>The adaptive correction's prior, in expected acceptances: how much evidence it takes to move away from the model.</summary>
    [Range(0.1, 100_000, ErrorMessage = "Decisions:AdaptivePriorStrength must be between 0.1 and 100000.")]
    public double AdaptivePriorStrength { get; set; } = 20;

    /// <summary>
    /// Hours after which an adaptive count weighs half: the correction follows customers who change instead of averaging
    /// over all time. 0 keeps every count at full weight.
    /// </summary>
    [Range(0.0, 8760.0, ErrorMessage = "Decisions:AdaptiveHalfLifeHours must be between 0 and 8760.")]
    public double AdaptiveHalfLifeHours { get; set; }

    /// <summary>
    /// Posterior standard deviations added to the adaptive factor: an uncertainty bonus that tries actions with little
    /// evidence (a new one first) without random exploration. 0 uses the posterior mean.
    /// </summary>
    [Range(0.0, 5.0, ErrorMessage = "Decisions:AdaptiveOptimism must be between 0 and 5.")]
    public double AdaptiveOptimism { get; set; }

    /// <summary>
    /// How service and bundle are weighed before ranking: <c>signals</c> (the hand-written service and bundle signals) or
    /// <c>scores</c> (the family of the best-scoring action, for a trained model; a late order still puts service first).
    /// </summary>
    [AllowedValues("signals", "scores", ErrorMessage = "Decisions:Arbitration must be signals or scores.")]
    public string Arbitration { get; set; } = "signals";

    /// <summary><see cref="Arbitration"/> as the engine takes it.</summary>
    public ArbitrationMode ArbitrationMode => Arbitration == "scores" ? ArbitrationMode.Scores : ArbitrationMode.Signals;

    /// <summary>How often each instance reloads the adaptive counts from Redis.</summary>
    [Range(100, 600_000, ErrorMessage = "Decisions:AdaptiveRefreshMs must be between 100 and 600000.")]
    public int AdaptiveRefreshMs { get; set; } = 1000;

    /// <summary>How long after a decision its outcome can still be reported.</summary>
    [Range(1, 24 * 90, ErrorMessage = "Decisions:OutcomeWindowHours must be between 1 and 2160.")]
    public int OutcomeWindowHours { get; set; } = 168;
}
