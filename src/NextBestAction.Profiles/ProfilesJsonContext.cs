using System.Text.Json.Serialization;

namespace NextBestAction.Profiles;

/// <summary>Source-generated JSON for the profile value stored in Redis.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CustomerProfile))]
[JsonSerializable(typeof(TemporaryData))]
public sealed partial class ProfilesJsonContext : JsonSerializerContext;
