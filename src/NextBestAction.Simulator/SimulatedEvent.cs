using System.Buffers;
using System.Text.Json;
using NextBestAction.Contracts;

namespace NextBestAction.Simulator;

/// <summary>One CloudEvent the simulator emits; <see cref="Data"/> is the contract's typed data for <see cref="Type"/>.</summary>
public sealed record SimulatedEvent(string Id, string Source, string Type, DateTimeOffset Time, string Subject, EventData Data)
{
    /// <summary>The input topic of this event's family (docs/contracts.md).</summary>
    public string TopicIn(TopicNames topics) => TopicFor(Type, topics);

    /// <summary>The input topic for events of <paramref name="type"/>.</summary>
    public static string TopicFor(string type, TopicNames topics)
    {
        ArgumentNullException.ThrowIfNull(topics);
        return topics.InputFor(type) ?? throw new ArgumentOutOfRangeException(nameof(type), type, "No input topic is defined for this event type.");
    }
}

/// <summary>
/// Writes a <see cref="SimulatedEvent"/> as a CloudEvents 1.0 structured-mode JSON document in UTF-8: the envelope by
/// hand, the data with the contract's source-generated metadata. Times are ISO-8601 UTC, money is a JSON number.
/// </summary>
public static class SimulatedEventJson
{
    public static byte[] ToUtf8Json(SimulatedEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var dataType = ContractsJsonContext.Default.GetTypeInfo(e.Data.GetType())
            ?? throw new InvalidOperationException($"{e.Data.GetType().Name} is not registered in {nameof(ContractsJsonContext)}.");

        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("specversion", "1.0");
            writer.WriteString("id", e.Id);
            writer.WriteString("source", e.Source);
            writer.WriteString("type", e.Type);
            writer.WriteString("time", e.Time.UtcDateTime);
            writer.WriteString("subject", e.Subject);
            writer.WriteString("datacontenttype", "application/json");
            writer.WritePropertyName("data");
            JsonSerializer.Serialize(writer, e.Data, dataType);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
