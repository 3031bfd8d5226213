using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using NextBestAction.Decisioning.Engine;
using NextBestAction.Decisioning.Rules;

namespace NextBestAction.Decisioning.Catalog;

/// <summary>The catalog file cannot be used; the message names the file, the action and the field.</summary>
public sealed class CatalogValidationException(string message) : Exception(message);

/// <summary>
/// Reads, validates and compiles an action catalog file. Every rule is parsed and type-checked here, never
/// per request; every error names the file, the action and the field, and all errors are reported at once.
/// </summary>
public static class CatalogLoader
{
    public const int MaxCooldownHours = 720;

    /// <summary>Longest touch point or channel name: each becomes a metric label and a Redis field.</summary>
    public const int MaxNameLength = 32;
    private const int HashHexLength = 8;

    public static ActionCatalog Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new CatalogValidationException($"{path}: catalog file not found (setting Decisions:CatalogPath)");
        }

        return Parse(File.ReadAllBytes(path), path);
    }

    public static ActionCatalog Parse(ReadOnlySpan<byte> json, string fileName)
    {
        var errors = new List<string>();
        CatalogDocument? document;
        try
        {
            using (var tree = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }))
            {
                errors.AddRange(UnknownFields(tree.RootElement));
            }

            document = errors.Count > 0 ? null : JsonSerializer.Deserialize(json, CatalogJsonContext.Default.CatalogDocument);
        }
        catch (JsonException ex)
        {
            throw new CatalogValidationException($"{fileName}: not valid catalog JSON: {ex.Message}");
        }

        if (errors.Count == 0 && document is null)
        {
            errors.Add("the file holds JSON null, expected {\"version\":...,\"actions\":[...]}");
        }

        var catalog = document is null ? null : Build(document, Convert.ToHexStringLower(SHA256.HashData(json))[..HashHexLength], errors);
        if (errors.Count > 0)
        {
            throw new CatalogValidationException(string.Join(Environment.NewLine, errors.Select(e => $"{fileName}: {e}")));
        }

        return catalog!;
    }

    private static ActionCatalog? Build(CatalogDocument document, string contentHash, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(document.Version))
        {
            errors.Add("version is required");
        }

        var policy = document.ContactPolicy ?? new CatalogContactPolicy();
        var consentMode = policy.MarketingConsent switch
        {
            null or "optOut" => MarketingConsentMode.OptOut,
            "optIn" => MarketingConsentMode.OptIn,
            _ => Error(errors, $"contactPolicy.marketingConsent must be optIn or optOut, was \"{policy.MarketingConsent}\"", MarketingConsentMode.OptOut),
        };
        CheckCap(errors, "contactPolicy.maxPerDayOverall", policy.MaxPerDayOverall);
        CheckCap(errors, "contactPolicy.maxPerWeekOverall", policy.MaxPerWeekOverall);
        var defaults = policy.Defaults ?? new ActionContactPolicy();
        CheckActionPolicy(errors, "contactPolicy.defaults", defaults);

        foreach (var (touchpoint, byKind) in document.ContextWeights ?? [])
        {
            foreach (var (kind, weight) in byKind ?? [])
            {
                if (!ActionKinds.All.Contains(kind))
                {
                    errors.Add($"contextWeights.{touchpoint}: \"{kind}\" is not an action kind ({string.Join(", ", ActionKinds.All)})");
                }
                else if (weight is <= 0 or > 100 || double.IsNaN(weight))
                {
                    errors.Add($"contextWeights.{touchpoint}.{kind}: must be greater than 0 and at most 100");
                }
            }
        }

        var touchpoints = Names(errors, "touchpoints", "touch point", document.Touchpoints, (document.ContextWeights ?? []).Keys);
        if (document.Touchpoints is not null)
        {
            foreach (var touchpoint in (document.ContextWeights ?? []).Keys.Where(t => !touchpoints.Contains(t)))
            {
                errors.Add($"contextWeights.{touchpoint}: \"{touchpoint}\" is not one of the touchpoints ({string.Join(", ", touchpoints)})");
            }
        }

        var channels = Names(errors, "channels", "channel", document.Channels,
            (document.Actions ?? []).SelectMany(a => a?.Channels ?? []).Where(c => !string.IsNullOrWhiteSpace(c)));
        var suppressions = BuildSuppressions(document.Suppressions ?? [], errors);
        var actions = BuildActions(document.Actions, defaults, document.Channels is null ? null : channels, errors);
        return errors.Count > 0
            ? null
            : new ActionCatalog($"{document.Version}+{contentHash}", actions, suppressions,
                document.ContextWeights ?? [], policy.MaxPerDayOverall, policy.MaxPerWeekOverall, consentMode, touchpoints, channels);
    }

    /// <summary>The declared touch points or channels, checked; when not declared, the ones the catalog uses.</summary>
    private static List<string> Names(List<string> errors, string field, string noun, IReadOnlyList<string>? declared, IEnumerable<string> used)
    {
        if (declared is null)
        {
            return [.. used.Distinct(StringComparer.Ordinal)];
        }

        if (declared.Count == 0)
        {
            errors.Add($"{field} must name at least one {noun}, or be left out");
        }

        var names = new List<string>();
        for (var i = 0; i < declared.Count; i++)
        {
            var name = declared[i];
            if (name is not { Length: >= 1 and <= MaxNameLength } || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                errors.Add($"{field}[{i}]: must be 1 to {MaxNameLength} letters, digits, - or _");
            }
            else if (names.Contains(name))
            {
                errors.Add($"{field}: \"{name}\" is listed twice");
            }
            else
            {
                names.Add(name);
            }
        }

        return names;
    }

    private static List<Suppression> BuildSuppressions(IReadOnlyList<SuppressionDefinition> definitions, List<string> errors)
    {
        var result = new List<Suppression>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < definitions.Count; i++)
        {
            var d = definitions[i];
            var where = string.IsNullOrWhiteSpace(d.Id) ? $"suppressions[{i}]" : $"suppression \"{d.Id}\"";
            var before = errors.Count;
            if (string.IsNullOrWhiteSpace(d.Id))
            {
                errors.Add($"{where}: id is required");
            }
            else if (!ids.Add(d.Id))
            {
                errors.Add($"{where}: id is used by an earlier suppression");
            }

            if (d.AppliesTo is not (ActionKinds.Service or ActionKinds.Bundle or Suppression.AnyKind))
            {
                errors.Add($"{where}: appliesTo must be service, bundle or any, was \"{d.AppliesTo}\"");
            }

            if (string.IsNullOrWhiteSpace(d.Reason))
            {
                errors.Add($"{where}: reason is required (it explains the suppression in debug output)");
            }

            var rule = CompileRule(errors, $"{where}: when", d.When);
            if (rule is not null && errors.Count == before)
            {
                result.Add(new Suppression(d.Id!, d.AppliesTo!, rule, d.Reason!));
            }
        }

        return result;
    }

    private static List<CatalogAction> BuildActions(
        IReadOnlyList<ActionDefinition>? definitions, ActionContactPolicy defaults, IReadOnlyList<string>? declaredChannels, List<string> errors)
    {
        var result = new List<CatalogAction>();
        if (definitions is null || definitions.Count == 0)
        {
            errors.Add("actions must hold at least one action");
            return result;
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < definitions.Count; i++)
        {
            var a = definitions[i];
            var where = string.IsNullOrWhiteSpace(a.Id) ? $"actions[{i}]" : $"action \"{a.Id}\"";
            var before = errors.Count;
            if (string.IsNullOrWhiteSpace(a.Id))
            {
                errors.Add($"{where}: id is required");
            }
            else if (!ids.Add(a.Id))
            {
                errors.Add($"{where}: id is used by an earlier action");
            }

            if (!ActionKinds.All.Contains(a.Kind))
            {
                errors.Add($"{where}: kind must be one of {string.Join(", ", ActionKinds.All)}, was \"{a.Kind}\"");
            }

            if (string.IsNullOrWhiteSpace(a.Title))
            {
                errors.Add($"{where}: title is required");
            }

            if (a.Kind == ActionKinds.Bundle && string.IsNullOrWhiteSpace(a.ProductLine))
            {
                errors.Add($"{where}: productLine is required for a bundle (a bundle is a product from the same line)");
            }

            if (a.Kind == ActionKinds.Bundle && (a.BundleProducts is null || a.BundleProducts.Count == 0))
            {
                errors.Add($"{where}: bundleProducts must list at least one product for a bundle");
            }

            if (a.Value is null or < 0 || double.IsNaN(a.Value ?? 0))
            {
                errors.Add($"{where}: value is required and must not be negative");
            }

            if (a.Lever is <= 0 or > 100)
            {
                errors.Add($"{where}: lever must be greater than 0 and at most 100");
            }

            if (a.DiscountPercent is < 0 or > 100)
            {
                errors.Add($"{where}: discountPercent must be between 0 and 100");
            }

            if (a.Price is < 0)
            {
                errors.Add($"{where}: price must not be negative");
            }

            if (a.Channels is { Count: 0 } || a.Channels?.Any(string.IsNullOrWhiteSpace) == true)
            {
                errors.Add($"{where}: channels must name at least one channel, or be left out for every channel");
            }

            foreach (var channel in (a.Channels ?? []).Where(c => declaredChannels is not null && !string.IsNullOrWhiteSpace(c) && !declaredChannels.Contains(c)))
            {
                errors.Add($"{where}: channels: \"{channel}\" is not one of the catalog's channels ({string.Join(", ", declaredChannels!)})");
            }

            if (a.ValidFrom is { } from && a.ValidTo is { } to && to <= from)
            {
                errors.Add($"{where}: validTo must be after validFrom");
            }

            var policy = a.ContactPolicy ?? new ActionContactPolicy();
            CheckActionPolicy(errors, $"{where}: contactPolicy", policy);

            var rules = new List<CompiledRule<RuleScope>>();
            var eligibility = a.Eligibility ?? [];
            if (eligibility.Count == 0)
            {
                errors.Add($"{where}: eligibility must hold at least one rule (write [\"true\"] for an action open to everyone)");
            }

            for (var r = 0; r < eligibility.Count; r++)
            {
                if (CompileRule(errors, $"{where}: eligibility[{r}]", eligibility[r]) is { } rule)
                {
                    rules.Add(rule);
                }
            }

            if (errors.Count > before)
            {
                continue;
            }

            var cooldownHours = policy.CooldownAfterDeclineHours ?? defaults.CooldownAfterDeclineHours ?? 0;
            result.Add(new CatalogAction
            {
                Index = result.Count,
                Id = a.Id!,
                Kind = a.Kind!,
                Title = a.Title!,
                ProductLine = a.ProductLine,
                BundleProducts = a.BundleProducts ?? [],
                DiscountPercent = a.DiscountPercent ?? 0,
                Price = a.Price,
                Value = a.Value!.Value,
                Lever = a.Lever ?? 1.0,
                Channels = a.Channels?.ToFrozenSet(StringComparer.Ordinal),
                ValidFrom = a.ValidFrom,
                ValidTo = a.ValidTo,
                Marketing = a.Marketing ?? a.Kind == ActionKinds.Bundle,
                Eligibility = rules,
                MaxPerDay = policy.MaxPerDay ?? defaults.MaxPerDay,
                MaxPerWeek = policy.MaxPerWeek ?? defaults.MaxPerWeek,
                CooldownAfterDecline = TimeSpan.FromHours(cooldownHours),
            });
        }

        return result;
    }

    private static CompiledRule<RuleScope>? CompileRule(List<string> errors, string where, string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            errors.Add($"{where}: the rule is empty");
            return null;
        }

        try
        {
            return RuleCompiler.Compile(text, DecisionAttributes.Schema);
        }
        catch (RuleSyntaxException ex)
        {
            errors.Add($"{where}: {ex.Message} (rule \"{text}\", column {ex.Column})");
            return null;
        }
    }

    private static void CheckActionPolicy(List<string> errors, string where, ActionContactPolicy policy)
    {
        CheckCap(errors, $"{where}.maxPerDay", policy.MaxPerDay);
        CheckCap(errors, $"{where}.maxPerWeek", policy.MaxPerWeek);
        if (policy.CooldownAfterDeclineHours is < 0 or > MaxCooldownHours)
        {
            errors.Add($"{where}.cooldownAfterDeclineHours must be between 0 and {MaxCooldownHours}");
        }
    }

    private static void CheckCap(List<string> errors, string field, int? cap)
    {
        if (cap is < 0)
        {
            errors.Add($"{field} must not be negative");
        }
    }

    private static T Error<T>(List<string> errors, string message, T fallback)
    {
        errors.Add(message);
        return fallback;
    }

    /// <summary>
    /// Unknown fields are refused by name, with the action they sit in: a misspelt "eligibilty" would otherwise
    /// silently make an action open to everyone.
    /// </summary>
    private static IEnumerable<string> UnknownFields(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            yield break;
        }

        foreach (var e in Unknown(root, CatalogJsonContext.Default.CatalogDocument, "the catalog"))
        {
            yield return e;
        }

        if (root.TryGetProperty("contactPolicy", out var policy))
        {
            foreach (var e in Unknown(policy, CatalogJsonContext.Default.CatalogContactPolicy, "contactPolicy"))
            {
                yield return e;
            }

            if (policy.ValueKind == JsonValueKind.Object && policy.TryGetProperty("defaults", out var defaults))
            {
                foreach (var e in Unknown(defaults, CatalogJsonContext.Default.ActionContactPolicy, "contactPolicy.defaults"))
                {
                    yield return e;
                }
            }
        }

        foreach (var (element, _, where) in Items(root, "suppressions", "suppression"))
        {
            foreach (var e in Unknown(element, CatalogJsonContext.Default.SuppressionDefinition, where))
            {
                yield return e;
            }
        }

        foreach (var (element, _, where) in Items(root, "actions", "action"))
        {
            foreach (var e in Unknown(element, CatalogJsonContext.Default.ActionDefinition, where))
            {
                yield return e;
            }

            if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty("contactPolicy", out var actionPolicy))
            {
                foreach (var e in Unknown(actionPolicy, CatalogJsonContext.Default.ActionContactPolicy, $"{where}: contactPolicy"))
                {
                    yield return e;
                }
            }
        }
    }

    private static IEnumerable<(JsonElement Element, int Index, string Where)> Items(JsonElement root, string property, string noun)
    {
        if (!root.TryGetProperty(property, out var array) || array.ValueKind != JsonValueKind.Array)
        {
            yield break;
        }

        var index = 0;
        foreach (var element in array.EnumerateArray())
        {
            var id = element.ValueKind == JsonValueKind.Object && element.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String
                ? idElement.GetString()
                : null;
            yield return (element, index, id is null ? $"{property}[{index}]" : $"{noun} \"{id}\"");
            index++;
        }
    }

    private static IEnumerable<string> Unknown(JsonElement element, JsonTypeInfo type, string where)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            yield break;
        }

        var known = type.Properties.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (!known.Contains(property.Name))
            {
                yield return $"{where}: unknown field \"{property.Name}\" (known fields: {string.Join(", ", known.Order(StringComparer.Ordinal))})";
            }
        }
    }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(CatalogDocument))]
internal sealed partial class CatalogJsonContext : JsonSerializerContext;
