namespace NextBestAction.Training.History;

/// <param name="BootstrapServers">Comma-separated brokers.</param>
/// <param name="Client">Extra librdkafka settings (security.protocol, sasl.*, ...); the reader's own settings win.</param>
internal sealed record KafkaSettings(string BootstrapServers, IReadOnlyDictionary<string, string> Client);

/// <summary>The service's Redis, where the keys of sealed decision-log records are (<c>--redis</c>, <c>--redis-prefix</c>).</summary>
/// <param name="Configuration">A StackExchange.Redis configuration string, e.g. <c>localhost:6379,user=training,password=...</c>.</param>
/// <param name="KeyPrefix">The service's <c>Redis:KeyPrefix</c>.</param>
internal sealed record KeySource(string Configuration, string KeyPrefix);
