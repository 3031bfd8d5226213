using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NextBestAction.Benchmarks.Infrastructure;
using NextBestAction.Contracts;
using NextBestAction.Ingestion;
using NextBestAction.Notifications;
using NextBestAction.Profiles;
using NextBestAction.ServiceDefaults;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace NextBestAction.Benchmarks.Ingest;

/// <summary>
/// The ingestion worker as production wires it (service defaults, profile store, ingestion), in a generic host
/// without HTTP endpoints. Settings come from environment variables like the worker's (for example
/// <c>Ingestion__MaxBatchSize=1000</c> to compare a setting), except the brokers, Redis, group and topics the
/// benchmark owns. Logs go to stderr, warnings and up, so stdout stays the benchmark's report.
/// </summary>
internal static class IngestionHost
{
    /// <param name="notifications">Also register notifications (triggers, fan-out, schedule), as the worker host does.</param>
    /// <param name="settings">More settings, applied last.</param>
    /// <param name="tracing">
    /// True: tracing as deployed (default sampling) with spans batched into an exporter that drops them; false: tracing
    /// switched off. Metrics are on either way.
    /// </param>
    /// <param name="keyPrefix">The Redis key prefix, so two hosts over the same events each write profiles of their own.</param>
    public static IHost Build(string bootstrapServers, string redisConfiguration, string groupId, TopicNames topics,
        bool notifications = false, IReadOnlyDictionary<string, string?>? settings = null, bool tracing = true, string keyPrefix = "nba")
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            ApplicationName = "nba-bench-ingest",
            EnvironmentName = Environments.Production,
        });

        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
        });
        builder.Configuration.AddEnvironmentVariables();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = bootstrapServers,
            ["Kafka:GroupId"] = groupId,
            // Same fetch wait as the baseline: the mock cluster holds every fetch this long (see README).
            ["Kafka:Consumer:fetch.wait.max.ms"] = MockFetchWait.Milliseconds,
            ["Kafka:Topics:Clickstream"] = topics.Clickstream,
            ["Kafka:Topics:Orders"] = topics.Orders,
            ["Kafka:Topics:Service"] = topics.Service,
            ["Kafka:Topics:Catalog"] = topics.Catalog,
            ["Kafka:Topics:Feedback"] = topics.Feedback,
            ["Kafka:Topics:Consent"] = topics.Consent,
            ["Kafka:Topics:Notifications"] = topics.Notifications,
            ["Kafka:Topics:Decisions"] = topics.Decisions,
            ["Kafka:Topics:DeadLetter"] = topics.DeadLetter,
            ["Redis:Configuration"] = redisConfiguration,
            ["Redis:KeyPrefix"] = keyPrefix,
            ["Telemetry:TracingEnabled"] = tracing ? "true" : "false",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);

        builder.AddServiceDefaults();
        builder.AddProfileStore();
        builder.AddIngestion();
        if (notifications)
        {
            builder.AddNotifications();
        }

        if (tracing)
        {
            builder.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddProcessor(new BatchActivityExportProcessor(new DiscardingExporter())));
        }

        return builder.Build();
    }

    /// <summary>Topic names of their own for one run, so nothing else on the cluster is read or written.</summary>
    public static TopicNames TopicsFor(string runId) => new()
    {
        Clickstream = $"{runId}.clickstream",
        Orders = $"{runId}.orders",
        Service = $"{runId}.service",
        Catalog = $"{runId}.catalog",
        Feedback = $"{runId}.feedback",
        Consent = $"{runId}.consent",
        Notifications = $"{runId}.notifications",
        Decisions = $"{runId}.decisions",
        DeadLetter = $"{runId}.deadletter",
        Privacy = $"{runId}.privacy",
    };
}
