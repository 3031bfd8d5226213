using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using NextBestAction.Decisioning.Catalog;
using NextBestAction.Decisioning.Engine;
using NextBestAction.ServiceDefaults;

namespace NextBestAction.Decisioning;

/// <summary>
/// Which model and catalog this instance serves right now, as info gauges (always 1, the version in a label), so a
/// dashboard shows a rollout or a rollback the moment an instance swaps.
/// </summary>
internal sealed class ServingVersionMetrics(NbaTelemetry telemetry, DecisionEngine engine, CatalogProvider catalogs) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        telemetry.Meter.CreateObservableGauge("nba.model.info",
            () => new Measurement<int>(1, new KeyValuePair<string, object?>("model_version", engine.ModelVersion)),
            description: "The propensity model this instance decides with (value 1; the version is the label).");
        telemetry.Meter.CreateObservableGauge("nba.catalog.info",
            () => new Measurement<int>(1, new KeyValuePair<string, object?>("catalog_version", catalogs.Current.Version)),
            description: "The action catalog this instance decides with (value 1; the version is the label).");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
