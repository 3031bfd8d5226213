using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NextBestAction.Decisioning;
using NextBestAction.Decisioning.Catalog;
using NextBestAction.Decisioning.Privacy;
using NextBestAction.Decisioning.Serving;
using NextBestAction.Notifications;
using NextBestAction.Profiles;
using NextBestAction.Profiles.Kpis;
using NextBestAction.Profiles.Privacy;
using StackExchange.Redis;

namespace NextBestAction.IntegrationTests.Security;

/// <summary>
/// The Redis ACL of the deployment (deploy/redis/users.acl) on a real redis-server: each service user runs its real
/// operations (the stores of the service, connected as that user the way the service connects) without a single
/// denial in the ACL log, the commands it sends are allowed on its keys (ACL DRYRUN, including those its Lua scripts
/// run), and what belongs to another service or to an operator is refused.
/// </summary>
public sealed class RedisAclTests(RedisAclServer server) : IClassFixture<RedisAclServer>
{
    private const string Api = "nba-api";
    private const string Ingestion = "nba-ingestion";
    private const string Simulator = "nba-simulator";
    private const string Training = "nba-training";
    private const string Sha = "0123456789abcdef0123456789abcdef01234567";

    private static readonly ProfileKeys Keys = new("nba");
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    /// <summary>Commands each service sends, with key names as the code builds them (scripts' inner commands too).</summary>
    public static TheoryData<string, string> Allowed => new()
    {
        { Api, $"MGET {Keys.Profile("c1")} {Keys.Temporary("c1")} {Keys.Bookkeeping("c1")}" },
        { Api, $"HGETALL {Keys.Contacts("c1")}" },
        { Api, $"EVALSHA {Sha} 2 {Keys.Contacts("c1")} {Keys.Decisions("c1")}" },
        { Api, $"HINCRBY {Keys.Contacts("c1")} i:20000:a1 1" },
        { Api, $"HDEL {Keys.Decisions("c1")} r:d1" },
        { Api, $"PEXPIRE {Keys.Decisions("c1")} 1000" },
        { Api, $"SETEX {Keys.DecisionOwner("d1")} 604800 c1" },
        { Api, $"HSETNX {Keys.Decisions("c1")} o:d1:a1 accepted" },
        { Api, $"HSETNX {Keys.Release1Decision("d1")} outcome:a1 accepted" },
        { Api, "HINCRBYFLOAT nba:adaptive e:checkout:a1 0.25" },
        { Api, $"HINCRBY {Keys.OfferStatistics(new DateOnly(2026, 12, 4))} n:treatment:a1 3" },
        { Api, $"HINCRBYFLOAT {Keys.OfferStatistics(new DateOnly(2026, 12, 4))} v:treatment:a1 25.5" },
        { Api, $"EXPIRE {Keys.OfferStatistics(new DateOnly(2026, 12, 4))} 3024000" },
        { Api, $"HGETALL {Keys.OfferStatistics(new DateOnly(2026, 12, 4))}" },
        { Api, "SMEMBERS nba:{kpi}:partitions" },
        { Api, "PFCOUNT nba:{kpi}:engaged:2026-11-23" },
        { Api, "SCAN 0 MATCH nba:{c1}:* COUNT 1000" },
        { Api, $"UNLINK {Keys.Profile("c1")} {Keys.Version("c1")} nba:{{c1}}:ntfweek:2026-W48 {Keys.DecisionOwner("d1")}" },
        { Api, "SREM nba:{p1#07}:wishlist c1" },
        { Api, "ZREM nba:notify:schedule o|c1|o1" },
        { Api, "HSET nba:privacy:erased 0123abcd 1764000000000" },
        { Api, "SETNX nba:privacy:subject-key k" },
        { Api, "SETEX nba:privacy:request:r1 94608000 {}" },
        { Api, "ZADD nba:privacy:requests 1764000000000 r1" },
        { Api, "ZREMRANGEBYSCORE nba:privacy:requests -inf (1670000000000" },
        { Api, "ZREVRANGEBYSCORE nba:privacy:requests +inf 1670000000000 LIMIT 0 50" },
        { Ingestion, $"MGET {Keys.Profile("c1")} {Keys.Bookkeeping("c1")} {Keys.Temporary("c1")} {Keys.Version("c1")}" },
        { Ingestion, $"EVALSHA {Sha} 4 {Keys.Profile("c1")} {Keys.Bookkeeping("c1")} {Keys.Temporary("c1")} {Keys.Version("c1")}" },
        { Ingestion, $"SET {Keys.Profile("c1")} v PX 1000" },
        { Ingestion, $"PEXPIREAT {Keys.Temporary("c1")} 1764000000000" },
        { Ingestion, $"INCR {Keys.Version("c1")}" },
        { Ingestion, "HMGET nba:privacy:erased 0123abcd" },
        { Ingestion, "EVALSHA " + Sha + " 3 nba:{kpi}:p:nba.orders/0 nba:{kpi}:partitions nba:{kpi}:engaged:2026-11-23" },
        { Ingestion, "PFADD nba:{kpi}:engaged:2026-11-23 c1" },
        { Ingestion, "SADD nba:{kpi}:partitions nba:{kpi}:p:nba.orders/0" },
        { Ingestion, $"EVALSHA {Sha} 3 nba:{{c1}}:ntf:00ff nba:{{c1}}:ntfday:2026-11-23 nba:{{c1}}:ntfweek:2026-W48" },
        { Ingestion, "SET nba:{c1}:ntf:00ff S KEEPTTL" },
        { Ingestion, "EVALSHA " + Sha + " 1 nba:notify:schedule" },
        { Ingestion, "ZRANGEBYSCORE nba:notify:schedule -inf 1764000000000 LIMIT 0 500" },
        { Ingestion, "ZADD nba:notify:schedule 1764000000000 o|c1|o1" },
        { Ingestion, "SADD nba:{p1#07}:buyers c1" },
        { Ingestion, "SSCAN nba:{p1#07}:wishlist 0 COUNT 500" },
        { Ingestion, "HSETNX nba:notify:fanout:jobs j1 {}" },
        { Ingestion, "SET nba:notify:fanout:lock:j1 owner EX 60 NX" },
        { Ingestion, "HKEYS " + Keys.Decisions("c1") },
        { Ingestion, $"UNLINK {Keys.Contacts("c1")} {Keys.DecisionOwner("d1")} {Keys.Release1Decision("d1")}" },
        { Ingestion, $"DEL {Keys.Temporary("c1")}" },
        { Ingestion, "SCAN 0 MATCH nba:decision:* COUNT 1000" },
        { Ingestion, "ZADD nba:privacy:requests 1764000000000 r1" },
        { Ingestion, "ZREMRANGEBYSCORE nba:privacy:requests -inf (1670000000000" },
        { Api, "EVALSHA " + Sha + " 1 nba:privacy:logkey:0123abcd" },
        { Api, "SET nba:privacy:logkey:0123abcd k PX 1000" },
        { Api, "PTTL nba:privacy:logkey:0123abcd" },
        { Api, "UNLINK nba:privacy:logkey:0123abcd" },
        { Ingestion, "UNLINK nba:privacy:logkey:0123abcd" },
        { Training, "GET nba:privacy:logkey:0123abcd" },
        { Training, $"GET {Keys.Profile("c1")}" },
        { Simulator, "PING" },
        { Simulator, "CLIENT SETNAME nba-simulator" },
    };

