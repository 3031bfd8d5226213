using System.Text.Json;
using System.Text.Json.Serialization;

namespace NextBestAction.Decisioning.Catalog;

/// <summary>The catalog file cannot be used; the message names the file, the action and the field.</summary>
public sealed class CatalogValidationException(string message) : Exception(message);

/// <summary>Reads and validates an action catalog file. All rules run at load time, never per request.</summary>
public static class CatalogLoader
{
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
        CatalogDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(json, CatalogJsonContext.Default.CatalogDocument);
        }
        catch (JsonException ex)
        {
            throw new CatalogValidationException($"{fileName}: {ex.Message}");
        }

        if (document is null)
        {
            throw new CatalogValidationException($"{fileName}: the file holds JSON null, expected {{\"version\":...,\"actions\":[...]}}");
        }

        var errors = Validate(document).Select(e => $"{fileName}: {e}").ToList();
        if (errors.Count > 0)
        {
            throw new CatalogValidationException(string.Join(Environment.NewLine, errors));
        }

        return new ActionCatalog(document.Version!, document.Actions!);
    }

    private static IEnumerable<string> Validate(CatalogDocument document)
    {
        if (string.IsNullOrWhiteSpace(document.Version))
        {
            yield return "version is required";
        }

        if (document.Actions is null || document.Actions.Count == 0)
        {
            yield return "actions must hold at least one action";
            yield break;
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < document.Actions.Count; i++)
        {
            var a = document.Actions[i];
            var where = string.IsNullOrWhiteSpace(a.Id) ? $"actions[{i}]" : $"action \"{a.Id}\"";
            if (string.IsNullOrWhiteSpace(a.Id))
            {
                yield return $"{where}: id is required";
            }
            else if (!ids.Add(a.Id))
            {
                yield return $"{where}: id is used by an earlier action";
            }

            if (!ActionKinds.All.Contains(a.Kind))
            {
                yield return $"{where}: kind must be one of {string.Join(", ", ActionKinds.All)}, was \"{a.Kind}\"";
            }

            if (string.IsNullOrWhiteSpace(a.Title))
            {
                yield return $"{where}: title is required";
            }

            if (!ActionTriggers.All.Contains(a.Trigger))
            {
                yield return $"{where}: trigger must be one of {string.Join(", ", ActionTriggers.All)}, was \"{a.Trigger}\"";
            }

            if (a.Trigger == ActionTriggers.CartProductLine && string.IsNullOrWhiteSpace(a.ProductLine))
            {
                yield return $"{where}: productLine is required for trigger {ActionTriggers.CartProductLine}";
            }

            if (a.Kind == ActionKinds.Bundle && (a.BundleProducts is null || a.BundleProducts.Count == 0))
            {
                yield return $"{where}: bundleProducts must list at least one product for a bundle";
            }

            if (a.Value is null or < 0)
            {
                yield return $"{where}: value is required and must not be negative";
            }

            if (a.Lever is <= 0)
            {
                yield return $"{where}: lever must be greater than 0";
            }

            if (a.DiscountPercent is < 0 or > 100)
            {
                yield return $"{where}: discountPercent must be between 0 and 100";
            }
        }
    }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(CatalogDocument))]
internal sealed partial class CatalogJsonContext : JsonSerializerContext;
