using System.Text.RegularExpressions;
using NextBestAction.Testing;
using YamlDotNet.RepresentationModel;

namespace NextBestAction.IntegrationTests.Security;

/// <summary>docker-compose.yml of the repository, read as the security tests need it.</summary>
internal static partial class ComposeFile
{
    public static string Text => File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docker-compose.yml"));

    public static Dictionary<string, YamlMappingNode> Services()
    {
        var yaml = new YamlStream();
        using var reader = new StringReader(Text);
        yaml.Load(reader);
        var services = (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode).Children[new YamlScalarNode("services")];
        return services.Children.ToDictionary(kv => ((YamlScalarNode)kv.Key).Value!, kv => (YamlMappingNode)kv.Value, StringComparer.Ordinal);
    }

    /// <summary>The services built from this repository (nba-*).</summary>
    public static IEnumerable<string> BuiltServices() =>
        Services().Where(s => s.Value.Children.ContainsKey(new YamlScalarNode("build"))).Select(s => s.Key);

    /// <summary>A service's environment as written in the file (before interpolation).</summary>
    public static Dictionary<string, string> Environment(string service) =>
        Services()[service].Children.TryGetValue(new YamlScalarNode("environment"), out var environment)
            ? ((YamlMappingNode)environment).Children.ToDictionary(kv => ((YamlScalarNode)kv.Key).Value!, kv => ((YamlScalarNode)kv.Value).Value!, StringComparer.Ordinal)
            : [];

    public static IReadOnlyList<string> Ports(string service) =>
        Services()[service].Children.TryGetValue(new YamlScalarNode("ports"), out var ports)
            ? [.. ((YamlSequenceNode)ports).Children.Select(p => ((YamlScalarNode)p).Value!)]
            : [];

    /// <summary>The variables the file requires (<c>${NAME:?message}</c>).</summary>
    public static HashSet<string> RequiredVariables() =>
        [.. RequiredVariable().Matches(Text).Select(m => m.Groups["name"].Value)];

    /// <summary>A value as compose hands it to the container: <c>${NAME:?...}</c> from <paramref name="variables"/>, <c>$$</c> as <c>$</c>.</summary>
    public static string Interpolate(string value, Func<string, string> variables) =>
        RequiredVariable().Replace(value, m => variables(m.Groups["name"].Value)).Replace("$$", "$", StringComparison.Ordinal);

    [GeneratedRegex(@"\$\{(?<name>[A-Z0-9_]+):\?[^}]+\}")]
    public static partial Regex RequiredVariable();
}
