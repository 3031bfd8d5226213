using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NextBestAction.Contracts;
using NextBestAction.Kafka;
using NextBestAction.Profiles.Privacy;

namespace NextBestAction.Ingestion;

public static partial class IngestionExtensions
{
    /// <summary>Registers the consumer group, the batch processor, KPI counting and the dead-letter producer.</summary>
    public static IHostApplicationBuilder AddIngestion(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<IngestionOptions>()
            .Bind(builder.Configuration.GetSection(IngestionOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddSingleton<IProducer<byte[]?, byte[]?>>(sp =>
        {
            var kafka = sp.GetRequiredService<IOptions<KafkaOptions>>().Value;
            var config = KafkaClientConfigs.Producer(kafka, "nba-ingestion-deadletter");
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger("NextBestAction.Ingestion.DeadLetterProducer");
            return new ProducerBuilder<byte[]?, byte[]?>(config)
                .SetLogHandler((_, m) => LogClient(logger, m.Facility, m.Message))
                .SetErrorHandler((_, e) => LogError(logger, e.Code, e.Reason))
                .Build();
        });
        builder.Services.AddSingleton<DeadLetterPublisher>();
        builder.Services.AddSingleton<PrivacyTopicRequests>();
        builder.Services.AddSingleton<ProfileCache>();

        // First of the observers, which run in registration order: the KPIs are counted before notifications go out.
        builder.Services.AddSingleton<IIngestionObserver, KpiIngestionObserver>();
        builder.Services.AddSingleton<EventBatchProcessor>();
        builder.Services.AddSingleton<IngestionService>();
        builder.Services.AddSingleton<RetentionSweeper>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RetentionSweeper>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<IngestionService>());
        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Debug, Message = "librdkafka {Facility}: {Message}")]
    private static partial void LogClient(ILogger logger, string facility, string message);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "Dead-letter producer error {Code}: {Reason}")]
    private static partial void LogError(ILogger logger, ErrorCode code, string reason);
}
