using System.Diagnostics;
using System.Text.RegularExpressions;
using NextBestAction.Contracts;
using NextBestAction.Testing;

namespace NextBestAction.IntegrationTests.Security;

/// <summary>
/// docker-compose.yml and what it mounts from deploy/, read (Docker cannot run here): nothing without a login of its
/// own is reachable from other machines, every service logs in to Redis and Kafka as its own user with a password from
/// the environment, Kafka's topic ACLs match what each service reads and writes, Grafana asks for a login, and every
/// image is pinned to a patch version.
/// </summary>
public sealed partial class ComposeSecurityTests
{
    /// <summary>Services that authenticate every request themselves (API key, Grafana login).</summary>
    private static readonly HashSet<string> PublishedToAll = new(StringComparer.Ordinal) { "nba-api", "grafana" };

    private static string Deploy(params string[] path) => Path.Combine([RepositoryPaths.Root, "deploy", .. path]);

    [Fact]
    public void Redis_IsNotPublishedOnTheHost() => Assert.Empty(ComposeFile.Ports("redis"));

    [Fact]
    public void OnlyServicesWithALogin_ArePublishedBeyondThisMachine()
    {
        var open = ComposeFile.Services().Keys
            .Where(s => !PublishedToAll.Contains(s))
            .SelectMany(s => ComposeFile.Ports(s).Where(p => !p.StartsWith("127.0.0.1:", StringComparison.Ordinal)).Select(p => $"{s}: {p}"))
            .ToList();

        Assert.True(open.Count == 0, $"published on every interface without a login: {string.Join(", ", open)}");
        Assert.Contains("127.0.0.1:29092:29092", ComposeFile.Ports("kafka"));
    }

    [Fact]
    public void OurServices_LogInToRedisAsTheirOwnUser_WithAPasswordFromTheEnvironment()
    {
        var template = File.ReadAllText(Deploy("redis", "users.acl"));
        var redisEnvironment = ComposeFile.Environment("redis");
        var users = new List<string>();
        foreach (var service in ComposeFile.BuiltServices())
        {
            var match = RedisConfiguration().Match(ComposeFile.Environment(service)["Redis__Configuration"]);
            Assert.True(match.Success, $"{service}: Redis__Configuration is not redis:6379 with a user, an interpolated password and $$CONFIG=");
            var user = match.Groups["user"].Value;
            users.Add(user);
            Assert.Equal(RedisAclServer.PasswordVariable(user), match.Groups["variable"].Value);
            Assert.Matches(ComposeFile.RequiredVariable(), redisEnvironment[match.Groups["variable"].Value]);
            Assert.Contains($"\nuser {user} reset on ", template, StringComparison.Ordinal);
        }

        Assert.Equal(users.Distinct().Count(), users.Count);
        Assert.Contains("\nuser default reset off\n", template, StringComparison.Ordinal);
    }

