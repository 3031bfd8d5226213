using System.Diagnostics;
using OpenTelemetry;

namespace NextBestAction.Benchmarks.Infrastructure;

/// <summary>
/// Takes exported spans and drops them: with a batch processor in front, tracing costs what it costs with the OTLP
/// exporter (span creation, sampling, batching) except the network, which runs off the request path anyway.
/// </summary>
internal sealed class DiscardingExporter : BaseExporter<Activity>
{
    private long exported;

    public long Exported => Interlocked.Read(ref exported);

    public override ExportResult Export(in Batch<Activity> batch)
    {
        Interlocked.Add(ref exported, batch.Count);
        return ExportResult.Success;
    }
}
