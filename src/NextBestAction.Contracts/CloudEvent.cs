using System.Text.Json;
using System.Text.Json.Serialization;

namespace NextBestAction.Contracts;

/// <summary>A CloudEvents 1.0 envelope in structured JSON mode, as it arrives on an input topic.</summary>
public sealed record CloudEvent
{
    [JsonPropertyName("specversion")] public string? SpecVersion { get; init; }
    [JsonPropertyName("id")] public string? Id { get; init; }
    [JsonPropertyName("source")] public string? Source { get; init; }
    [JsonPropertyName("type")] public string? Type { get; init; }
    [JsonPropertyName("time")] public DateTimeOffset? Time { get; init; }
    [JsonPropertyName("subject")] public string? Subject { get; init; }
    [JsonPropertyName("datacontenttype")] public string? DataContentType { get; init; }
    [JsonPropertyName("data")] public JsonElement Data { get; init; }
}

/// <summary>A CloudEvent this service writes (notifications, decision log).</summary>
public sealed record OutgoingCloudEvent<TData>(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("time")] DateTimeOffset Time,
    [property: JsonPropertyName("subject")] string Subject,
    [property: JsonPropertyName("data")] TData Data)
{
    [JsonPropertyName("specversion")] public string SpecVersion => "1.0";
    [JsonPropertyName("datacontenttype")] public string DataContentType => "application/json";
}
