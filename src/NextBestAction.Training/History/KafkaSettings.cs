namespace NextBestAction.Training.History;

/// <param name="BootstrapServers">Comma-separated brokers.</param>
/// <param name="Client">Extra librdkafka settings (security.protocol, sasl.*, ...); the reader's own settings win.</param>
internal sealed record KafkaSettings(string BootstrapServers, IReadOnlyDictionary<string, string> Client);
