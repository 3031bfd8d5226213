using System.ComponentModel.DataAnnotations;

namespace NextBestAction.Contracts;

/// <summary>
/// Settings under <c>Kafka</c>. Adding one: a property here with its default, a line in the README's
/// configuration reference, and the environment variable in docker-compose.yml/deploy when it differs there.
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
}
