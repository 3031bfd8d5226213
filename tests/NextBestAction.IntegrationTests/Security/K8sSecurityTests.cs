using NextBestAction.Testing;
using YamlDotNet.RepresentationModel;

namespace NextBestAction.IntegrationTests.Security;

/// <summary>
/// The Kubernetes manifests (deploy/k8s), read: each Deployment logs in to Redis and Kafka as its service's user of
/// the Redis ACL and the Kafka grants, with passwords only from a Secret, and Kafka clients use SASL.
/// </summary>
public sealed class K8sSecurityTests
{
    private static string K8s(string file) => Path.Combine(RepositoryPaths.Root, "deploy", "k8s", file);

    public static TheoryData<string, string> Deployments => new()
    {
        { "decision-api.yaml", "nba-api" },
        { "ingestion-worker.yaml", "nba-ingestion" },
    };

    [Theory]
    [MemberData(nameof(Deployments))]
    public void Deployment_LogsInAsItsServiceUser_WithPasswordsFromASecret(string file, string user)
    {
        var env = Environment(file);
        var names = env.Select(e => Scalar(e, "name")).ToList();

        Assert.Equal($"$(NBA_REDIS_ENDPOINTS),user={user},password=$(NBA_REDIS_PASSWORD),$CONFIG=", Scalar(env[names.IndexOf("Redis__Configuration")], "value"));
        Assert.True(names.IndexOf("NBA_REDIS_PASSWORD") is >= 0 and var at && at < names.IndexOf("Redis__Configuration"),
            "NBA_REDIS_PASSWORD must come before Redis__Configuration, which refers to it");
        Assert.Equal(user, Scalar(env[names.IndexOf("Kafka__Client__sasl.username")], "value"));
        var secrets = env.Where(e => Scalar(e, "name").Contains("PASSWORD", StringComparison.OrdinalIgnoreCase)).Select(SecretOf).ToList();
        Assert.Equal(2, secrets.Count);
        Assert.Single(secrets.Distinct());

        Assert.Contains($"\nuser {user} reset on ", File.ReadAllText(Path.Combine(RepositoryPaths.Root, "deploy", "redis", "users.acl")), StringComparison.Ordinal);
        Assert.Contains($"\nallow {user} ", File.ReadAllText(Path.Combine(RepositoryPaths.Root, "deploy", "kafka", "init.sh")), StringComparison.Ordinal);
    }

    [Fact]
    public void ConfigMap_HasKafkaClientsLogInWithScram_AndNoRedisPassword()
    {
        var data = (YamlMappingNode)Documents("configmap.yaml").Single()["data"];
        var settings = data.Children.ToDictionary(kv => ((YamlScalarNode)kv.Key).Value!, kv => ((YamlScalarNode)kv.Value).Value!, StringComparer.Ordinal);

        Assert.StartsWith("SASL_", settings["Kafka__Client__security.protocol"], StringComparison.Ordinal);
        Assert.Equal("SCRAM-SHA-512", settings["Kafka__Client__sasl.mechanism"]);
        Assert.DoesNotContain("password", settings["NBA_REDIS_ENDPOINTS"], StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Redis__Configuration", settings.Keys);
    }

    private static List<YamlMappingNode> Documents(string file)
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(K8s(file));
        yaml.Load(reader);
        return [.. yaml.Documents.Select(d => (YamlMappingNode)d.RootNode)];
    }

    private static List<YamlMappingNode> Environment(string file)
    {
        var deployment = Documents(file).Single(d => Scalar(d, "kind") == "Deployment");
        var container = (YamlMappingNode)((YamlSequenceNode)At(deployment, "spec", "template", "spec", "containers")).Children.Single();
        return [.. ((YamlSequenceNode)container["env"]).Children.Cast<YamlMappingNode>()];
    }

    /// <summary>The Secret an environment variable comes from; fails for a literal value.</summary>
    private static string SecretOf(YamlMappingNode variable)
    {
        Assert.False(variable.Children.ContainsKey(new YamlScalarNode("value")), $"{Scalar(variable, "name")} has a literal value");
        return Scalar((YamlMappingNode)At(variable, "valueFrom", "secretKeyRef"), "name");
    }

    private static YamlNode At(YamlMappingNode node, params string[] keys) =>
        keys.Aggregate((YamlNode)node, (current, key) => ((YamlMappingNode)current)[key]);

    private static string Scalar(YamlMappingNode node, string key) => ((YamlScalarNode)node[key]).Value!;
}
