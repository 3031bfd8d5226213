using System.Text.Json;
using System.Text.RegularExpressions;
using NextBestAction.Testing;

namespace NextBestAction.UnitTests.Docs;

/// <summary>The catalog excerpt in docs/decisions.md shows the shipped catalog as it is: every value it shows is the file's.</summary>
public sealed partial class CatalogExcerptTests
{
    private static readonly JsonDocumentOptions CatalogJson = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    [Fact]
    public void DocsCatalogExcerpt_EqualsTheShippedCatalog()
    {
        using var excerpt = JsonDocument.Parse(CatalogExcerpt(), CatalogJson);
        using var shipped = JsonDocument.Parse(
            File.ReadAllText(Path.Combine(RepositoryPaths.Root, "src", "NextBestAction.Decisioning", "catalog", "actions.json")), CatalogJson);

        var compared = 0;
        foreach (var property in excerpt.RootElement.EnumerateObject())
        {
            Assert.True(shipped.RootElement.TryGetProperty(property.Name, out var shippedValue), $"the shipped catalog has no \"{property.Name}\"");
            if (property.Value.ValueKind == JsonValueKind.Array && property.Value.EnumerateArray().All(i => i.ValueKind == JsonValueKind.Object))
            {
                // Arrays of objects with ids (actions, suppressions): the excerpt shows some of them, each exactly.
                foreach (var item in property.Value.EnumerateArray())
                {
                    var id = item.GetProperty("id").GetString();
                    var match = shippedValue.EnumerateArray().SingleOrDefault(s => s.GetProperty("id").GetString() == id);
                    Assert.True(match.ValueKind == JsonValueKind.Object, $"the shipped catalog has no {property.Name} entry \"{id}\"");
                    Assert.True(JsonElement.DeepEquals(item, match), $"the excerpt's {property.Name} entry \"{id}\" differs from the file:\n{item}\n---\n{match}");
                    compared++;
                }
            }
            else
            {
                Assert.True(JsonElement.DeepEquals(property.Value, shippedValue), $"the excerpt's \"{property.Name}\" differs from the file:\n{property.Value}\n---\n{shippedValue}");
                compared++;
            }
        }

        Assert.True(compared >= 5, $"only {compared} parts of the excerpt were compared");
    }

    /// <summary>The JSON block of docs/decisions.md that is a catalog: it has a version and actions.</summary>
    private static string CatalogExcerpt()
    {
        var doc = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "decisions.md"));
        return JsonBlocks().Matches(doc).Select(m => m.Groups["body"].Value)
            .Single(body => body.Contains("\"version\"", StringComparison.Ordinal) && body.Contains("\"actions\"", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"^```json\n(?<body>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex JsonBlocks();
}
