using System.Reflection;
using System.Text.RegularExpressions;
using NextBestAction.Contracts;
using NextBestAction.Profiles;
using NextBestAction.Testing;

namespace NextBestAction.IntegrationTests.Docs;

/// <summary>The README and docs/ travel with the repository: every link resolves inside it, every setting is documented.</summary>
public sealed partial class DocumentationTests
{
    private const string ConfigurationDoc = "docs/configuration.md";

    [Fact]
    public void ReadmeAndDocs_LinkOnlyToFilesInTheRepository()
    {
        var root = RepositoryPaths.Root;
        var documents = Directory.GetFiles(Path.Combine(root, "docs"), "*.md").Append(Path.Combine(root, "README.md"));
        var broken = new List<string>();
        foreach (var document in documents)
        {
            var text = File.ReadAllText(document);
            Assert.DoesNotContain("shared/", text, StringComparison.Ordinal);
            foreach (Match link in MarkdownLink().Matches(text))
            {
                var target = link.Groups["target"].Value.Split('#')[0];
                if (target.Length == 0)
                {
                    continue;
                }

                var resolved = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(document)!, target));
                if (target.Contains("://", StringComparison.Ordinal) || !resolved.StartsWith(root, StringComparison.Ordinal)
                    || !(File.Exists(resolved) || Directory.Exists(resolved)))
                {
                    broken.Add($"{Path.GetRelativePath(root, document)}: {link.Value}");
                }
            }
        }

        Assert.Empty(broken);
    }

    [Fact]
    public void ContractsDoc_ListsEveryEventTypeAndTopic()
    {
        var doc = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "contracts.md"));
        var types = typeof(EventTypes).GetFields().Select(f => (string)f.GetValue(null)!);
        var topics = new TopicNames().All;

        var missing = types.Concat(topics).Where(name => !doc.Contains($"`{name}`", StringComparison.Ordinal)).ToList();

        Assert.True(missing.Count == 0, $"docs/contracts.md does not name: {string.Join(", ", missing)}");
    }

    [Fact]
    public void ProfileDoc_ListsEveryKeyFamily()
    {
        var doc = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "profile.md"));

        Assert.All(CustomerKeyFamilies.All, family => Assert.Contains(family.Name, doc, StringComparison.Ordinal));
    }

    [Fact]
    public void ConfigurationDoc_ListsEverySetting()
    {
        var doc = File.ReadAllText(Path.Combine(RepositoryPaths.Root, ConfigurationDoc));

        var settings = OptionsTypes().SelectMany(t => Settings(t, (string)t.GetField("Section")!.GetValue(null)!)).ToList();
        // Dictionaries and lists are documented by their entries (`Kafka:Consumer:<librdkafka setting>`, `...:Scopes:M`).
        var missing = settings.Where(s => !doc.Contains($"`{s}`", StringComparison.Ordinal) && !doc.Contains($"`{s}:", StringComparison.Ordinal)).ToList();

        Assert.True(settings.Count > 80, $"only {settings.Count} settings found");
        Assert.True(missing.Count == 0, $"{ConfigurationDoc} does not list: {string.Join(", ", missing)}");
    }

    /// <summary>Every options class of the service's assemblies: the ones with a <c>Section</c> constant.</summary>
    private static IEnumerable<Type> OptionsTypes() =>
        new[] { typeof(KafkaOptions), typeof(Program), typeof(NextBestAction.Decisioning.DecisionOptions),
                typeof(NextBestAction.Ingestion.IngestionOptions), typeof(NextBestAction.Notifications.NotificationOptions),
                typeof(NextBestAction.Profiles.RedisOptions), typeof(NextBestAction.ServiceDefaults.TelemetryOptions),
                typeof(NextBestAction.Simulator.SimulatorOptions), typeof(NextBestAction.OperatorConsole.ConsoleOptions) }
            .Select(t => t.Assembly).Distinct()
            .SelectMany(a => a.GetTypes())
            .Where(t => t.GetField("Section", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true });

    /// <summary>
    /// The configuration keys of an options type: scalar properties, dictionaries and lists of values by name, and the
    /// properties of nested option objects by their path (list items as <c>Name:N</c>).
    /// </summary>
    private static IEnumerable<string> Settings(Type type, string prefix)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            var key = $"{prefix}:{property.Name}";
            var kind = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            var dictionary = kind.GetInterfaces().Append(kind).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>));
            var item = kind.IsArray ? kind.GetElementType()
                : kind.GetInterfaces().Append(kind).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];
            if (dictionary is not null)
            {
                yield return key;
            }
            else if (IsScalar(kind) || (item is not null && IsScalar(item)))
            {
                yield return key;
            }
            else
            {
                foreach (var nested in Settings(item ?? kind, item is null ? key : key + ":N"))
                {
                    yield return nested;
                }
            }
        }
    }

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan) || type == typeof(DateTimeOffset);

    [GeneratedRegex(@"\[[^\]]*\]\((?<target>[^)\s]+)\)")]
    private static partial Regex MarkdownLink();
}
