using System.Collections;
using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;
using NextBestAction.Decisioning.Engine;

namespace NextBestAction.Decisioning.DecisionLog;

/// <summary>
/// The <c>data</c> of a <c>decision.logged</c> event on <c>nba.decisions</c>: inputs with the feature values
/// the engine used, every scored candidate, the chosen actions with their probabilities, and versions.
/// Enough to replay the decision, train on it and evaluate other policies off-line.
/// </summary>
public sealed record DecisionLogRecord(
    string DecisionId,
    string CustomerId,
    DateTimeOffset At,
    string? Touchpoint,
    string? Channel,
    bool Degraded,
    string ModelVersion,
    string CatalogVersion,
    string Policy,
    IReadOnlyList<EngineCartItem> Cart,
    [property: JsonConverter(typeof(FeatureValuesJsonConverter))] IReadOnlyDictionary<string, double> Features,
    Arbitration Arbitration,
    IReadOnlyList<LoggedCandidate> Candidates,
    IReadOnlyList<LoggedChoice> Chosen,
    int FilteredCount)
{
    /// <summary>
    /// <c>treatment</c> (served by the live model), <c>control</c> for the holdout group that gets the baseline policy, or
    /// <c>challenger</c> for the customers whose share of traffic the challenger model serves.
    /// </summary>
    public string Group { get; init; } = DecisionGroups.Treatment;

    /// <summary>What the other model (the challenger beside the champion, or the champion beside a serving challenger) chose on the same input; never shown.</summary>
    public ShadowDecision? Shadow { get; init; }
}

/// <summary>The experiment groups: the holdout's and the challenger's share of traffic.</summary>
public static class DecisionGroups
{
    public const string Treatment = "treatment";
    public const string Control = "control";
    public const string Challenger = "challenger";
}

/// <summary>
/// The shadow decision: the model that did not serve, run on the same input and exploration seed. Its picks with their
/// probabilities and its first-slot probability of every candidate (in its own ranking, summing to 1) make it an
/// exactly known policy on the logged decisions, so its own log can be replayed and compared with the served one.
/// </summary>
public sealed record ShadowDecision(string ModelVersion, IReadOnlyList<ShadowCandidate> Candidates, IReadOnlyList<LoggedChoice> Chosen);

/// <summary>A candidate as the shadow model ranked it: its propensity, score and probability of being shown first.</summary>
public sealed record ShadowCandidate(string ActionId, double Propensity, double Score, double Probability);

/// <summary>A candidate that passed every filter, in the policy's ranking, with its score parts and action-level feature values.</summary>
public sealed record LoggedCandidate(
    string ActionId,
    string Kind,
    double Propensity,
    double ContextWeight,
    double Value,
    double Lever,
    double Score,
    [property: JsonConverter(typeof(FeatureValuesJsonConverter))] IReadOnlyDictionary<string, double> Features)
{
    /// <summary>The probability the policy would have shown this candidate first; over all candidates they sum to 1.</summary>
    public double Probability { get; init; }
}

public sealed record LoggedChoice(string ActionId, int Rank, double Probability);

/// <summary>
/// The numeric attributes (<see cref="DecisionAttributes.Numeric"/>) the log records, in their order, split into
/// customer-level and action-level ones. Names, getters and JSON-encoded names are built once and shared by every
/// record; a record or candidate holds only its array of values.
/// </summary>
internal sealed class FeatureSchema
{
    private const string ActionPrefix = "action.";

    private readonly Func<RuleScope, double>[] getters;
    private readonly FrozenDictionary<string, int> indexOf;

    private FeatureSchema(IEnumerable<(string Name, Func<RuleScope, double> Get)> attributes)
    {
        var list = attributes.ToList();
        Names = [.. list.Select(a => a.Name)];
        EncodedNames = [.. Names.Select(n => JsonEncodedText.Encode(n))];
        getters = [.. list.Select(a => a.Get)];
        indexOf = Names.Select((name, i) => KeyValuePair.Create(name, i)).ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Attributes of the customer and the request; they never read the action.</summary>
    public static FeatureSchema Customer { get; } =
        new(DecisionAttributes.Numeric.Where(a => !a.Name.StartsWith(ActionPrefix, StringComparison.Ordinal)));

    /// <summary>Attributes of the action under consideration (<c>action.*</c>).</summary>
    public static FeatureSchema Action { get; } =
        new(DecisionAttributes.Numeric.Where(a => a.Name.StartsWith(ActionPrefix, StringComparison.Ordinal)));

    public string[] Names { get; }

    public JsonEncodedText[] EncodedNames { get; }

    public FeatureValues Read(RuleScope scope)
    {
        var values = new double[getters.Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = getters[i](scope);
        }

        return new FeatureValues(this, values);
    }

    public bool TryGetIndex(string name, out int index) => indexOf.TryGetValue(name, out index);
}

/// <summary>Feature values by name: the shared names of a <see cref="FeatureSchema"/> and one array of values.</summary>
internal sealed class FeatureValues(FeatureSchema schema, double[] values) : IReadOnlyDictionary<string, double>
{
    public FeatureSchema Schema => schema;

    public ReadOnlySpan<double> Values => values;

    public int Count => values.Length;

    public IEnumerable<string> Keys => schema.Names;

    IEnumerable<double> IReadOnlyDictionary<string, double>.Values => values;

    public double this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"no feature \"{key}\"");

    public bool ContainsKey(string key) => schema.TryGetIndex(key, out _);

    public bool TryGetValue(string key, out double value)
    {
        var found = schema.TryGetIndex(key, out var index);
        value = found ? values[index] : 0;
        return found;
    }

    public IEnumerator<KeyValuePair<string, double>> GetEnumerator()
    {
        for (var i = 0; i < values.Length; i++)
        {
            yield return KeyValuePair.Create(schema.Names[i], values[i]);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>
/// Writes feature values as a JSON object name -> value, byte for byte as the serializer writes a dictionary, but from
/// the shared pre-encoded names and the values array without enumerating key-value pairs. Reads any such object.
/// </summary>
internal sealed class FeatureValuesJsonConverter : JsonConverter<IReadOnlyDictionary<string, double>>
{
    /// <summary>
    /// Below this magnitude the writer formats a whole double as plain digits, exactly as the same long; larger ones
    /// (where the double formatter may choose exponent notation) are left to it.
    /// </summary>
    private const double PlainDigitsBelow = 1e15;

    public override IReadOnlyDictionary<string, double> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("feature values must be a JSON object of numbers");
        }

        var features = new Dictionary<string, double>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            reader.Read();
            features[name] = reader.GetDouble();
        }

        return features;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyDictionary<string, double> value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        if (value is FeatureValues features)
        {
            var names = features.Schema.EncodedNames;
            var values = features.Values;
            for (var i = 0; i < values.Length; i++)
            {
                WriteNumber(writer, names[i], values[i]);
            }
        }
        else
        {
            foreach (var (name, number) in value)
            {
                writer.WriteNumber(name, number);
            }
        }

        writer.WriteEndObject();
    }

    /// <summary>
    /// Most features are counts, flags or whole amounts; formatting those as integers skips the far costlier shortest
    /// round-trip search for doubles and gives the same text. Negative zero stays a double ("-0").
    /// </summary>
    private static void WriteNumber(Utf8JsonWriter writer, JsonEncodedText name, double value)
    {
        if (Math.Abs(value) < PlainDigitsBelow && value == Math.Truncate(value) && (value != 0 || !double.IsNegative(value)))
        {
            writer.WriteNumber(name, (long)value);
            return;
        }

        writer.WriteNumber(name, value);
    }
}
