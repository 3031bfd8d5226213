namespace NextBestAction.ServiceDefaults;

/// <summary>
/// Set by the host: true only when the all-in-one server runs on its embedded Kafka and Redis, the one
/// mode in which the documented local API key is accepted.
/// </summary>
public sealed record HostingMode(bool Embedded);
