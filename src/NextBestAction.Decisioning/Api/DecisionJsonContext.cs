using System.Text.Json.Serialization;
using NextBestAction.Decisioning.Serving;

namespace NextBestAction.Decisioning.Api;

/// <summary>Source-generated JSON for the HTTP API; the decision-log and outcome events have <c>DecisionLogJsonContext</c> in the core.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DecisionRequest))]
[JsonSerializable(typeof(DecisionResponse))]
[JsonSerializable(typeof(OutcomeRequest))]
[JsonSerializable(typeof(OutcomeResponse))]
[JsonSerializable(typeof(CatalogStatus))]
[JsonSerializable(typeof(ModelStatus))]
[JsonSerializable(typeof(ProfileResponse))]
[JsonSerializable(typeof(DecisionAuditResponse))]
[JsonSerializable(typeof(NextBestAction.Profiles.Kpis.KpiReport))]
[JsonSerializable(typeof(NextBestAction.Decisioning.Privacy.CustomerExportDocument))]
[JsonSerializable(typeof(NextBestAction.Decisioning.Privacy.ConsentRequest))]
[JsonSerializable(typeof(NextBestAction.Decisioning.Privacy.RestrictionRequest))]
[JsonSerializable(typeof(NextBestAction.Decisioning.Privacy.ConsentAccepted))]
public sealed partial class DecisionJsonContext : JsonSerializerContext;
