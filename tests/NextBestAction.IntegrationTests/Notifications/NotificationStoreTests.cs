using Microsoft.Extensions.Options;
using NextBestAction.IntegrationTests.Fixtures;
using NextBestAction.Notifications;
using NextBestAction.Profiles;
using StackExchange.Redis;

namespace NextBestAction.IntegrationTests.Notifications;

/// <summary>The notification store's scripts and commands against a real redis-server and the embedded Garnet.</summary>
public sealed class NotificationStoreTests(RedisServerFixture redis, GarnetFixture garnet)
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    public static TheoryData<string> Backends => ["redis-server", "garnet"];

    private NotificationStore Store(string backend, Action<NotificationOptions>? configure = null)
    {
        var connection = backend == "garnet" ? garnet.Connection : redis.Connection;
        var settings = new NotificationOptions();
        configure?.Invoke(settings);
        return new NotificationStore(connection, Options.Create(new RedisOptions { KeyPrefix = $"n{Guid.NewGuid():N}"[..12] }), Options.Create(settings));
    }

    private static PolicyDecision Decision(string dedupKey, string type = NotificationTypes.SpendAlert, PolicyOutcome outcome = PolicyOutcome.Send) =>
        new(outcome, "ok", new Notification(type, new NotificationData(Notification.IdFor("push", dedupKey), "cust-1", "push", "t", "b", ["R"], dedupKey,
            Now.AddHours(1), "marketing", Now)), Now, "2026-11-23", "2026-W48");

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Claim_ThenAgain_PendingUntilMarkedSentThenDuplicateWithExpiryKept(string backend)
    {
        var store = Store(backend);
        var decision = Decision("cust-1:spend_alert:w:phones");

        var first = NotificationStore.ParseClaim(await store.QueueClaim(store.Database, decision));
        var second = NotificationStore.ParseClaim(await store.QueueClaim(store.Database, decision));
        var (state, stored) = await store.GetStateAsync(store.DedupKey("cust-1", decision.Notification!.Data.DedupKey));
        await store.QueueState(store.Database, "cust-1", decision.Notification.Data.DedupKey, NotificationStore.Sent);
        var third = NotificationStore.ParseClaim(await store.QueueClaim(store.Database, decision));
        var ttl = await store.Database.KeyTimeToLiveAsync(store.DedupKey("cust-1", decision.Notification.Data.DedupKey));

        Assert.Equal((ClaimResult.Claimed, ClaimResult.Pending, ClaimResult.Duplicate), (first, second, third));
        Assert.Equal(NotificationStore.Pending, state);
        Assert.Equal(decision.Notification.Id, stored!.Id);
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromDays(89), TimeSpan.FromDays(90));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Claim_OverTypeAndOverallCaps_Refused_ServiceExemptFromOverall(string backend)
    {
        var store = Store(backend, o => (o.MaxPerDayPerType, o.MaxPerDay) = (2, 3));

        var results = new List<ClaimResult>();
        foreach (var decision in new[]
        {
            Decision("a", NotificationTypes.SpendAlert), Decision("b", NotificationTypes.SpendAlert), Decision("c", NotificationTypes.SpendAlert),
            Decision("d", NotificationTypes.BackInStock), Decision("e", NotificationTypes.NewVersion), Decision("f", NotificationTypes.DeliveryDelay),
        })
        {
            results.Add(NotificationStore.ParseClaim(await store.QueueClaim(store.Database, decision)));
        }

        Assert.Equal([ClaimResult.Claimed, ClaimResult.Claimed, ClaimResult.CappedType, ClaimResult.Claimed, ClaimResult.CappedOverall, ClaimResult.Claimed], results);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task LeaseDue_TakesDueMembersOnceUntilTheLeaseEnds(string backend)
    {
        var store = Store(backend);
        await store.QueueSchedule(store.Database, "d|due", Now.AddSeconds(-1));
        await store.QueueSchedule(store.Database, "d|later", Now.AddHours(1));

        var first = await store.LeaseDueAsync(Now, TimeSpan.FromMinutes(1), 10);
        var during = await store.LeaseDueAsync(Now.AddSeconds(30), TimeSpan.FromMinutes(1), 10);
        var after = await store.LeaseDueAsync(Now.AddMinutes(2), TimeSpan.FromMinutes(1), 10);

        Assert.Equal(["d|due"], first);
        Assert.Empty(during);
        Assert.Equal(["d|due"], after);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task IndexShard_ScannedWithSscan_ReturnsEveryMember(string backend)
    {
        var store = Store(backend);
        var key = store.IndexShard("p-1", ProductIndex.Wishlist, 3);
        await store.Database.SetAddAsync(key, [.. Enumerable.Range(0, 1200).Select(i => (RedisValue)$"cust-{i}")]);

        var seen = new HashSet<string>();
        long cursor = 0;
        do
        {
            var scan = (RedisResult[])(await store.Database.ExecuteAsync("SSCAN", (RedisKey)key, cursor, "COUNT", 500))!;
            cursor = long.Parse((string)scan[0]!, System.Globalization.CultureInfo.InvariantCulture);
            seen.UnionWith(((RedisValue[])scan[1]!).Select(v => (string)v!));
        }
        while (cursor != 0);

        Assert.Equal(1200, seen.Count);
        Assert.StartsWith($"{key[..key.IndexOf(':', StringComparison.Ordinal)]}:{{p-1#03}}", key, StringComparison.Ordinal);
    }
}
