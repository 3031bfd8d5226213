using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace NextBestAction.Decisioning.Warmup;

/// <summary>Keeps <c>/health/ready</c> unhealthy until the decision path is warm, so no first decision comes back degraded.</summary>
public sealed class DecisionWarmupHealthCheck(DecisionWarmup warmup) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(warmup.IsWarm
            ? HealthCheckResult.Healthy($"warm after {warmup.RedisReads} profile reads")
            : HealthCheckResult.Unhealthy("warming up the decision path"));
}
