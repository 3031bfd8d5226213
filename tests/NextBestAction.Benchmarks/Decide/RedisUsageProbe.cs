using System.Diagnostics.Metrics;
using NextBestAction.Telemetry;
using StackExchange.Redis;

namespace NextBestAction.Benchmarks.Decide;

/// <summary>
/// The decision API's use of Redis over a window: the operations its client sent (StackExchange.Redis's own count of
/// operations on the interactive connection; a script is one operation, however many commands run inside it) and the
/// profile reads it timed (<c>nba.redis.duration</c>, operation <c>profile_read</c>), which are the round trips a
/// decision waits for before it answers.
/// </summary>
internal sealed class RedisUsageProbe : IDisposable
{
    private const string RedisDuration = "nba.redis.duration";

    private readonly IConnectionMultiplexer connection;
    private readonly MeterListener listener = new();
    private readonly long operationsAtStart;
    private long profileReads;

    public RedisUsageProbe(IConnectionMultiplexer connection)
    {
        this.connection = connection;
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == NbaTelemetry.MeterName && instrument.Name == RedisDuration)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "operation" && tag.Value as string == "profile_read")
                {
                    Interlocked.Increment(ref profileReads);
                }
            }
        });
        listener.Start();
        operationsAtStart = Operations();
    }

    public long ProfileReads => Interlocked.Read(ref profileReads);

    public long OperationsSent => Operations() - operationsAtStart;

    public void Dispose() => listener.Dispose();

    private long Operations() => connection.GetCounters().Interactive.OperationCount;
}
