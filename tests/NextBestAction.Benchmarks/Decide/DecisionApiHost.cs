using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NextBestAction.Benchmarks.Infrastructure;
using NextBestAction.Decisioning;
using NextBestAction.Profiles;
using NextBestAction.ServiceDefaults.Auth;
using OpenTelemetry;
using OpenTelemetry.Trace;
using StackExchange.Redis;

namespace NextBestAction.Benchmarks.Decide;

/// <summary>
/// The decision API as src/NextBestAction.DecisionApi/Program.cs builds it (<see cref="DecisionApiHosting"/>), on
/// Kestrel at a free loopback port, plus one route only the benchmark has: <see cref="BaselinePath"/>, the floor
/// under a decision. It passes the same middleware and API-key check, reads the body, takes the customer id out of
/// it, does the one Redis read a decision does (the MGET of the profile and temporary-data keys, without parsing
/// them) and writes a fixed JSON body of a decision response's size. Settings come from environment variables as in
/// the host, except the Redis, Kafka, API key, catalog and listen address the benchmark owns. Logs go to stderr,
/// warnings and up, so stdout stays the benchmark's report.
/// </summary>
internal sealed class DecisionApiHost : IAsyncDisposable
{
    public const string DecidePath = "/v1/decisions";
    public const string BaselinePath = "/bench/baseline";

    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);

    private readonly WebApplication app;
    private byte[] baselineResponse = "{}"u8.ToArray();
    private bool started;

    private DecisionApiHost(WebApplication app, string apiKey)
    {
        this.app = app;
        ApiKey = apiKey;
    }

    public string ApiKey { get; }

    public IServiceProvider Services => app.Services;

    /// <summary>The address Kestrel listens on, known after <see cref="StartAsync"/>.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>The fixed body the baseline route writes, from now on.</summary>
    public byte[] BaselineResponse
    {
        get => Volatile.Read(ref baselineResponse);
        set => Volatile.Write(ref baselineResponse, value);
    }

    /// <param name="tracing">
    /// True: tracing as deployed (default sampling) with spans batched into an exporter that drops them; false: tracing
    /// switched off (<c>Telemetry:TracingEnabled=false</c>). Metrics are on either way.
    /// </param>
    public static DecisionApiHost Build(string redisConfiguration, string kafkaBootstrapServers, string catalogPath, bool tracing = true)
    {
        // The application name stays the entry assembly's: ASP.NET Core loads it as the hosting startup assembly.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production, Args = [] });

        // No appsettings files: the build output holds the all-in-one server's, which is not the decision API's.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["AllowedHosts"] = "*",
        });
        builder.Configuration.AddEnvironmentVariables();
        var apiKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Redis:Configuration"] = redisConfiguration,
            ["Kafka:BootstrapServers"] = kafkaBootstrapServers,
            ["Auth:ApiKeys:0:Name"] = "bench-load",
            ["Auth:ApiKeys:0:Key"] = apiKey,
            ["Auth:ApiKeys:0:Scopes:0"] = Scopes.Decide,
            // The limiter still runs on every request; its limit is set far above what the load can send.
            ["Auth:ApiKeys:0:RequestsPerSecond"] = "1000000",
            ["Auth:ApiKeys:0:Burst"] = "2000000",
            ["Decisions:CatalogPath"] = catalogPath,
            ["Telemetry:TracingEnabled"] = tracing ? "true" : "false",
        });

        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);

        builder.AddDecisionApiServices();
        if (tracing)
        {
            builder.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddProcessor(new BatchActivityExportProcessor(new DiscardingExporter())));
        }

        var app = builder.Build();
        app.UseDecisionApiPipeline();

        var host = new DecisionApiHost(app, apiKey);
        app.MapPost(BaselinePath, host.BaselineAsync).RequireScope(Scopes.Decide);
        return host;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        started = true;
        await app.StartAsync(cancellationToken);
        // The port Kestrel bound for "127.0.0.1:0".
        Address = new Uri(app.Urls.Single());
    }

    public async ValueTask DisposeAsync()
    {
        if (started)
        {
            using var stopTimeout = new CancellationTokenSource(StopTimeout);
            await app.StopAsync(stopTimeout.Token);
        }

        await app.DisposeAsync();
    }

    private async Task BaselineAsync(HttpContext context, IConnectionMultiplexer redis, RedisProfileStore profiles)
    {
        var customerId = await ReadCustomerIdAsync(context.Request, context.RequestAborted);
        if (customerId is null)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var keys = profiles.Keys;
        await redis.GetDatabase().StringGetAsync([keys.Profile(customerId), keys.Temporary(customerId)]);

        var body = BaselineResponse;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }

    /// <summary>The top-level <c>customerId</c> of the JSON body; null when there is none.</summary>
    private static async Task<string?> ReadCustomerIdAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, cancellationToken);
        return CustomerIdOf(body.GetBuffer().AsSpan(0, (int)body.Length));
    }

    private static string? CustomerIdOf(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isCustomerId = reader.ValueTextEquals("customerId"u8);
            reader.Read();
            if (isCustomerId && reader.TokenType == JsonTokenType.String)
            {
                return reader.GetString();
            }

            reader.Skip();
        }

        return null;
    }
}
