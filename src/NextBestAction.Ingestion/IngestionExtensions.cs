using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NextBestAction.Contracts;

namespace NextBestAction.Ingestion;

public static class IngestionExtensions
{
    /// <summary>Registers the consumer group, the batch processor and the dead-letter producer.</summary>
    public static IHostApplicationBuilder AddIngestion(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<IngestionOptions>()
            .Bind(builder.Configuration.GetSection(IngestionOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddSingleton<IProducer<byte[]?, byte[]?>>(sp =>
            new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig
            {
                BootstrapServers = sp.GetRequiredService<IOptions<KafkaOptions>>().Value.BootstrapServers,
                ClientId = "nba-ingestion-deadletter",
                Acks = Acks.All,
                EnableIdempotence = true,
            }).Build());
        builder.Services.AddSingleton<DeadLetterPublisher>();
        builder.Services.AddSingleton<ProfileCache>();
        builder.Services.AddSingleton<EventBatchProcessor>();
        builder.Services.AddSingleton<IngestionService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<IngestionService>());
        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }
}
