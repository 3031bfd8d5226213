namespace NextBestAction.Server;

/// <summary>
/// Settings under <c>Server</c>: which parts the all-in-one host runs. Adding one: a property here with its
/// default and a line in docs/configuration.md.
/// </summary>
public sealed class ServerOptions
{
    public const string Section = "Server";

    /// <summary>Serve the decision API (<c>/v1/...</c>).</summary>
    public bool RunApi { get; set; } = true;

    /// <summary>Run the ingestion consumer group.</summary>
    public bool RunIngestion { get; set; } = true;
}
