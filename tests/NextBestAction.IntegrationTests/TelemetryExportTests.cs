using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NextBestAction.Decisioning.Warmup;
using NextBestAction.IntegrationTests.Fixtures;
using NextBestAction.ServiceDefaults;
using NextBestAction.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Trace;

namespace NextBestAction.IntegrationTests;

/// <summary>
/// Logs leave through OpenTelemetry with the traces and metrics, and all three carry a resource that names the service,
/// its version and this instance.
/// </summary>
[Collection(TelemetryTestsRunAlone.Name)]
public sealed class TelemetryExportTests(KafkaFixture kafka, RedisServerFixture redis)
{
    [Fact]
    public async Task Logs_AreExportedThroughOpenTelemetry_WithTheirScopesAndTheTraceTheyWereWrittenIn()
    {
        var logs = new LockedCollection<LogRecord>();
        await using var factory = new ExportingServerFactory(kafka, redis, logs);
        factory.CreateClient().Dispose();
        var telemetry = factory.Services.GetRequiredService<NbaTelemetry>();
        var logger = factory.Services.GetRequiredService<ILogger<TelemetryExportTests>>();

        ActivityTraceId traceId;
        using (var span = telemetry.ActivitySource.StartActivity("telemetry export test"))
        using (logger.BeginScope(new Dictionary<string, object> { ["nba.test.scope"] = "kept" }))
        {
            traceId = span!.TraceId;
#pragma warning disable CA1848 // A one-off line in a test; source-generated logging would add nothing here.
            logger.LogInformation("written inside a span");
#pragma warning restore CA1848
        }

        var record = await WaitForAsync(logs, r => r.FormattedMessage == "written inside a span");
        var scopes = new List<KeyValuePair<string, object?>>();
        record.ForEachScope(
            (scope, found) =>
            {
                foreach (var item in scope)
                {
                    found.Add(item);
                }
            },
            scopes);
        Assert.Equal(traceId, record.TraceId);
        Assert.Contains(new KeyValuePair<string, object?>("nba.test.scope", "kept"), scopes);
        // The host's own logs go the same way.
        Assert.Contains(logs.Snapshot(), r => r.CategoryName == "NextBestAction.Decisioning.Warmup.DecisionWarmup");
    }

    [Fact]
    public async Task Resource_NamesTheServiceItsVersionAndThisInstance()
    {
        await using var factory = new ExportingServerFactory(kafka, redis, new LockedCollection<LogRecord>());
        factory.CreateClient().Dispose();

        var attributes = factory.Services.GetRequiredService<TracerProvider>().GetResource().Attributes
            .ToDictionary(a => a.Key, a => a.Value);

        Assert.False(string.IsNullOrWhiteSpace(attributes["service.name"] as string));
        Assert.False(string.IsNullOrWhiteSpace(attributes["service.version"] as string));
        Assert.Equal(string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}-{Environment.ProcessId}"), attributes["service.instance.id"]);
    }

    private static async Task<LogRecord> WaitForAsync(LockedCollection<LogRecord> logs, Func<LogRecord, bool> match)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (logs.Snapshot().FirstOrDefault(match) is { } record)
            {
                return record;
            }

            Assert.True(DateTime.UtcNow < deadline, "the log record was not exported within 30 s");
            await Task.Delay(50);
        }
    }

    /// <summary>The server with every trace sampled and its logs exported to memory.</summary>
    private sealed class ExportingServerFactory(KafkaFixture kafka, RedisServerFixture redis, LockedCollection<LogRecord> logs) : NbaServerFactory(kafka, redis)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Telemetry:SamplingRatio", "1");
            builder.ConfigureServices(services => services.ConfigureOpenTelemetryLoggerProvider(l => l.AddInMemoryExporter(logs)));
        }
    }
}