    [Fact]
    public void OurServices_LogInToKafkaWithScram_OnASaslListener()
    {
        var broker = Properties(Deploy("kafka", "server.properties"));
        var protocols = broker["listener.security.protocol.map"].Split(',').Select(p => p.Split(':')).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        var listeners = broker["listeners"].Split(',').Select(l => Listener().Match(l)).ToList();
        Assert.Equal("SASL_PLAINTEXT", protocols[listeners.Single(l => l.Groups["port"].Value == "9092").Groups["name"].Value]);
        foreach (var listener in listeners.Where(l => l.Groups["host"].Value != "localhost"))
        {
            Assert.StartsWith("SASL_", protocols[listener.Groups["name"].Value], StringComparison.Ordinal);
        }

        Assert.Equal("SCRAM-SHA-512", broker["sasl.enabled.mechanisms"]);
        Assert.Equal("org.apache.kafka.metadata.authorizer.StandardAuthorizer", broker["authorizer.class.name"]);
        Assert.Equal("false", broker["allow.everyone.if.no.acl.found"]);

        var users = new List<string>();
        foreach (var service in ComposeFile.BuiltServices())
        {
            var environment = ComposeFile.Environment(service);
            Assert.Equal("kafka:9092", environment["Kafka__BootstrapServers"]);
            Assert.Equal("SASL_PLAINTEXT", environment["Kafka__Client__security.protocol"]);
            Assert.Equal("SCRAM-SHA-512", environment["Kafka__Client__sasl.mechanism"]);
            var user = environment["Kafka__Client__sasl.username"];
            users.Add(user);
            Assert.Matches($@"^\$\{{NBA_KAFKA_{user["nba-".Length..].ToUpperInvariant()}_PASSWORD:\?[^}}]+\}}$", environment["Kafka__Client__sasl.password"]);
        }

        Assert.Equal(users.Distinct().Count(), users.Count);
        Assert.Equal(users.Order(StringComparer.Ordinal), KafkaAcls().Keys.Select(k => k.User).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void KafkaAcls_GiveEachServiceTheTopicsItsCodeUses()
    {
        var topics = new TopicNames();
        var group = new KafkaOptions().GroupId;
        var acls = KafkaAcls();
        var expected = new Dictionary<(string User, string Operation, string Type), string[]>
        {
            // DecisionLogPublisher, OutcomeService, ConsentService, ErasureService.
            [("nba-api", "Write", "topic")] = [topics.Decisions, topics.Feedback, topics.Consent, topics.Privacy],
            // IngestionService (the inputs), WebhookDeliveryService (notifications); DeadLetterPublisher,
            // NotificationPublisher, PrivacyTopicRequests.
            [("nba-ingestion", "Read", "topic")] = [.. topics.Inputs, topics.Notifications],
            [("nba-ingestion", "Write", "topic")] = [topics.DeadLetter, topics.Notifications, topics.Privacy],
            [("nba-ingestion", "Read", "group")] = [group, $"{group}-webhook"],
            // TrafficSimulator: every input topic but the privacy topic.
            [("nba-simulator", "Write", "topic")] = [.. topics.Inputs.Where(t => t != topics.Privacy)],
        };

        // Describe (metadata, offsets) on every topic a user reads or writes; nothing else is granted.
        foreach (var user in expected.Keys.Select(k => k.User).Distinct().ToList())
        {
            expected[(user, "Describe", "topic")] = [.. expected.Where(e => e.Key.User == user && e.Key.Type == "topic").SelectMany(e => e.Value).Distinct()];
        }

        Assert.Equal(expected.Keys.ToHashSet(), acls.Keys.ToHashSet());
        foreach (var (grant, names) in expected)
        {
            Assert.True(names.ToHashSet().SetEquals(acls[grant]), $"{grant}: granted {string.Join(", ", acls[grant])}, the code uses {string.Join(", ", names)}");
        }
    }

    [Fact]
    public void Grafana_AsksEveryoneToLogIn()
    {
        var environment = ComposeFile.Environment("grafana");

        Assert.Equal("false", environment["GF_AUTH_ANONYMOUS_ENABLED"]);
        Assert.Equal("false", environment["GF_USERS_ALLOW_SIGN_UP"]);
        Assert.Matches(@"^\$\{NBA_GRAFANA_ADMIN_PASSWORD:\?[^}]+\}$", environment["GF_SECURITY_ADMIN_PASSWORD"]);
    }

    [Fact]
    public void NoPasswordOrKey_IsWrittenIntoTheFile()
    {
        foreach (var service in ComposeFile.Services().Keys)
        {
            foreach (var (name, value) in ComposeFile.Environment(service).Where(e => Secret().IsMatch(e.Key)))
            {
                Assert.True(ComposeFile.RequiredVariable().Match(value) is { Success: true } m && m.Value == value,
                    $"{service}: {name} is not taken from a required variable");
            }
        }
    }

    [Fact]
    public void Images_ArePinnedToAPatchVersion()
    {
        var images = ComposeFile.Services().Values
            .Select(s => s.Children.TryGetValue(new YamlDotNet.RepresentationModel.YamlScalarNode("image"), out var image) ? ((YamlDotNet.RepresentationModel.YamlScalarNode)image).Value : null)
            .OfType<string>()
            .Concat(File.ReadLines(Path.Combine(RepositoryPaths.Root, "Dockerfile")).Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).Select(l => l.Split(' ')[1]))
            .ToList();

        Assert.NotEmpty(images);
        Assert.All(images, image => Assert.Matches(PinnedImage(), image));
    }

    [Fact]
    public void DevSecrets_FillsEveryVariableTheFileRequires_WithValuesTheScriptsAccept()
    {
        var start = new ProcessStartInfo("sh", Deploy("dev-secrets.sh")) { RedirectStandardOutput = true, UseShellExecute = false };
        using var script = Process.Start(start)!;
        var lines = script.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        script.WaitForExit();

        Assert.Equal(0, script.ExitCode);
        var values = lines.Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        Assert.Equal(ComposeFile.RequiredVariables().Order(StringComparer.Ordinal), values.Keys.Order(StringComparer.Ordinal));
        Assert.All(values.Values, v => Assert.Matches("^[A-Za-z0-9_-]{16,}$", v));
        Assert.Contains(".env", File.ReadAllLines(Path.Combine(RepositoryPaths.Root, ".gitignore")));
    }

    /// <summary>The grants of deploy/kafka/init.sh: <c>allow USER "OPERATION..." topic|group NAME...</c> lines.</summary>
    private static Dictionary<(string User, string Operation, string Type), string[]> KafkaAcls()
    {
        var grants = new Dictionary<(string, string, string), string[]>();
        foreach (var match in File.ReadLines(Deploy("kafka", "init.sh")).Select(l => KafkaAllow().Match(l)).Where(m => m.Success))
        {
            foreach (var operation in match.Groups["operations"].Value.Split(' '))
            {
                var key = (match.Groups["user"].Value, operation, match.Groups["type"].Value);
                grants[key] = [.. grants.GetValueOrDefault(key, []), .. match.Groups["names"].Value.Split(' ')];
            }
        }

        return grants;
    }

    private static Dictionary<string, string> Properties(string path) =>
        File.ReadLines(path).Where(l => l.Length > 0 && l[0] != '#').Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);

    [GeneratedRegex(@"^redis:6379,user=(?<user>nba-[a-z]+),password=\$\{(?<variable>NBA_REDIS_[A-Z]+_PASSWORD):\?[^}]+\},\$\$CONFIG=$")]
    private static partial Regex RedisConfiguration();

    [GeneratedRegex(@"^(?<name>[A-Z]+)://(?<host>[^:]*):(?<port>\d+)$")]
    private static partial Regex Listener();

    [GeneratedRegex(@"^allow (?<user>\S+) ""(?<operations>[A-Za-z ]+)"" (?<type>topic|group) (?<names>.+)$")]
    private static partial Regex KafkaAllow();

    [GeneratedRegex("PASSWORD|password|Key$|KEY$")]
    private static partial Regex Secret();

    /// <summary>A registry path and a tag with at least major.minor.patch (optionally v-prefixed and with a variant).</summary>
    [GeneratedRegex(@"^[a-z0-9./_-]+:v?\d+\.\d+\.\d+(-[a-z0-9.]+)?$")]
    private static partial Regex PinnedImage();
}
