using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NextBestAction.Contracts;
using NextBestAction.Ingestion;
using NextBestAction.Kafka;
using NextBestAction.Telemetry;

namespace NextBestAction.Notifications;

public static partial class NotificationsExtensions
{
    /// <summary>
    /// Registers notifications beside ingestion: the triggers on the ingestion path, the schedule (quiet hours, overdue
    /// orders), the fan-out worker, the producer for <c>nba.notifications</c> and, when a URL is set, webhook delivery.
    /// Call after <c>AddIngestion</c>; settings are validated at start-up.
    /// </summary>
    public static IHostApplicationBuilder AddNotifications(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<NotificationOptions>()
            .Bind(builder.Configuration.GetSection(NotificationOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<NotificationOptions>, NotificationOptionsValidator>();

        var settings = builder.Configuration.GetSection(NotificationOptions.Section).Get<NotificationOptions>() ?? new NotificationOptions();
        if (!settings.Enabled)
        {
            return builder;
        }

        builder.Services.AddSingleton(sp =>
        {
            var kafka = sp.GetRequiredService<IOptions<KafkaOptions>>().Value;
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger("NextBestAction.Notifications.Producer");
            return new NotificationProducer(new ProducerBuilder<string, byte[]>(KafkaClientConfigs.Producer(kafka, "nba-notifications"))
                .SetErrorHandler((_, e) => LogProducerError(logger, e.Code, e.Reason))
                .Build());
        });
        builder.Services.AddSingleton(sp => new NotificationTriggers(sp.GetRequiredService<IOptions<NotificationOptions>>().Value));
        builder.Services.AddSingleton(sp => new NotificationPolicy(sp.GetRequiredService<IOptions<NotificationOptions>>().Value));
        builder.Services.AddSingleton<NotificationStore>();
        builder.Services.AddSingleton<NotificationPublisher>();
        builder.Services.AddSingleton<NotificationDispatcher>();
        builder.Services.AddSingleton<IIngestionObserver, NotificationIngestionObserver>();
        builder.Services.AddSingleton<NotificationScheduler>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<NotificationScheduler>());
        builder.Services.AddSingleton<FanoutWorker>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<FanoutWorker>());
        builder.Services.AddSingleton(TimeProvider.System);

        if (settings.Webhook.Url.Length > 0)
        {
            // A redirect is a failed delivery: following it would send signed notifications wherever Location points.
            // The resilience handler times each attempt, so the client's own timeout (100 s over all attempts) is off.
            // Handlers run in the order added: retries outside, then the signature of each attempt.
            builder.Services.AddTransient<WebhookSigningHandler>();
            var webhookClient = builder.Services.AddHttpClient(WebhookDeliveryService.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
                .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
            webhookClient.AddResilienceHandler(WebhookResilience.PipelineName, (pipeline, context) => WebhookResilience.Configure(
                pipeline,
                context.ServiceProvider.GetRequiredService<IOptions<NotificationOptions>>().Value.Webhook,
                context.ServiceProvider.GetRequiredService<TimeProvider>(),
                context.ServiceProvider.GetRequiredService<NbaTelemetry>(),
                context.ServiceProvider.GetRequiredService<ILogger<WebhookDeliveryService>>()));
            webhookClient.AddHttpMessageHandler<WebhookSigningHandler>();
            builder.Services.Configure<Polly.Telemetry.TelemetryOptions>(WebhookResilience.QuietenLibraryLog);
            builder.Services.AddSingleton<WebhookDeliveryService>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<WebhookDeliveryService>());
        }

        return builder;
    }

    [LoggerMessage(EventId = 6301, Level = LogLevel.Warning, Message = "Notification producer error {Code}: {Reason}")]
    private static partial void LogProducerError(ILogger logger, ErrorCode code, string reason);
}
