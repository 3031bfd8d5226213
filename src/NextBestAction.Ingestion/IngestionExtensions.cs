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
        {
            var kafka = sp.GetRequiredService<IOptions<KafkaOptions>>().Value;
            var config = new ProducerConfig();
            foreach (var (key, value) in kafka.ProducerSettings)
            {
                config.Set(key, value);
            }

            config.BootstrapServers = kafka.BootstrapServers;
            config.ClientId ??= "nba-ingestion-deadletter";
            config.Acks = Acks.All;
            config.EnableIdempotence = true;
            return new ProducerBuilder<byte[]?, byte[]?>(config).Build();
        });
        builder.Services.AddSingleton<DeadLetterPublisher>();
        builder.Services.AddSingleton<ProfileCache>();
        builder.Services.AddSingleton<EventBatchProcessor>();
        builder.Services.AddSingleton<IngestionService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<IngestionService>());
        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }
}
