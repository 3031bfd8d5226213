using NextBestAction.IntegrationTests.Fixtures;

namespace NextBestAction.IntegrationTests.Reliability;

/// <summary>
/// A background worker that fails for good ends the real host process with a non-zero exit code and a log line naming
/// the worker, so an orchestrator sees a failure (and restarts or alerts) instead of a clean exit.
/// </summary>
public sealed class WorkerFailureTests(KafkaFixture kafka, RedisServerFixture redis)
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task IngestionWorker_ConsumerCannotBeBuilt_ExitsNonZeroNamingTheWorker()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        await using var worker = IngestionWorkerProcess.Start(new Dictionary<string, string>
        {
            ["Kafka:BootstrapServers"] = kafka.BootstrapServers,
            ["Kafka:GroupId"] = $"worker-failure-{suffix}",
            ["Redis:Configuration"] = redis.Configuration,
            ["Redis:KeyPrefix"] = $"fail{suffix}",
            // librdkafka refuses the value when the ingestion consumer is built, inside the worker: a failure for good.
            ["Kafka:Consumer:fetch.wait.max.ms"] = "not-a-number",
        });

        var exitCode = await worker.WaitForExitAsync(MaxWait);

        Assert.True(exitCode is not null, $"the worker process still runs\n{worker.OutputTail}");
        Assert.NotEqual(0, exitCode);
        Assert.Contains(worker.OutputTail.Split('\n'), line =>
            line.Contains("Background worker IngestionService failed", StringComparison.Ordinal)
            && line.Contains("fetch.wait.max.ms", StringComparison.Ordinal));
    }
}