    /// <summary>What a service must not do: other services' writes, whole-database and server commands.</summary>
    public static TheoryData<string, string> Denied => new()
    {
        { Api, "FLUSHALL" },
        { Api, "CONFIG SET maxmemory 1" },
        { Api, "KEYS *" },
        { Api, $"EVAL return 1 {Keys.Profile("c1")}" },
        { Api, $"SET {Keys.Profile("c1")} v" },
        { Api, $"EVALSHA {Sha} 1 {Keys.Profile("c1")}" },
        { Api, "HSET nba:{kpi}:p:nba.orders/0 offset 9" },
        { Api, "SADD nba:{p1#07}:wishlist c1" },
        { Api, "PUBLISH __Booksleeve_MasterChanged x" },
        { Api, "SET __Booksleeve_TieBreak x" },
        { Api, "ACL SETUSER nba-api +@all" },
        { Api, "SETEX nba:privacy:subject-key 1 k" },
        { Api, "UNLINK nba:adaptive" },
        { Api, "UNLINK nba:privacy:requests" },
        { Ingestion, "FLUSHDB" },
        { Ingestion, "CONFIG GET *" },
        { Ingestion, "SCRIPT FLUSH" },
        { Ingestion, "HINCRBY nba:adaptive n:checkout:a1 1" },
        { Ingestion, "HINCRBY nba:offer-stats:2026-12-04 n:treatment:a1 1" },
        { Api, "UNLINK nba:offer-stats:2026-12-04" },
        { Ingestion, $"SET {Keys.DecisionOwner("d1")} c1" },
        { Ingestion, $"HSET {Keys.Contacts("c1")} d:a1 1" },
        { Ingestion, $"SET {Keys.Contacts("c1")} v" },
        { Ingestion, "DEL nba:adaptive" },
        { Ingestion, "UNLINK nba:{kpi}:partitions" },
        { Ingestion, "SET nba:privacy:subject-key k" },
        { Ingestion, "SET nba:privacy:logkey:0123abcd k" },
        { Training, "SET nba:privacy:logkey:0123abcd k" },
        { Training, $"GET {Keys.Bookkeeping("c1")}" },
        { Training, "UNLINK nba:privacy:logkey:0123abcd" },
        { Training, "SCAN 0" },
        { Simulator, $"GET {Keys.Profile("c1")}" },
        { Simulator, "SCAN 0" },
        { Simulator, "SET nba:x y" },
        { Simulator, "DEBUG SLEEP 0" },
        { "default", "PING" },
    };

