using NextBestAction.Testing;
using System.Collections;
using NextBestAction.Contracts;
using NextBestAction.Decisioning;
using NextBestAction.Ingestion;
using NextBestAction.Profiles;
using NextBestAction.Profiles.Kpis;
using NextBestAction.Server;
using NextBestAction.ServiceDefaults.Auth;
using NextBestAction.Simulator;
using YamlDotNet.RepresentationModel;

namespace NextBestAction.IntegrationTests;

/// <summary>
/// Docker cannot run here, so docker-compose.yml is checked by reading it: it parses, the services built
/// from this repo point at real Dockerfiles, and every environment variable they set is a real setting.
/// </summary>
public sealed class ComposeFileTests
{
    /// <summary>Settings the framework and OpenTelemetry read from the environment rather than our options classes.</summary>
    private static readonly HashSet<string> FrameworkSettings = new(StringComparer.OrdinalIgnoreCase)
    {
        "ASPNETCORE_ENVIRONMENT", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_URLS", "OTEL_EXPORTER_OTLP_ENDPOINT",
        "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES",
    };

    private static readonly (string Section, Type Options)[] OptionSections =
    [
        (KafkaOptions.Section, typeof(KafkaOptions)),
        (RedisOptions.Section, typeof(RedisOptions)),
        (ProfileRules.Section, typeof(ProfileRules)),
        (KpiOptions.Section, typeof(KpiOptions)),
        (IngestionOptions.Section, typeof(IngestionOptions)),
        (DecisionOptions.Section, typeof(DecisionOptions)),
        (AuthOptions.Section, typeof(AuthOptions)),
        (ServerOptions.Section, typeof(ServerOptions)),
        (SimulatorOptions.Section, typeof(SimulatorOptions)),
        (NextBestAction.ServiceDefaults.TelemetryOptions.Section, typeof(NextBestAction.ServiceDefaults.TelemetryOptions)),
    ];

    private static YamlMappingNode Services()
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(Path.Combine(AppContext.BaseDirectory, "docker-compose.yml"));
        yaml.Load(reader);
        return (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode).Children[new YamlScalarNode("services")];
    }

    private static IEnumerable<(string Service, YamlMappingNode Definition)> BuiltServices() =>
        Services().Children
            .Select(kv => (((YamlScalarNode)kv.Key).Value!, (YamlMappingNode)kv.Value))
            .Where(s => s.Item2.Children.ContainsKey(new YamlScalarNode("build")));

    [Fact]
    public void Compose_DeclaresTheWholeStack()
    {
        var names = Services().Children.Keys.Select(k => ((YamlScalarNode)k).Value).ToHashSet();

        foreach (var expected in new[] { "kafka", "redis", "nba-api", "nba-ingestion", "otel-collector", "jaeger", "prometheus", "grafana" })
        {
            Assert.Contains(expected, names);
        }
    }

    [Fact]
    public void Compose_BuiltServicesUseTheDockerfileWithAHostProjectThatExists()
    {
        var root = RepositoryPaths.Root;
        var built = BuiltServices().ToList();

        Assert.NotEmpty(built);
        foreach (var (service, definition) in built)
        {
            var build = (YamlMappingNode)definition.Children[new YamlScalarNode("build")];
            var dockerfile = ((YamlScalarNode)build.Children[new YamlScalarNode("dockerfile")]).Value!;
            Assert.True(File.Exists(Path.Combine(root, dockerfile)), $"{service}: {dockerfile} does not exist");
            var args = (YamlMappingNode)build.Children[new YamlScalarNode("args")];
            var host = ((YamlScalarNode)args.Children[new YamlScalarNode("HOST")]).Value!;
            Assert.True(File.Exists(Path.Combine(root, "src", host, $"{host}.csproj")), $"{service}: build argument HOST={host} is not a project in src/");
        }
    }

    [Fact]
    public void Compose_EveryEnvironmentVariableOfOurServicesIsARealSetting()
    {
        var known = KnownSettings();
        var checkedCount = 0;
        foreach (var (service, definition) in BuiltServices())
        {
            if (!definition.Children.TryGetValue(new YamlScalarNode("environment"), out var environment))
            {
                continue;
            }

            var names = environment switch
            {
                YamlMappingNode map => map.Children.Keys.Select(k => ((YamlScalarNode)k).Value!),
                YamlSequenceNode list => list.Children.Select(n => ((YamlScalarNode)n).Value!.Split('=')[0]),
                _ => [],
            };
            foreach (var name in names)
            {
                checkedCount++;
                var key = name.Replace("__", ":", StringComparison.Ordinal);
                Assert.True(FrameworkSettings.Contains(name) || known.Contains(Normalize(key)) || known.Contains(FreeKey(key)),
                    $"{service}: environment variable {name} is not a setting of the application");
            }
        }

        Assert.True(checkedCount > 0, "no environment variables were checked");
    }

    /// <summary>Every configuration key our options classes bind, with list indexes written as "#".</summary>
    private static HashSet<string> KnownSettings()
    {
        var keys = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (section, type) in OptionSections)
        {
            AddKeys(keys, section, type);
        }

        return keys;
    }

    private static void AddKeys(HashSet<string> keys, string prefix, Type type)
    {
        foreach (var property in type.GetProperties().Where(p => p.CanWrite && p.GetIndexParameters().Length == 0))
        {
            var key = $"{prefix}:{property.Name}";
            var propertyType = property.PropertyType;
            if (propertyType == typeof(string) || propertyType.IsValueType)
            {
                keys.Add(key);
            }
            else if (propertyType.IsGenericType && propertyType.GetGenericTypeDefinition() == typeof(Dictionary<,>))
            {
                // Free keys chosen by the user (for example Profiles:LifeStageHorizonDays:baby).
                keys.Add($"{key}:*");
            }
            else if (propertyType.IsGenericType && typeof(IEnumerable).IsAssignableFrom(propertyType))
            {
                var element = propertyType.GetGenericArguments()[0];
                if (element == typeof(string) || element.IsValueType)
                {
                    keys.Add($"{key}:#");
                }
                else
                {
                    AddKeys(keys, $"{key}:#", element);
                }
            }
            else
            {
                AddKeys(keys, key, propertyType);
            }
        }
    }

    private static string Normalize(string key) =>
        string.Join(':', key.Split(':').Select(part => part.All(char.IsAsciiDigit) ? "#" : part));

    private static string FreeKey(string key) => key.Contains(':', StringComparison.Ordinal) ? key[..key.LastIndexOf(':')] + ":*" : key;
}
