using System.Globalization;
using System.Text.Json;

namespace NextBestAction.Decisioning.Models;

/// <summary>Reading a <c>model.json</c>: parsing, refusing unknown fields, and turning the serializer's errors into the API's terms.</summary>
public sealed partial class TreeEnsembleModel
{
    /// <summary>Reads and validates a <c>model.json</c>; every problem is reported with the file and the field.</summary>
    public static TreeEnsembleModel Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new ModelArtifactException(["model file not found"], path);
        }

        return Parse(File.ReadAllBytes(path), path);
    }

    /// <param name="utf8Json">The document.</param>
    /// <param name="source">Names the document in errors, usually its path.</param>
    public static TreeEnsembleModel Parse(ReadOnlySpan<byte> utf8Json, string source = "model.json")
    {
        TreeEnsembleArtifact? artifact;
        try
        {
            var reader = new Utf8JsonReader(utf8Json);
            using (var document = JsonDocument.ParseValue(ref reader))
            {
                var unknown = UnknownFields(document.RootElement);
                if (unknown.Count > 0)
                {
                    throw new ModelArtifactException(unknown, source);
                }
            }

            artifact = JsonSerializer.Deserialize(utf8Json, ModelJsonContext.Default.TreeEnsembleArtifact);
        }
        catch (JsonException ex)
        {
            throw new ModelArtifactException([Describe(ex)], source);
        }

        return artifact is null
            ? throw new ModelArtifactException(["the document is JSON null; expected an object with format, version, features, trees, ..."], source)
            : FromArtifact(artifact, source);
    }

    /// <summary>Validates an artifact (as read, or as built by the trainer) and flattens it for evaluation.</summary>
    public static TreeEnsembleModel FromArtifact(TreeEnsembleArtifact artifact, string source = "model.json")
    {
        ArgumentNullException.ThrowIfNull(artifact);
        var errors = new List<string>();
        CheckHeader(artifact, errors);
        var featureCount = artifact.Features?.Count ?? 0;
        Flattened? flat = null;
        if (artifact.Trees is null)
        {
            errors.Add("trees is required");
        }
        else if (artifact.Trees.Count == 0)
        {
            errors.Add("trees: at least one tree is required");
        }
        else if (artifact.Features is not null)
        {
            flat = Flatten(artifact.Trees, featureCount, artifact.Bias ?? 0, errors);
        }

        if (errors.Count > MaxReportedErrors)
        {
            var more = errors.Count - MaxReportedErrors;
            errors.RemoveRange(MaxReportedErrors, more);
            errors.Add($"... and {more} more");
        }

        return errors.Count > 0 ? throw new ModelArtifactException(errors, source) : new TreeEnsembleModel(artifact, flat!);
    }


    /// <summary>Fields this format does not define, so a misspelt one is refused rather than silently ignored.</summary>
    private static List<string> UnknownFields(JsonElement root)
    {
        var errors = new List<string>();
        if (root.ValueKind == JsonValueKind.Null)
        {
            return errors;
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"the document must be a JSON object, was {root.ValueKind}");
            return errors;
        }

        Check(root, "", TopLevelFields);
        if (root.TryGetProperty("link", out var link) && link.ValueKind == JsonValueKind.Object)
        {
            Check(link, "link.", LinkFields);
        }

        if (root.TryGetProperty("trees", out var trees) && trees.ValueKind == JsonValueKind.Array)
        {
            var t = 0;
            foreach (var tree in trees.EnumerateArray())
            {
                if (tree.ValueKind == JsonValueKind.Object)
                {
                    Check(tree, $"trees[{t}].", TreeFields);
                }

                t++;
            }
        }

        return errors;

        void Check(JsonElement element, string prefix, string[] known)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (Array.IndexOf(known, property.Name) < 0)
                {
                    errors.Add($"{prefix}{property.Name}: unknown field (known: {string.Join(", ", known)})");
                }
            }
        }
    }

    /// <summary>"trees[0].threshold[1]: The JSON value could not be converted ... (line 3)" from the serializer's exception.</summary>
    private static string Describe(JsonException ex)
    {
        var field = ex.Path is null or "$" ? "(document)" : ex.Path.StartsWith("$.", StringComparison.Ordinal) ? ex.Path[2..] : ex.Path;
        var reason = ex.Message;
        var cut = reason.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut > 0)
        {
            reason = reason[..cut];
        }

        var line = ex.LineNumber is { } l ? string.Create(CultureInfo.InvariantCulture, $" (line {l + 1})") : "";
        return $"{field}: not valid here: {reason}{line}";
    }

    private static string Quote(string? value) => value is null ? "missing" : $"\"{value}\"";
}
