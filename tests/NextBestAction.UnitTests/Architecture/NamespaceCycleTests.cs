using System.Text.RegularExpressions;
using NextBestAction.Testing;

namespace NextBestAction.UnitTests.Architecture;

/// <summary>
/// The decision namespaces (one per folder, shared by the web project and the core) use each other in one direction:
/// Api and Warmup on top, then Serving, DecisionLog, Models, Catalog, Engine, Rules. Read from the using directives.
/// Catalog and Engine are the one pair allowed to use each other: catalog rules are compiled against the engine's rule
/// scope, and the engine ranks catalog actions, so splitting them would need a catalog generic over its scope.
/// </summary>
public sealed partial class NamespaceCycleTests
{
    private static readonly (string, string)[] AllowedPairs = [("Catalog", "Engine")];

    [Fact]
    public void DecisionNamespaces_UseEachOtherInOneDirection()
    {
        var uses = NamespaceUses();
        var cycles = new List<string>();
        foreach (var (from, targets) in uses)
        {
            foreach (var to in targets)
            {
                if (string.CompareOrdinal(from, to) < 0 && Reaches(uses, to, from) && !Allowed(from, to))
                {
                    cycles.Add($"{from} <-> {to}");
                }
            }
        }

        Assert.Empty(cycles);
    }

    [Fact]
    public void NamespaceUses_SeesTheKnownEdges()
    {
        // Guards the test above: without these edges it would pass on an empty graph.
        var uses = NamespaceUses();

        Assert.Contains("Engine", uses["Api"]);
        Assert.Contains("DecisionLog", uses["Serving"]);
        Assert.Contains("Catalog", uses["Engine"]);
    }

    private static bool Allowed(string a, string b) =>
        AllowedPairs.Any(pair => (pair.Item1 == a && pair.Item2 == b) || (pair.Item1 == b && pair.Item2 == a));

    /// <summary>Whether <paramref name="from"/> reaches <paramref name="to"/> through one or more uses.</summary>
    private static bool Reaches(Dictionary<string, HashSet<string>> uses, string from, string to)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([from]);
        while (pending.TryPop(out var current))
        {
            if (current == to)
            {
                return true;
            }

            if (seen.Add(current) && uses.TryGetValue(current, out var next))
            {
                foreach (var target in next)
                {
                    pending.Push(target);
                }
            }
        }

        return false;
    }

    /// <summary>For each decision namespace, the other decision namespaces its files name in using directives.</summary>
    private static Dictionary<string, HashSet<string>> NamespaceUses()
    {
        var uses = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var project in new[] { "NextBestAction.Decisioning", "NextBestAction.Decisioning.Core" })
        {
            var directory = Path.Combine(RepositoryPaths.Root, "src", project);
            foreach (var file in Directory.EnumerateFiles(directory, "*.cs", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(directory, file);
                if (relative.StartsWith("bin", StringComparison.Ordinal) || relative.StartsWith("obj", StringComparison.Ordinal))
                {
                    continue;
                }

                var text = File.ReadAllText(file);
                var declared = DeclaredNamespace().Match(text);
                if (!declared.Success)
                {
                    continue;
                }

                var own = declared.Groups[1].Value;
                if (!uses.TryGetValue(own, out var targets))
                {
                    targets = new HashSet<string>(StringComparer.Ordinal);
                    uses[own] = targets;
                }

                foreach (Match used in UsedNamespace().Matches(text))
                {
                    if (used.Groups[1].Value != own)
                    {
                        targets.Add(used.Groups[1].Value);
                    }
                }
            }
        }

        return uses;
    }

    [GeneratedRegex(@"^namespace NextBestAction\.Decisioning\.([A-Za-z]+);", RegexOptions.Multiline)]
    private static partial Regex DeclaredNamespace();

    [GeneratedRegex(@"^using NextBestAction\.Decisioning\.([A-Za-z]+);", RegexOptions.Multiline)]
    private static partial Regex UsedNamespace();
}