    [Theory]
    [MemberData(nameof(Allowed))]
    public async Task ServiceUser_MayRunWhatItsServiceSends(string user, string command) =>
        Assert.Equal("OK", await server.DryRunAsync(user, command.Split(' ')));

    [Theory]
    [MemberData(nameof(Denied))]
    public async Task ServiceUser_IsRefusedWhatBelongsToOthers(string user, string command) =>
        Assert.NotEqual("OK", await server.DryRunAsync(user, command.Split(' ')));

    [Fact]
    public void AclKeyPatterns_AssumeTheDefaultKeyPrefix() => Assert.Equal("nba", new RedisOptions().KeyPrefix);

    [Fact]
    public async Task Connection_WithoutLoggingIn_CanDoNothing()
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", server.Port);
        var stream = client.GetStream();
        await stream.WriteAsync("PING\r\n"u8.ToArray());
        var buffer = new byte[256];
        var read = await stream.ReadAsync(buffer);

        Assert.StartsWith("-NOAUTH", Encoding.ASCII.GetString(buffer, 0, read), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_RefusesAPasswordThatCouldBreakAConnectionString()
    {
        var output = Path.Combine(Path.GetTempPath(), $"nba-acl-{Guid.NewGuid():N}");
        var passwords = RedisAclServer.ServiceUsers.Append("nba-admin")
            .ToDictionary(u => u, u => u == Api ? "short,password=x" : Guid.NewGuid().ToString("N"), StringComparer.Ordinal);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => RedisAclServer.RenderAsync(passwords, output));

        Assert.Contains("NBA_REDIS_API_PASSWORD", refused.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task ServiceUser_WithAnotherUsersPassword_CannotLogIn()
    {
        var connect = ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{server.Port},user={Api},password={server.Password(Ingestion)},connectTimeout=2000");

        await Assert.ThrowsAsync<RedisConnectionException>(() => connect);
        // The refused login is in the ACL log under nba-api; the tests that find no denial for that user must not see it.
        Assert.Contains(await server.DeniedAsync(Api), d => d.StartsWith("auth ", StringComparison.Ordinal));
        await server.Admin.GetDatabase().ExecuteAsync("ACL", "LOG", "RESET");
    }

    [Fact]
    public async Task DecisionApi_RunsItsRealOperations_WithoutADenial()
    {
        using var host = server.HostAs(Api);
        var sp = host.Services;
        var profiles = sp.GetRequiredService<RedisProfileStore>();
        var db = profiles.Database;
        var customer = Customer();

        // A decision's read, its record (past both prune thresholds, so the script's pruning runs too) and an outcome.
        var batch = db.CreateBatch();
        var read = profiles.QueueRead(batch, customer);
        var history = new ContactHistoryStore(profiles).QueueRead(batch, customer);
        batch.Execute();
        await Task.WhenAll(read, history);
        var writes = new ServedDecisionWrites(profiles);
        var decisionIds = Enumerable.Range(0, 100).Select(i => $"d{i}-{customer}").ToArray();
        for (var i = 0; i < decisionIds.Length; i++)
        {
            var at = i < 50 ? Now.AddDays(-10) : Now;
            await writes.QueueAsync(db, new DecisionRecord(decisionIds[i], customer, [$"a{i}"], at, "checkout"), [($"a{i}", true)], "{}", TimeSpan.FromDays(1));
        }

        // The decision log's publisher: the erasure list, then the customer's sealing key, made and then renewed.
        var subject = await sp.GetRequiredService<SubjectHasher>().HashAsync(customer);
        await sp.GetRequiredService<ErasureList>().LookUpAsync(db, [subject]);
        var logKeys = sp.GetRequiredService<DecisionLogKeys>();
        var made = await logKeys.GetOrCreateAsync([subject]);
        await server.Admin.GetDatabase().KeyExpireAsync(DecisionLogKeys.KeyName("nba", subject), TimeSpan.FromHours(1));
        Assert.Equal(made, await logKeys.GetOrCreateAsync([subject]));

        var records = new DecisionRecordStore(profiles);
        var decision = await records.GetAsync(decisionIds[^1]);
        Assert.NotNull(decision);
        Assert.Equal(OutcomeWrite.Recorded, await records.TryRecordOutcomeAsync(decision, decision.ActionIds[0], "accepted"));
        await new ContactHistoryStore(profiles).RecordDeclineAsync(customer, "a1", Now);
        var adaptive = new AdaptiveStore(profiles, Options.Create(new DecisionOptions()), TimeProvider.System, NullLogger<AdaptiveStore>.Instance);
        await adaptive.RecordShownAsync(db, "checkout", "a1", 2, 0.5);
        await adaptive.RecordAcceptedAsync("checkout", "a1");
        await adaptive.RefreshAsync();
        var offerStatistics = new OfferStatisticsStore(profiles);
        await offerStatistics.RecordAcceptedAsync(Now, "treatment", customer, 25);
        Assert.Equal(1, (await offerStatistics.ReadAsync([OfferStatisticsStore.DayOf(Now)])).Of("treatment", customer).Accepted);

        // Release 1's record of a decision, still read for its outcome.
        var release1 = $"r1-{customer}";
        await server.Admin.GetDatabase().HashSetAsync(Keys.Release1Decision(release1),
            [new("customer", customer), new("actions", "a1"), new("at", Now.ToUnixTimeMilliseconds()), new("touchpoint", "checkout")]);
        var old = await records.GetAsync(release1);
        Assert.NotNull(old);
        Assert.True(old.StoredByRelease1);
        Assert.Equal(OutcomeWrite.Recorded, await records.TryRecordOutcomeAsync(old, "a1", "declined"));

        await profiles.GetAsync(customer, Now);
        await sp.GetRequiredService<RedisKpiStore>().ReadAsync(["2026-11-23"]);
        var export = await new CustomerExport(profiles, sp.GetRequiredService<IConnectionMultiplexer>()).ReadAsync(customer, Now);
        Assert.NotEmpty(export.Decisions);

        // The console's catalog publishing: a draft, a publication made live, a rollback to the file.
        var publications = new CatalogPublications(profiles);
        await publications.SaveDraftAsync(new CatalogDraft("{}", "acl-test", Now));
        Assert.NotNull(await publications.GetDraftAsync());
        await publications.DiscardDraftAsync();
        var published = await publications.PublishAsync("{}", "acl-test-version", "acl-test", Now);
        Assert.Equal(published.Number, await publications.LiveNumberAsync());
        Assert.NotEmpty(await publications.ListAsync());
        Assert.True(await publications.MakeLiveAsync(published.Number));
        Assert.True(await publications.MakeLiveAsync(null));

        var erased = Customer();
        await SeedEveryFamilyAsync(erased);
        var receipt = await sp.GetRequiredService<PrivacyRequests>().EraseAsync(erased);
        Assert.Equal(PrivacyReceipt.Erased, receipt.Outcome);
        Assert.NotNull(await sp.GetRequiredService<PrivacyReceipts>().GetAsync(receipt.RequestId));
        Assert.Contains(await sp.GetRequiredService<PrivacyReceipts>().LatestAsync(10, DateTimeOffset.UtcNow), r => r.RequestId == receipt.RequestId);
        await AssertErasedAsync(erased);

        await AssertNoDenialAsync(host, Api);
    }

    [Fact]
    public async Task IngestionWorker_RunsItsRealOperations_WithoutADenial()
    {
        using var host = server.HostAs(Ingestion);
        var sp = host.Services;
        var profiles = sp.GetRequiredService<RedisProfileStore>();
        var db = profiles.Database;
        var customer = Customer();

        // Profiles: load, then two compare-and-set writes (with temporary data, then without it).
        var loaded = (await profiles.LoadAsync([customer], Now))[0];
        loaded.Profile.Temporary = new TemporaryData { Location = new LocationFix(52.1, 5.1, Now, Now.AddMinutes(30)) };
        Assert.True((await profiles.TryWriteAsync([loaded], Now))[0]);
        var reloaded = (await profiles.LoadAsync([customer], Now))[0];
        reloaded.Profile.Temporary = new TemporaryData();
        Assert.True((await profiles.TryWriteAsync([reloaded], Now))[0]);
        await sp.GetRequiredService<ErasureList>().LookUpAsync(db, await sp.GetRequiredService<SubjectHasher>().HashAllAsync([customer]));

        // KPIs under the partition's offset guard.
        var kpis = sp.GetRequiredService<RedisKpiStore>();
        var partition = $"nba.orders/{customer}";
        var offsets = await kpis.LoadOffsetsAsync([partition]);
        var kpiBatch = new KpiBatch();
        kpiBatch.Add(customer, default, new KpiCounters(1, 1, 0, 0, 0, 0, Now), Now, 5);
        Assert.Equal(1, await kpis.AddAsync(new Dictionary<string, (long, KpiBatch)> { [partition] = (offsets[partition], kpiBatch) }));

        await RunNotificationStepsAsync(new NotificationStore(sp.GetRequiredService<IConnectionMultiplexer>(),
            sp.GetRequiredService<IOptions<RedisOptions>>(), Options.Create(new NotificationOptions())), customer);

        // The retention sweep, with a profile that has no expiry and an index member without a profile.
        await server.Admin.GetDatabase().StringSetAsync(Keys.Profile($"lasting-{customer}"), "{}");
        await server.Admin.GetDatabase().SetAddAsync("nba:{p-sweep#01}:wishlist", $"gone-{customer}");
        var sweep = await new RetentionSweeper(sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetRequiredService<IOptions<RedisOptions>>(),
            Options.Create(new ProfileRules()), Options.Create(new PrivacyOptions { RetentionRecheckSeconds = 0 }), TimeProvider.System,
            NullLogger<RetentionSweeper>.Instance).SweepAsync(CancellationToken.None);
        Assert.True(sweep.ProfilesGivenExpiry >= 1 && sweep.IndexMembershipsRemoved >= 1);

        var erased = Customer();
        await SeedEveryFamilyAsync(erased);
        Assert.Equal(PrivacyReceipt.Erased, (await sp.GetRequiredService<PrivacyRequests>().EraseAsync(erased)).Outcome);
        await AssertErasedAsync(erased);

        await AssertNoDenialAsync(host, Ingestion);
    }

    [Fact]
    public async Task Simulator_OnlyConnectsAndPings()
    {
        using var host = server.HostAs(Simulator);
        var redis = host.Services.GetRequiredService<IConnectionMultiplexer>();

        await AssertNoDenialAsync(host, Simulator);
        var read = await Assert.ThrowsAsync<RedisServerException>(() => redis.GetDatabase().StringGetAsync(Keys.Profile(Customer())));
        Assert.StartsWith("NOPERM", read.Message, StringComparison.Ordinal);
    }

    /// <summary>The notification steps of the ingestion worker, each as its classes send it (FanoutWorker's calls as it makes them).</summary>
    private static async Task RunNotificationStepsAsync(NotificationStore store, string customer)
    {
        var db = store.Database;
        var data = new NotificationData("n1", customer, NotificationChannels.Push, "t", "b", [], $"dedup-{customer}", Now.AddDays(1), "marketing", Now);
        var notification = new Notification(NotificationTypes.WishlistPriceDrop, data);
        var claim = await store.QueueClaim(db, new PolicyDecision(PolicyOutcome.Defer, "quiet_hours", notification, Now, "2026-11-23", "2026-W48"));
        Assert.Equal(ClaimResult.Claimed, NotificationStore.ParseClaim(claim));
        var dedup = store.DedupKey(customer, data.DedupKey);
        await store.QueueSchedule(db, NotificationStore.DeferredMember(dedup), Now.AddSeconds(-1));
        await store.QueueSchedule(db, NotificationStore.OrderMember(customer, "o1"), Now.AddSeconds(-1));
        Assert.Contains(NotificationStore.DeferredMember(dedup), await store.LeaseDueAsync(Now, TimeSpan.FromSeconds(60), 500));
        Assert.Equal(NotificationStore.Deferred, (await store.GetStateAsync(dedup)).State);
        await store.QueueState(db, customer, data.DedupKey, NotificationStore.Sent);
        await store.RemoveScheduledAsync(NotificationStore.DeferredMember(dedup));

        var wishlist = store.IndexShard($"p-{customer}", ProductIndex.Wishlist, store.ShardOf(customer));
        await db.SetAddAsync(wishlist, customer);
        await db.SetAddAsync(store.IndexShard($"p-{customer}", ProductIndex.Buyers, store.ShardOf(customer)), customer);
        await db.SetRemoveAsync(wishlist, customer);
        var job = $"job-{customer}";
        await db.HashSetAsync(store.FanoutJobs, job, "{}", When.NotExists);
        await db.HashGetAllAsync(store.FanoutJobs);
        Assert.True(await db.StringSetAsync(store.FanoutLock(job), "owner", TimeSpan.FromSeconds(60), When.NotExists));
        await db.HashGetAsync(store.FanoutProgress, job);
        await db.ExecuteAsync("SSCAN", (RedisKey)wishlist, 0, "COUNT", 500);
        await db.HashSetAsync(store.FanoutProgress, job, "1:0");
        await db.KeyExpireAsync(store.FanoutLock(job), TimeSpan.FromSeconds(60));
        await db.KeyDeleteAsync(store.FanoutLock(job));
        await db.HashDeleteAsync(store.FanoutJobs, job);
        await db.HashDeleteAsync(store.FanoutProgress, job);
    }

    private static string Customer() => $"cust-{Guid.NewGuid():N}";

    /// <summary>A key (or membership) of the customer in every family erasure removes, written as admin.</summary>
    private async Task SeedEveryFamilyAsync(string customer)
    {
        var db = server.Admin.GetDatabase();
        foreach (var key in new[] { Keys.Profile(customer), Keys.Bookkeeping(customer), Keys.Temporary(customer), Keys.Version(customer) })
        {
            await db.StringSetAsync(key, "x");
        }

        await db.HashSetAsync(Keys.Contacts(customer), "d:a1", 1);
        await db.HashSetAsync(Keys.Decisions(customer), $"r:d-{customer}", "1|checkout|a1");
        await db.StringSetAsync(Keys.DecisionOwner($"d-{customer}"), customer);
        await db.HashSetAsync(Keys.Release1Decision($"old-{customer}"), "customer", customer);
        await db.StringSetAsync($"nba:{{{customer}}}:ntf:00ff", "S");
        await db.HashSetAsync($"nba:{{{customer}}}:ntfday:2026-11-23", "*", 1);
        await db.HashSetAsync($"nba:{{{customer}}}:ntfweek:2026-W48", "*", 1);
        await db.SetAddAsync("nba:{p-erase#03}:wishlist", customer);
        await db.SetAddAsync("nba:{p-erase#03}:buyers", customer);
        await db.SortedSetAddAsync("nba:notify:schedule", $"o|{customer}|o1", 1);
        await db.StringSetAsync(DecisionLogKeys.KeyName("nba", await SubjectAsync(customer)), new byte[32]);
    }

    /// <summary>The customer's subject hash, from the key the services share in Redis (made by the first of them).</summary>
    private async Task<string> SubjectAsync(string customer) =>
        await new SubjectHasher(server.Admin, Options.Create(new PrivacyOptions()), Options.Create(new RedisOptions())).HashAsync(customer);

    private async Task AssertErasedAsync(string customer)
    {
        var db = server.Admin.GetDatabase();
        Assert.Equal(0, await db.KeyExistsAsync([Keys.Profile(customer), Keys.Contacts(customer), Keys.DecisionOwner($"d-{customer}"),
            Keys.Release1Decision($"old-{customer}"), $"nba:{{{customer}}}:ntfweek:2026-W48"]));
        Assert.False(await db.SetContainsAsync("nba:{p-erase#03}:buyers", customer));
        Assert.Null(await db.SortedSetScoreAsync("nba:notify:schedule", $"o|{customer}|o1"));
        Assert.False(await db.KeyExistsAsync(DecisionLogKeys.KeyName("nba", await SubjectAsync(customer))));
    }

    /// <summary>
    /// No entry in the ACL log for <paramref name="user"/>: neither a command of the service nor one StackExchange.Redis
    /// sent on its own (some, like CLIENT SETINFO, it sends without waiting for the answer, so only the log shows them).
    /// </summary>
    private async Task AssertNoDenialAsync(IHost host, string user)
    {
        var redis = host.Services.GetRequiredService<IConnectionMultiplexer>();
        await redis.GetDatabase().PingAsync();
        // Over the subscription connection too, so its handshake has happened.
        await redis.GetSubscriber().PingAsync();
        Assert.True(redis.IsConnected);
        var denied = await server.DeniedAsync(user);
        Assert.True(denied.Count == 0, $"{user} was denied: {string.Join("; ", denied)}");
    }
}
