using System.Diagnostics;
using Microsoft.Extensions.Options;
using NextBestAction.Decisioning.DecisionLog;
using NextBestAction.Profiles;
using NextBestAction.Profiles.Privacy;
using NextBestAction.Testing;
using NextBestAction.Training.History;
using StackExchange.Redis;

namespace NextBestAction.Training.Tests;

/// <summary>
/// Training's view of the service's Redis, against a real redis-server written by the service's own stores: the
/// decision-log keys the publisher makes, and profiles whose consent says objection or restriction.
/// </summary>
public sealed class RedisDecisionLogAccessTests : IAsyncLifetime
{
    private const string Prefix = "nbatest";
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    private Process? server;
    private IConnectionMultiplexer? redis;
    private string configuration = "";

    public async ValueTask InitializeAsync()
    {
        var port = RedisServerLauncher.FreePort();
        server = RedisServerLauncher.Start(RedisServerLauncher.WithoutPersistence(port));
        configuration = $"127.0.0.1:{port}";
        redis = await RedisServerLauncher.ConnectWhenReadyAsync(configuration);
    }

    public async ValueTask DisposeAsync()
    {
        if (redis is not null)
        {
            await redis.DisposeAsync();
        }

        await RedisServerLauncher.StopAsync(server);
    }

    [Fact]
    public async Task KeysMadeByTheService_AreRead_AndObjectionAndRestrictionWithholdTheCustomer()
    {
        var redisOptions = Options.Create(new RedisOptions { KeyPrefix = Prefix });
        var logKeys = new DecisionLogKeys(redis!, redisOptions, Options.Create(new PrivacyOptions()));
        var made = await logKeys.GetOrCreateAsync(["subject-a"]);
        var store = new RedisProfileStore(redis!, redisOptions);
        await store.TryWriteAsync(
        [
            Profile("objects", new ConsentState { Profiling = false }),
            Profile("restricted", new ConsentState { Profiling = true, Restricted = true }),
            Profile("agrees", new ConsentState { Profiling = true, Restricted = false }),
        ], Now);

        using var access = RedisDecisionLogAccess.Connect(configuration, Prefix, Now);

        Assert.Equal(made[0], access.KeyOf("subject-a"));
        Assert.Equal(DecisionLogSealing.KeyBytes, access.KeyOf("subject-a")!.Length);
        Assert.Null(access.KeyOf("subject-never-logged"));
        Assert.Equal(RedisDecisionLogAccess.Objection, access.Withheld("objects"));
        Assert.Equal(RedisDecisionLogAccess.Restriction, access.Withheld("restricted"));
        Assert.Null(access.Withheld("agrees"));
        Assert.Null(access.Withheld("unknown"));
    }

    [Fact]
    public void Connect_ToNoServer_FailsWithTheOptionName()
    {
        var failure = Assert.Throws<HistoryReadException>(() => RedisDecisionLogAccess.Connect("127.0.0.1:1,connectTimeout=200", Prefix, Now));

        Assert.StartsWith("--redis:", failure.Message, StringComparison.Ordinal);
    }

    private static VersionedProfile Profile(string customerId, ConsentState consent) =>
        new(new CustomerProfile(customerId, new ProfileDecisionPart { Consent = consent }), 0);
}
