namespace NextBestAction.Benchmarks.Infrastructure;

/// <summary>Something a benchmark needs is missing or did not start; the message says what to do.</summary>
internal sealed class BenchmarkSetupException : Exception
{
    public BenchmarkSetupException(string message)
        : base(message)
    {
    }

    public BenchmarkSetupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
