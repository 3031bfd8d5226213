using System.Text.Json;
using System.Text.Json.Serialization;

namespace NextBestAction.Profiles;

/// <summary>
/// Stores a time as its UTC ticks: a third of the ISO-8601 text and lossless, which matters in a value read
/// and written on every event. Only the Redis format uses it; the HTTP API shows ISO-8601.
/// </summary>
internal sealed class UtcTicksConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        new(reader.GetInt64(), TimeSpan.Zero);

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteNumberValue(value.UtcTicks);
}
