using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using NextBestAction.Contracts;
using NextBestAction.OperatorConsole;
using NextBestAction.Profiles;
using NextBestAction.Server.Embedded;
using NextBestAction.ServiceDefaults.Auth;

namespace NextBestAction.Server;

/// <summary>Logs where everything listens once the host has started, so a newcomer can connect to it.</summary>
internal sealed partial class StartupBanner(
    IHostApplicationLifetime lifetime,
    IServer server,
    EmbeddedParts embedded,
    ServerOptions serverParts,
    IOptions<KafkaOptions> kafka,
    IOptions<RedisOptions> redis,
    ILogger<StartupBanner> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() =>
        {
            var urls = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            var listening = string.Join(", ", urls);
            var redisEndpoint = RedactPassword(redis.Value.Configuration);
            LogHttp(logger, listening);
            if (ConsoleUrl(urls, serverParts.RunApi) is { } console)
            {
                var signInWith = ConsoleSignInHint(embedded);
                LogConsole(logger, console, signInWith);
            }

            LogKafka(logger, kafka.Value.BootstrapServers, embedded.Kafka is not null ? "embedded librdkafka mock cluster" : "configured");
            LogRedis(logger, redisEndpoint, embedded.Redis is not null ? "embedded Garnet" : "configured");
            if (EphemeralParts(embedded) is { } parts)
            {
                LogEphemeral(logger, parts);
            }

            if (ShellExports(embedded) is { } exports)
            {
                LogShellExports(logger, exports);
            }

            if (embedded.FullyEmbedded)
            {
                LogLocalKey(logger, ApiKeyAuthenticationHandler.HeaderName, LocalDevelopmentKey.Value);
            }
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Which key signs in to the console: the local key when fully embedded (it has every scope), else any key with the console scope.</summary>
    internal static string ConsoleSignInHint(EmbeddedParts embedded) =>
        embedded.FullyEmbedded ? $"the local key {LocalDevelopmentKey.Value}" : "an API key that has the console scope";

    /// <summary>The operator console's address on the first address the host listens on, or null when the API (and with it the console) is off.</summary>
    internal static string? ConsoleUrl(IEnumerable<string> urls, bool runApi) =>
        runApi && urls.FirstOrDefault() is { } first ? first.TrimEnd('/') + ConsoleExtensions.Path : null;

    /// <summary>What of this process's infrastructure is in memory only, or null when nothing is.</summary>
    internal static string? EphemeralParts(EmbeddedParts embedded) => (embedded.Kafka, embedded.Redis) switch
    {
        (not null, not null) => "the embedded Kafka and Redis live",
        (not null, null) => "the embedded Kafka lives",
        (null, not null) => "the embedded Redis lives",
        _ => null,
    };

    /// <summary>
    /// A line to paste into a shell: the embedded parts' addresses, which change on every start (the mock cluster picks
    /// its own ports), under the names the README's kcat and redis-cli examples use.
    /// </summary>
    internal static string? ShellExports(EmbeddedParts embedded)
    {
        var exports = new List<string>(2);
        if (embedded.Kafka is not null)
        {
            exports.Add($"NBA_KAFKA={embedded.Kafka.BootstrapServers}");
        }

        if (embedded.Redis is not null)
        {
            exports.Add($"NBA_REDIS_PORT={embedded.Redis.Port}");
        }

        return exports.Count == 0 ? null : "export " + string.Join(' ', exports);
    }

    private static string RedactPassword(string configuration) =>
        string.Join(',', configuration.Split(',').Select(part =>
            part.TrimStart().StartsWith("password=", StringComparison.OrdinalIgnoreCase) ? "password=***" : part));

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "HTTP API listening on {Urls}")]
    private static partial void LogHttp(ILogger logger, string urls);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Information, Message = "Operator console: {Url} (sign in with {Key})")]
    private static partial void LogConsole(ILogger logger, string url, string key);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Kafka bootstrap servers: {BootstrapServers} ({Origin})")]
    private static partial void LogKafka(ILogger logger, string bootstrapServers, string origin);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Redis endpoint: {Endpoint} ({Origin})")]
    private static partial void LogRedis(ILogger logger, string endpoint, string origin);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "Nothing embedded is kept after exit: {Parts} in this process's memory only")]
    private static partial void LogEphemeral(ILogger logger, string parts);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Information, Message = "For the README's kcat and redis-cli examples, paste: {Exports}")]
    private static partial void LogShellExports(ILogger logger, string exports);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Information, Message = "Embedded mode accepts the local API key: {Header}: {Key}")]
    private static partial void LogLocalKey(ILogger logger, string header, string key);
}
