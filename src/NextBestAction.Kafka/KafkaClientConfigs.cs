using Confluent.Kafka;
using NextBestAction.Contracts;

namespace NextBestAction.Kafka;

/// <summary>
/// Kafka client configurations built one way for every client: the user's librdkafka settings first
/// (<c>Kafka:Client</c> plus the consumer or producer ones), then what the service relies on, so that wins.
/// </summary>
public static class KafkaClientConfigs
{
    /// <summary>An idempotent producer that waits for all in-sync replicas.</summary>
    public static ProducerConfig Producer(KafkaOptions options, string clientId)
    {
        var config = new ProducerConfig();
        Apply(config, options.ProducerSettings, options, clientId);
        config.Acks = Acks.All;
        config.EnableIdempotence = true;
        return config;
    }

    /// <summary>A consumer with the user's settings; the caller sets group and offset handling.</summary>
    public static ConsumerConfig Consumer(KafkaOptions options, string clientId)
    {
        var config = new ConsumerConfig();
        Apply(config, options.ConsumerSettings, options, clientId);
        return config;
    }

    public static AdminClientConfig Admin(KafkaOptions options, string clientId)
    {
        var config = new AdminClientConfig();
        Apply(config, options.Client, options, clientId);
        return config;
    }

    private static void Apply(ClientConfig config, IEnumerable<KeyValuePair<string, string>> settings, KafkaOptions options, string clientId)
    {
        foreach (var (key, value) in settings)
        {
            config.Set(key, value);
        }

        config.BootstrapServers = options.BootstrapServers;
        config.ClientId ??= clientId;
    }
}
