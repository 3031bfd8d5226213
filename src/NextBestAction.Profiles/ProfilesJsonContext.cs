using System.Text.Json.Serialization;

namespace NextBestAction.Profiles;

/// <summary>Source-generated JSON for the values stored in Redis (times as UTC ticks, see <see cref="UtcTicksConverter"/>).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(UtcTicksConverter)])]
[JsonSerializable(typeof(CustomerProfile))]
[JsonSerializable(typeof(TemporaryData))]
public sealed partial class ProfilesJsonContext : JsonSerializerContext;
