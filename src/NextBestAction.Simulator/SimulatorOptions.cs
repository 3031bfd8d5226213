using System.ComponentModel.DataAnnotations;

namespace NextBestAction.Simulator;

/// <summary>
/// Settings under <c>Simulator</c>. Adding one: a property here with its default (and a validation attribute
/// whose message names the setting as <c>Simulator:Name</c>), and a line in the README's configuration reference.
/// </summary>
public sealed class SimulatorOptions
{
    public const string Section = "Simulator";

    /// <summary>Runs the traffic simulator as a hosted service. Read once at start-up.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Number of simulated customers: ids <c>cust-00001</c> up to <see cref="SimulatedCustomers.Id"/>(Customers).</summary>
    [Range(1, 1_000_000, ErrorMessage = "Simulator:Customers must be between 1 and 1000000.")]
    public int Customers { get; set; } = 2000;

    /// <summary>Events produced per second, on an open-loop schedule.</summary>
    [Range(0d, 100_000d, MinimumIsExclusive = true,
        ErrorMessage = "Simulator:EventsPerSecond must be between 0 (exclusive) and 100000.")]
    public double EventsPerSecond { get; set; } = 200;

    /// <summary>Seed of the model's random generator: the same seed plays the same traffic (with fresh event ids).</summary>
    public int Seed { get; set; } = 42;
}
