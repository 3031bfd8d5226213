using Confluent.Kafka;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using NextBestAction.Contracts;
using NextBestAction.Kafka;

namespace NextBestAction.ServiceDefaults.Health;

/// <summary>Ready only when a Kafka broker answers a metadata request.</summary>
public sealed class KafkaHealthCheck : IHealthCheck, IDisposable
{
    private readonly IAdminClient admin;

    public KafkaHealthCheck(IOptions<KafkaOptions> options)
    {
        var config = KafkaClientConfigs.Admin(options.Value, "nba-health");
        admin = new AdminClientBuilder(config).SetLogHandler((_, _) => { }).Build();
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            // GetMetadata blocks; keep it off the request thread.
            var metadata = await Task.Run(() => admin.GetMetadata(TimeSpan.FromSeconds(2)), cancellationToken);
            return metadata.Brokers.Count > 0
                ? HealthCheckResult.Healthy($"{metadata.Brokers.Count} broker(s)")
                : HealthCheckResult.Unhealthy("Kafka answered without brokers");
        }
        catch (KafkaException ex)
        {
            return HealthCheckResult.Unhealthy("Kafka does not answer", ex);
        }
    }

    public void Dispose() => admin.Dispose();
}
