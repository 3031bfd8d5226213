using System.ComponentModel.DataAnnotations;

namespace NextBestAction.Contracts;

/// <summary>
/// Settings under <c>Kafka</c>. Adding one: a property here with its default, a line in docs/configuration.md,
/// and the environment variable in docker-compose.yml/deploy when it differs there.
/// </summary>
public sealed class KafkaOptions
{
    public const string Section = "Kafka";

    /// <summary>Comma-separated brokers. Empty in the all-in-one server: an embedded mock cluster is started.</summary>
    public string BootstrapServers { get; set; } = "";

    /// <summary>Consumer group of the ingestion workers; every worker of one deployment shares it.</summary>
    [Required]
    public string GroupId { get; set; } = "nba-ingestion";

    public TopicNames Topics { get; set; } = new();

    /// <summary>librdkafka settings for every Kafka client of the service, for example security.protocol or sasl.mechanism.</summary>
    public Dictionary<string, string> Client { get; set; } = [];

    /// <summary>librdkafka settings for consumers only, for example fetch.wait.max.ms.</summary>
    public Dictionary<string, string> Consumer { get; set; } = [];

    /// <summary>librdkafka settings for producers only, for example linger.ms or compression.type.</summary>
    public Dictionary<string, string> Producer { get; set; } = [];

    /// <summary>
    /// Settings for a consumer, general ones first. The service sets what its guarantees rely on
    /// (bootstrap.servers, group.id, offset storing and commit, assignment strategy) after these, so those win.
    /// </summary>
    public IEnumerable<KeyValuePair<string, string>> ConsumerSettings => Client.Concat(Consumer);

    /// <summary>Settings for a producer, general ones first; acks and idempotence set by the service win.</summary>
    public IEnumerable<KeyValuePair<string, string>> ProducerSettings => Client.Concat(Producer);
}
