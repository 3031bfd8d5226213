using System.Diagnostics;
using NextBestAction.Kafka;

namespace NextBestAction.Ingestion;

/// <summary>
/// The spans of one ingestion batch: a batch span (kind Consumer) that links every message's producer span, a
/// process span per message that continues its producer's trace (<see cref="KafkaTracing.StartProcess"/>), and Redis
/// client spans for the profile load and for each message's profile write. The batch span stays the current activity
/// throughout; disposing ends the process spans and the batch span.
/// </summary>
public sealed class BatchTracing : IDisposable
{
    private readonly ActivitySource source;
    private readonly Activity? batchActivity;
    private readonly Dictionary<IncomingMessage, Activity> processSpans;

    private BatchTracing(ActivitySource source, Activity? batchActivity, Dictionary<IncomingMessage, Activity> processSpans)
    {
        this.source = source;
        this.batchActivity = batchActivity;
        this.processSpans = processSpans;
    }

    /// <summary>Starts the batch span, which becomes the current activity, and one process span per message.</summary>
    public static BatchTracing Start(ActivitySource source, IReadOnlyList<IncomingMessage> batch)
    {
        ArgumentNullException.ThrowIfNull(source);
        var activity = source.StartActivity("ingest batch", ActivityKind.Consumer, default(ActivityContext), links: Links(batch));
        activity?.SetTag("messaging.system", "kafka");
        activity?.SetTag("messaging.operation.type", "process");
        activity?.SetTag("messaging.batch.message_count", batch.Count);
        return new BatchTracing(source, activity, StartProcessSpans(source, batch, activity));
    }

    /// <summary>The span the work for <paramref name="message"/> continues: its process span, else the producer's.</summary>
    public ActivityContext ContextOf(IncomingMessage message) =>
        processSpans.TryGetValue(message, out var span) ? span.Context : message.TraceContext;

    public void DeadLettered(IncomingMessage message) =>
        processSpans.GetValueOrDefault(message)?.SetStatus(ActivityStatusCode.Error, "dead-lettered");

    /// <summary>The client span of one pipelined read of <paramref name="profiles"/> profiles, under the batch span.</summary>
    public Activity? StartProfileLoad(int profiles)
    {
        var activity = source.StartActivity("redis profile load", ActivityKind.Client);
        activity?.SetTag("db.system.name", "redis");
        activity?.SetTag("db.operation.name", "profile load");
        activity?.SetTag("nba.profiles", profiles);
        return activity;
    }

    /// <summary>
    /// A Redis client span per message whose profile is written, under that message's process span; end them with
    /// <see cref="End"/> once the write is acknowledged. The batch span stays the current one.
    /// </summary>
    public List<Activity> StartProfileWrites(IEnumerable<IncomingMessage> messages)
    {
        var writes = new List<Activity>();
        if (processSpans.Count == 0)
        {
            return writes;
        }

        var current = Activity.Current;
        foreach (var message in messages)
        {
            if (processSpans.TryGetValue(message, out var process)
                && source.StartActivity("redis profile write", ActivityKind.Client, process.Context) is { } write)
            {
                write.SetTag("db.system.name", "redis");
                write.SetTag("db.operation.name", "profile write");
                writes.Add(write);
            }
        }

        Activity.Current = current;
        return writes;
    }

    public static void End(List<Activity> spans)
    {
        ArgumentNullException.ThrowIfNull(spans);
        foreach (var span in spans)
        {
            span.Dispose();
        }
    }

    public void Completed(BatchResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        batchActivity?.SetTag("nba.ingestion.applied", result.Applied);
        batchActivity?.SetTag("nba.ingestion.dead_lettered", result.DeadLettered);
    }

    public void Dispose()
    {
        foreach (var span in processSpans.Values)
        {
            span.Dispose();
        }

        Activity.Current = batchActivity;
        batchActivity?.Dispose();
    }

    private static List<ActivityLink>? Links(IReadOnlyList<IncomingMessage> batch)
    {
        List<ActivityLink>? links = null;
        foreach (var message in batch)
        {
            if (message.TraceContext != default)
            {
                (links ??= []).Add(new ActivityLink(message.TraceContext));
            }
        }

        return links;
    }

    /// <summary>One process span per message, each a child of its producer's span; the batch span stays the current one.</summary>
    private static Dictionary<IncomingMessage, Activity> StartProcessSpans(ActivitySource source, IReadOnlyList<IncomingMessage> batch, Activity? batchActivity)
    {
        var spans = new Dictionary<IncomingMessage, Activity>(ReferenceEqualityComparer.Instance);
        if (!source.HasListeners())
        {
            return spans;
        }

        foreach (var message in batch)
        {
            if (KafkaTracing.StartProcess(source, message.Topic, message.Partition, message.Offset, message.TraceContext,
                batchActivity?.Context ?? default) is { } span)
            {
                spans[message] = span;
            }

            Activity.Current = batchActivity;
        }

        return spans;
    }
}
