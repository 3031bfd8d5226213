using Microsoft.Extensions.Hosting;
using NextBestAction.Decisioning.Catalog;
using NextBestAction.Decisioning.Engine;
using NextBestAction.ServiceDefaults;
using NextBestAction.Telemetry;

namespace NextBestAction.Decisioning;

/// <summary>
/// Which model and catalog this instance serves right now, as info gauges (always 1, the version in a label), so a
/// dashboard shows a rollout or a rollback the moment an instance swaps.
/// </summary>
internal sealed class ServingVersionMetrics(NbaTelemetry telemetry, DecisionEngine engine, CatalogProvider catalogs) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        telemetry.ObserveServingVersions(() => engine.ModelVersion, () => catalogs.Current.Version);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
