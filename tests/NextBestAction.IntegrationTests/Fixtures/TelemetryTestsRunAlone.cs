namespace NextBestAction.IntegrationTests.Fixtures;

/// <summary>
/// Tests that assert on a server's metrics or spans run alone. OpenTelemetry's meter and activity listeners are
/// process-wide, so a host's <c>/metrics</c> and exporters also take in the instruments and spans of every other host the
/// test process runs at the same time; of two instruments with the same name the first registered wins, and a host
/// disposed meanwhile takes those series away. In production one process runs one host.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryTestsRunAlone
{
    public const string Name = "telemetry (runs alone)";
}
