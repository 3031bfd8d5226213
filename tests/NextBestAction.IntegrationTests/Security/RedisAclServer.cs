using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NextBestAction.IntegrationTests.Fixtures;
using NextBestAction.Profiles;
using NextBestAction.Testing;
using StackExchange.Redis;

namespace NextBestAction.IntegrationTests.Security;

/// <summary>
/// A throwaway redis-server that runs the ACL of deploy/redis/users.acl, rendered by deploy/redis/render-acl.sh with
/// random passwords exactly as the compose redis service renders it, plus an admin connection to inspect it.
/// </summary>
public sealed partial class RedisAclServer : IAsyncLifetime
{
    public static readonly string[] ServiceUsers = ["nba-api", "nba-ingestion", "nba-simulator", "nba-training"];

    private readonly Dictionary<string, string> passwords = new(StringComparer.Ordinal);
    private readonly string folder = Directory.CreateTempSubdirectory("nba-acl-").FullName;
    private Process? process;

    public int Port { get; private set; }

    public IConnectionMultiplexer Admin { get; private set; } = null!;

    public string Password(string user) => passwords[user];

    public async ValueTask InitializeAsync()
    {
        foreach (var user in ServiceUsers.Append("nba-admin"))
        {
            passwords[user] = Guid.NewGuid().ToString("N");
        }

        var rendered = Path.Combine(folder, "users.acl");
        await RenderAsync(passwords, rendered);
        if (!SupportsClientSetInfo())
        {
            // CLIENT SETINFO came with Redis 7.2; the redis-server here may be older than the image's 7.4.
            await File.WriteAllTextAsync(rendered, (await File.ReadAllTextAsync(rendered)).Replace(" +client|setinfo", "", StringComparison.Ordinal));
        }

        Port = RedisServerLauncher.FreePort();
        process = RedisServerLauncher.Start([.. RedisServerLauncher.WithoutPersistence(Port), "--aclfile", rendered]);
        Admin = await RedisServerLauncher.ConnectWhenReadyAsync($"127.0.0.1:{Port},user=nba-admin,password={passwords["nba-admin"]}");
    }

    /// <summary>Runs deploy/redis/render-acl.sh with <paramref name="passwordsByUser"/> in its environment; throws with its error output when it fails.</summary>
    public static async Task RenderAsync(IReadOnlyDictionary<string, string> passwordsByUser, string output)
    {
        var deploy = Path.Combine(RepositoryPaths.Root, "deploy", "redis");
        var start = new ProcessStartInfo("sh") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { Path.Combine(deploy, "render-acl.sh"), Path.Combine(deploy, "users.acl"), output })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (user, password) in passwordsByUser)
        {
            start.Environment[PasswordVariable(user)] = password;
        }

        using var render = Process.Start(start)!;
        var errors = await render.StandardError.ReadToEndAsync();
        await render.WaitForExitAsync();
        if (render.ExitCode != 0)
        {
            throw new InvalidOperationException($"render-acl.sh failed ({render.ExitCode}): {errors}");
        }
    }

    /// <summary>The environment variable that holds a user's password: nba-api reads NBA_REDIS_API_PASSWORD.</summary>
    public static string PasswordVariable(string user) => $"NBA_REDIS_{user["nba-".Length..].ToUpperInvariant().Replace('-', '_')}_PASSWORD";

    /// <summary>
    /// The profile store and everything <c>AddProfileStore</c> registers, connected as <paramref name="user"/> with the
    /// configuration string docker-compose.yml gives that user's service, pointed at this server.
    /// </summary>
    public IHost HostAs(string user)
    {
        var service = ComposeFile.BuiltServices().Single(s => ComposeFile.Environment(s)["Redis__Configuration"].Contains($",user={user},", StringComparison.Ordinal));
        var configuration = ComposeFile.Interpolate(ComposeFile.Environment(service)["Redis__Configuration"],
                variable => passwords.Single(p => PasswordVariable(p.Key) == variable).Value)
            .Replace("redis:6379", $"127.0.0.1:{Port}", StringComparison.Ordinal);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = service });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Redis:Configuration"] = configuration });
        builder.AddProfileStore();
        return builder.Build();
    }

    /// <summary>What <c>ACL DRYRUN</c> says of <paramref name="user"/> sending <paramref name="command"/>: "OK" or the reason it is denied.</summary>
    public async Task<string> DryRunAsync(string user, params string[] command) =>
        (await Admin.GetDatabase().ExecuteAsync("ACL", [(object)"DRYRUN", user, .. command])).ToString();

    /// <summary>The ACL log's entries for <paramref name="user"/>, as "reason object" (for example "key SET nba:adaptive").</summary>
    public async Task<List<string>> DeniedAsync(string user)
    {
        var entries = (RedisResult[])(await Admin.GetDatabase().ExecuteAsync("ACL", "LOG", "128"))!;
        var denied = new List<string>();
        foreach (var entry in entries.Select(e => (RedisResult[])e!))
        {
            var fields = Enumerable.Range(0, entry.Length / 2).ToDictionary(i => entry[2 * i].ToString(), i => entry[(2 * i) + 1].ToString(), StringComparer.Ordinal);
            if (fields.GetValueOrDefault("username") == user)
            {
                denied.Add($"{fields["reason"]} {fields["object"]} (context {fields["context"]})");
            }
        }

        return denied;
    }

    public async ValueTask DisposeAsync()
    {
        if (Admin is not null)
        {
            await Admin.DisposeAsync();
        }

        await RedisServerLauncher.StopAsync(process);
        Directory.Delete(folder, recursive: true);
    }

    private static bool SupportsClientSetInfo()
    {
        var start = new ProcessStartInfo("redis-server", "--version") { RedirectStandardOutput = true, UseShellExecute = false };
        using var version = Process.Start(start)!;
        var match = ServerVersion().Match(version.StandardOutput.ReadToEnd());
        version.WaitForExit();
        return match.Success && new Version(match.Groups[1].Value) >= new Version(7, 2);
    }

    [GeneratedRegex(@"v=(\d+\.\d+)")]
    private static partial Regex ServerVersion();
}
