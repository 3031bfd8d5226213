using System.Text.Json.Serialization;
using NextBestAction.Decisioning.Engine;
using NextBestAction.Profiles;

namespace NextBestAction.Decisioning.Api;

/// <summary>Source-generated JSON for the HTTP API.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DecisionRequest))]
[JsonSerializable(typeof(DecisionResponse))]
[JsonSerializable(typeof(ProfileResponse))]
[JsonSerializable(typeof(NextBestAction.Profiles.Kpis.KpiReport))]
public sealed partial class DecisionJsonContext : JsonSerializerContext;
