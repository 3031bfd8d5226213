using System.ComponentModel.DataAnnotations;
using NextBestAction.Simulator.Responses;

namespace NextBestAction.Simulator;

/// <summary>
/// Settings under <c>Simulator</c>. Adding one: a property here with its default (and a validation attribute
/// whose message names the setting as <c>Simulator:Name</c>), and a line in docs/configuration.md.
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

    /// <summary>The value of <see cref="DecisionsUrl"/> that means this process's own HTTP address.</summary>
    public const string SelfUrl = "self";

    /// <summary>
    /// Where checkouts ask for their next best action: the base address of a decision API (<c>http://nba-api:8080</c>), or
    /// <c>self</c> for this process's own API (the embedded default). Each customer then answers the offer shown with a draw
    /// from the hidden response model, and the outcome goes to the feedback topic. Empty: no decisions are asked for, and a
    /// few checkouts get random outcomes for made-up decisions instead.
    /// </summary>
    public string DecisionsUrl { get; set; } = "";

    /// <summary>The API key (scope <c>decide</c>) sent with each decision request.</summary>
    public string DecisionsApiKey { get; set; } = "";

    /// <summary>How long a checkout waits for its decision before it goes on without an offer, as a webshop's timeout would.</summary>
    [Range(1, 60_000, ErrorMessage = "Simulator:DecisionTimeoutMs must be between 1 and 60000.")]
    public int DecisionTimeoutMs { get; set; } = 2000;

    /// <summary>
    /// The world the simulated customers live in (see <see cref="ResponseScenario"/>): <c>default</c>, <c>price-sensitive</c>,
    /// <c>service-loyal</c>, <c>drift</c> or <c>seasonal</c>. Scenarios that add actions need them in the catalog to show.
    /// </summary>
    public string Scenario { get; set; } = ResponseScenario.DefaultName;

    /// <summary>Minutes after the simulator starts at which the <c>drift</c> scenario's change happens.</summary>
    [Range(0, 525_600, ErrorMessage = "Simulator:DriftAfterMinutes must be between 0 and 525600.")]
    public int DriftAfterMinutes { get; set; } = 60;

    /// <summary>Checks what attributes cannot: the scenario's name, the decision address and its key.</summary>
    public IEnumerable<string> Problems()
    {
        if (!ResponseScenario.Names.Contains(Scenario, StringComparer.Ordinal))
        {
            yield return $"Simulator:Scenario must be one of {string.Join(", ", ResponseScenario.Names)}, was \"{Scenario}\".";
        }

        if (DecisionsUrl.Length == 0 || DecisionsUrl == SelfUrl)
        {
            if (DecisionsUrl == SelfUrl && string.IsNullOrWhiteSpace(DecisionsApiKey))
            {
                yield return "Simulator:DecisionsApiKey is required when Simulator:DecisionsUrl is set.";
            }

            yield break;
        }

        if (!Uri.TryCreate(DecisionsUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            yield return $"Simulator:DecisionsUrl must be an absolute http(s) address or \"{SelfUrl}\", was \"{DecisionsUrl}\".";
        }

        if (string.IsNullOrWhiteSpace(DecisionsApiKey))
        {
            yield return "Simulator:DecisionsApiKey is required when Simulator:DecisionsUrl is set.";
        }
    }
}
