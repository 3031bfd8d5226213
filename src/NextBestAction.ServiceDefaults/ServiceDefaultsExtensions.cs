using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NextBestAction.Contracts;
using NextBestAction.ServiceDefaults.Health;
using NextBestAction.Telemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace NextBestAction.ServiceDefaults;

public static class ServiceDefaultsExtensions
{
    /// <summary>Largest request body any route accepts; decisions and outcomes are a few kilobytes.</summary>
    public const int MaxRequestBodyBytes = 64 * 1024;

    /// <summary>Health checks with this tag decide <c>/health/ready</c>.</summary>
    public const string ReadyTag = "ready";

    /// <summary>
    /// OpenTelemetry (traces and metrics; OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set, Prometheus
    /// always), problem details, health checks for Kafka and Redis, request size limits, Kafka settings, and a
    /// background worker that fails for good stopping the process with a non-zero exit code.
    /// Call before registering any hosted service.
    /// </summary>
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<HostOptions>(o => o.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.StopHost);
        builder.Services.AddHostedService<BackgroundWorkerFailures>();
        builder.Services.AddSingleton<NbaTelemetry>();
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ClientErrorExceptionHandler>();
        builder.Services.Configure<KestrelServerOptions>(o =>
        {
            o.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
            o.AddServerHeader = false;
        });

        builder.Services.AddOptions<KafkaOptions>()
            .Bind(builder.Configuration.GetSection(KafkaOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => !string.IsNullOrWhiteSpace(o.BootstrapServers),
                "Kafka:BootstrapServers is required: set it to your brokers (for example \"kafka:9092\").")
            .ValidateOnStart();

        builder.AddOpenTelemetryDefaults();

        builder.Services.AddHealthChecks()
            .AddCheck<RedisHealthCheck>("redis", tags: [ReadyTag])
            .AddCheck<KafkaHealthCheck>("kafka", tags: [ReadyTag]);
        // One admin client for the process: the check resolves this instance instead of building a client per probe.
        builder.Services.AddSingleton<KafkaHealthCheck>();
        return builder;
    }

    /// <summary>
    /// Listens on <paramref name="url"/> unless the environment chose addresses (ASPNETCORE_URLS,
    /// ASPNETCORE_HTTP_PORTS, --urls). Not an appsettings value, because that would override the container's
    /// ASPNETCORE_HTTP_PORTS.
    /// </summary>
    public static WebApplicationBuilder UseDefaultLocalUrl(this WebApplicationBuilder builder, string url)
    {
        string[] chosen = ["urls", "http_ports", "https_ports"];
        if (chosen.All(key => string.IsNullOrWhiteSpace(builder.Configuration[key])))
        {
            builder.WebHost.UseUrls(url);
        }

        return builder;
    }

    /// <summary>
    /// Unhandled errors become RFC 7807 problem responses without internals; a body the server refused to read (over the
    /// size limit: 413) is the client's error; bare status codes get a problem body.
    /// </summary>
    public static WebApplication UseServiceDefaults(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }

    /// <summary>Liveness, readiness (Kafka and Redis answer) and Prometheus metrics; none needs an API key.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag) });
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }

    private static void AddOpenTelemetryDefaults(this IHostApplicationBuilder builder)
    {
        var otlpEndpoint = builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        var telemetry = TelemetryOptions.From(builder.Configuration);
        builder.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(telemetry));
        var openTelemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(
                builder.Configuration["OTEL_SERVICE_NAME"] ?? builder.Environment.ApplicationName,
                serviceVersion: ServiceVersion(),
                autoGenerateServiceInstanceId: false,
                serviceInstanceId: ServiceInstanceId()));
        // Logs go the way of traces and metrics, each with the trace and span id of the activity it was written in.
        openTelemetry.WithLogging(
            l =>
            {
                if (!string.IsNullOrWhiteSpace(otlpEndpoint))
                {
                    l.AddOtlpExporter();
                }
            },
            o =>
            {
                o.IncludeScopes = true;
                o.IncludeFormattedMessage = true;
            });
        if (telemetry.TracingEnabled)
        {
            openTelemetry.WithTracing(t =>
            {
                // The keeping processor comes before any exporter, so the spans it keeps are exported.
                t.SetSampler(new RatioSampler(telemetry.SamplingRatio))
                    .AddProcessor(new KeepFailedAndSlowProcessor(TimeSpan.FromMilliseconds(telemetry.SlowDecisionMs)))
                    .AddSource(NbaTelemetry.ActivitySourceName)
                    .AddAspNetCoreInstrumentation(o =>
                    {
                        o.Filter = ctx => !IsInfrastructurePath(ctx.Request.Path);
                        // Raw paths hold customer and decision ids: spans carry the route template instead.
                        o.EnrichWithHttpResponse = (activity, response) => activity.SetTag("url.path", RouteTemplateOf(response.HttpContext));
                    })
                    .AddHttpClientInstrumentation();
                if (!string.IsNullOrWhiteSpace(otlpEndpoint))
                {
                    t.AddOtlpExporter();
                }
            });
        }

        openTelemetry
            .WithMetrics(m =>
            {
                m.AddMeter(NbaTelemetry.MeterName)
                    .AddAspNetCoreInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddPrometheusExporter();
                if (!string.IsNullOrWhiteSpace(otlpEndpoint))
                {
                    m.AddOtlpExporter();
                }
            });
    }

    /// <summary>The host's informational version (the build's version and, when built from git, its commit).</summary>
    private static string? ServiceVersion() =>
        Assembly.GetEntryAssembly()?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;

    /// <summary>
    /// One id per process: the machine's name (a pod's name on Kubernetes) and the process id, so two instances on one
    /// machine, as in the embedded mode's tests, are told apart, and a restarted pod is a new instance.
    /// </summary>
    private static string ServiceInstanceId() =>
        string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}-{Environment.ProcessId}");

    /// <summary>The template of the route that served the request (<c>/v1/customers/{customerId}/profile</c>), or <c>(no route)</c>.</summary>
    private static string RouteTemplateOf(Microsoft.AspNetCore.Http.HttpContext context) =>
        context.GetEndpoint() is Microsoft.AspNetCore.Routing.RouteEndpoint endpoint
            ? "/" + endpoint.RoutePattern.RawText?.TrimStart('/')
            : "(no route)";

    private static bool IsInfrastructurePath(Microsoft.AspNetCore.Http.PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments("/metrics");
}
