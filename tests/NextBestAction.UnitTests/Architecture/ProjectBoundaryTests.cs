using System.Xml.Linq;
using NextBestAction.Testing;

namespace NextBestAction.UnitTests.Architecture;

/// <summary>
/// The compile-time boundary, read from the project files: only the hosts, the decision web project, the operator
/// console and ServiceDefaults take the ASP.NET Core shared framework, no other project reaches it through a project it references
/// (so Training and the simulator run without a web server), and the pure core and profile projects reach no Redis,
/// Kafka or ASP.NET Core package, directly or through a project they reference.
/// </summary>
public sealed class ProjectBoundaryTests
{
    private const string AspNetCoreFramework = "Microsoft.AspNetCore.App";

    private static readonly string[] MayUseAspNetCore =
    [
        "NextBestAction.Server",
        "NextBestAction.DecisionApi",
        "NextBestAction.IngestionWorker",
        "NextBestAction.Decisioning",
        "NextBestAction.OperatorConsole",
        "NextBestAction.ServiceDefaults",
    ];

    private static readonly string[] PureProjects = ["NextBestAction.Decisioning.Core", "NextBestAction.Profiles"];

    private static readonly string[] InfrastructurePackagePrefixes = ["StackExchange.Redis", "Confluent.Kafka", "Microsoft.AspNetCore."];

    private static string SourceDirectory => Path.Combine(RepositoryPaths.Root, "src");

    private static IEnumerable<string> SourceProjects() =>
        Directory.EnumerateFiles(SourceDirectory, "*.csproj", SearchOption.AllDirectories);

    [Fact]
    public void AspNetCoreFramework_OnlyInTheHostsTheApiTheConsoleAndServiceDefaults()
    {
        var offenders = SourceProjects()
            .Where(p => !MayUseAspNetCore.Contains(Path.GetFileNameWithoutExtension(p), StringComparer.Ordinal))
            .Where(UsesAspNetCore)
            .Select(Path.GetFileNameWithoutExtension)
            .ToList();

        Assert.Empty(offenders);
    }

    [Theory]
    [MemberData(nameof(Libraries))]
    public void Library_ReachesNoAspNetCoreThroughItsReferences(string project)
    {
        var reached = ProjectClosure(ProjectPath(project))
            .Where(UsesAspNetCore)
            .Select(Path.GetFileNameWithoutExtension)
            .ToList();

        Assert.Empty(reached);
    }

    [Theory]
    [MemberData(nameof(Pure))]
    public void PureProject_ReachesNoRedisKafkaOrAspNetCore(string project)
    {
        var reached = new List<string>();
        foreach (var path in ProjectClosure(ProjectPath(project)))
        {
            var name = Path.GetFileNameWithoutExtension(path);
            reached.AddRange(Items(path, "PackageReference")
                .Where(p => InfrastructurePackagePrefixes.Any(prefix => p.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
                .Select(p => $"{name}: package {p}"));
            reached.AddRange(Items(path, "FrameworkReference").Select(f => $"{name}: framework {f}"));
            if (XDocument.Load(path).Root?.Attribute("Sdk")?.Value != "Microsoft.NET.Sdk")
            {
                reached.Add($"{name}: SDK {XDocument.Load(path).Root?.Attribute("Sdk")?.Value}");
            }
        }

        Assert.Empty(reached);
    }

    [Fact]
    public void ProjectClosure_FollowsProjectReferences()
    {
        // Guards the test above: the web project's closure reaches the core, the profiles and ServiceDefaults.
        var closure = ProjectClosure(ProjectPath("NextBestAction.Decisioning")).Select(Path.GetFileNameWithoutExtension).ToList();

        Assert.Contains("NextBestAction.Decisioning.Core", closure);
        Assert.Contains("NextBestAction.Profiles", closure);
        Assert.Contains("NextBestAction.ServiceDefaults", closure);
        Assert.Contains("NextBestAction.Training", Libraries.Select(row => row.Data));
        Assert.Contains("NextBestAction.Simulator", Libraries.Select(row => row.Data));
    }

    public static TheoryData<string> Pure => [.. PureProjects];

    public static TheoryData<string> Libraries =>
    [
        .. SourceProjects()
            .Select(Path.GetFileNameWithoutExtension)
            .OfType<string>()
            .Where(name => !MayUseAspNetCore.Contains(name, StringComparer.Ordinal))
            .Order(StringComparer.Ordinal),
    ];

    private static bool UsesAspNetCore(string project) =>
        Items(project, "FrameworkReference").Any(r => r == AspNetCoreFramework)
        || XDocument.Load(project).Root?.Attribute("Sdk")?.Value == "Microsoft.NET.Sdk.Web";

    private static string ProjectPath(string name) => Path.Combine(SourceDirectory, name, name + ".csproj");

    /// <summary>The project and every project it references, transitively.</summary>
    private static List<string> ProjectClosure(string root)
    {
        var seen = new List<string>();
        var pending = new Stack<string>([Path.GetFullPath(root)]);
        while (pending.TryPop(out var path))
        {
            if (seen.Contains(path, StringComparer.Ordinal))
            {
                continue;
            }

            Assert.True(File.Exists(path), $"project {path} not found");
            seen.Add(path);
            foreach (var reference in Items(path, "ProjectReference"))
            {
                pending.Push(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, reference.Replace('\\', Path.DirectorySeparatorChar))));
            }
        }

        return seen;
    }

    private static IEnumerable<string> Items(string project, string itemType) =>
        XDocument.Load(project).Descendants(itemType)
            .Select(e => e.Attribute("Include")?.Value)
            .OfType<string>();
}
