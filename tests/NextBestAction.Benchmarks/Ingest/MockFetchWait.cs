namespace NextBestAction.Benchmarks.Ingest;

/// <summary>
/// librdkafka's mock cluster answers a fetch only after fetch.wait.max.ms, even when records are waiting (a real
/// broker answers at once). The service and the baseline both use this shorter wait, so freshness shows the
/// consumers' own latency rather than the mock's hold time.
/// </summary>
internal static class MockFetchWait
{
    public const string Milliseconds = "10";
}
