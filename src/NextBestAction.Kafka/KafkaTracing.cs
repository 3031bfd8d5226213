using System.Diagnostics;
using System.Text;
using Confluent.Kafka;

namespace NextBestAction.Kafka;

/// <summary>
/// W3C trace context through Kafka: a produce span (kind Producer) writes <c>traceparent</c> and <c>tracestate</c> into
/// the message headers, and the consumer continues that trace with a process span (kind Consumer). Attribute names follow
/// the OpenTelemetry messaging conventions; nothing from the payload, keys included, is recorded.
/// </summary>
public static class KafkaTracing
{
    public const string TraceParentHeader = "traceparent";
    public const string TraceStateHeader = "tracestate";

    /// <summary>Starts the span for sending one message to <paramref name="topic"/>; its parent is the current activity unless given.</summary>
    public static Activity? StartSend(ActivitySource source, string topic, ActivityContext parent = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var activity = source.StartActivity($"send {topic}", ActivityKind.Producer, parent);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.system", "kafka");
            activity.SetTag("messaging.operation.type", "send");
            activity.SetTag("messaging.destination.name", topic);
        }

        return activity;
    }

    /// <summary>Headers carrying <paramref name="activity"/>'s context (added to <paramref name="headers"/> when given); null without an activity.</summary>
    public static Headers? Inject(Activity? activity, Headers? headers = null)
    {
        if (activity is null)
        {
            return headers;
        }

        headers ??= [];
        headers.Remove(TraceParentHeader);
        headers.Add(TraceParentHeader, Encoding.ASCII.GetBytes(activity.Id!));
        if (!string.IsNullOrEmpty(activity.TraceStateString))
        {
            headers.Remove(TraceStateHeader);
            headers.Add(TraceStateHeader, Encoding.ASCII.GetBytes(activity.TraceStateString));
        }

        return headers;
    }

    /// <summary>The producer's context from the headers, or default when there is none or it does not parse.</summary>
    public static ActivityContext Extract(Headers? headers)
    {
        if (headers is null || !headers.TryGetLastBytes(TraceParentHeader, out var parent))
        {
            return default;
        }

        var state = headers.TryGetLastBytes(TraceStateHeader, out var stateBytes) ? Encoding.ASCII.GetString(stateBytes) : null;
        return ActivityContext.TryParse(Encoding.ASCII.GetString(parent), state, isRemote: true, out var context) ? context : default;
    }

    /// <summary>Starts the span for processing one consumed message, continuing the producer's trace and linked to the batch.</summary>
    public static Activity? StartProcess(ActivitySource source, string topic, int partition, long offset, ActivityContext producer, ActivityContext batch)
    {
        ArgumentNullException.ThrowIfNull(source);
        var links = batch == default ? null : new[] { new ActivityLink(batch) };
        var activity = source.StartActivity($"process {topic}", ActivityKind.Consumer, producer, links: links);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.system", "kafka");
            activity.SetTag("messaging.operation.type", "process");
            activity.SetTag("messaging.destination.name", topic);
            activity.SetTag("messaging.destination.partition.id", partition);
            activity.SetTag("messaging.kafka.offset", offset);
        }

        return activity;
    }
}
