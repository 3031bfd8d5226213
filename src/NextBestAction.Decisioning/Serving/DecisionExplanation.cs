using System.Text.Json;
using System.Text.Json.Serialization;
using NextBestAction.Decisioning.DecisionLog;
using NextBestAction.Decisioning.Engine;

namespace NextBestAction.Decisioning.Serving;

/// <summary>
/// Why a decision came out as it did, kept with the decision for the outcome window so the service desk can answer
/// "why did I get this offer" (GDPR Art. 22) and an export can show it: the actions shown with their reasons and
/// feature contributions, the service-versus-bundle arbitration, the versions and policy that decided, and the
/// request's cart (the one input a decision has that the profile does not keep, so a what-if can replay it).
/// </summary>
public sealed record DecisionExplanation(
    string? Channel,
    bool Degraded,
    string ModelVersion,
    string CatalogVersion,
    string Policy,
    string Group,
    Arbitration Arbitration,
    IReadOnlyList<ChosenAction> Actions)
{
    public static DecisionExplanation Of(ServedDecision served)
    {
        ArgumentNullException.ThrowIfNull(served);
        return new DecisionExplanation(served.Channel, served.Degraded, served.ModelVersion, served.CatalogVersion, served.Policy, served.Group,
            served.Decision.Arbitration, served.Decision.Actions)
        {
            Cart = served.Cart.Count > 0 ? served.Cart : null,
        };
    }

    /// <summary>The cart lines the request carried; absent when it carried none (and in explanations kept before there was this field).</summary>
    public IReadOnlyList<EngineCartItem>? Cart { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, DecisionExplanationJsonContext.Default.DecisionExplanation);

    /// <summary>The stored explanation, or null when the text is not one (never expected; a reader then shows none).</summary>
    public static DecisionExplanation? FromJson(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(json, DecisionExplanationJsonContext.Default.DecisionExplanation);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DecisionExplanation))]
internal sealed partial class DecisionExplanationJsonContext : JsonSerializerContext;
