using Microsoft.Extensions.Options;
using NextBestAction.Decisioning.Engine;
using NextBestAction.Decisioning.Serving;
using NextBestAction.IntegrationTests.Fixtures;
using NextBestAction.Profiles;
using StackExchange.Redis;

namespace NextBestAction.IntegrationTests;

/// <summary>
/// The contact history and decision records as a served decision writes them (<see cref="ServedDecisionWrites"/>), and
/// their reads, against a real redis-server and the embedded Garnet.
/// </summary>
public sealed class ContactHistoryStoreTests(RedisServerFixture redis, GarnetFixture garnet)
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    public static TheoryData<string> Backends => ["redis-server", "garnet"];

    private (ContactHistoryStore Store, RedisProfileStore Profiles, IDatabase Db) Store(string backend)
    {
        var connection = backend == "garnet" ? garnet.Connection : redis.Connection;
        var profiles = new RedisProfileStore(connection, Options.Create(new RedisOptions { Configuration = "unused", KeyPrefix = $"c{Guid.NewGuid():N}"[..12] }));
        return (new ContactHistoryStore(profiles), profiles, connection.GetDatabase());
    }

    private static readonly TimeSpan OutcomeWindow = TimeSpan.FromDays(7);

    private static Task RecordImpressionsAsync(RedisProfileStore profiles, IDatabase db, string customerId, IReadOnlyList<(string ActionId, bool Marketing)> shown, DateTimeOffset at) =>
        new ServedDecisionWrites(profiles).QueueAsync(
            db, new DecisionRecord(Guid.CreateVersion7().ToString("N"), customerId, [.. shown.Select(s => s.ActionId)], at, "checkout"), shown,
            Explanation.ToJson(), OutcomeWindow);

    private static readonly DecisionExplanation Explanation = new("web", false, "prior-v2", "cat-1", "greedy", "treatment",
        new Arbitration("bundle", 0.1, 0.7, "bundle signal stronger"),
        [new ChosenAction("bundle-a", "bundle", "Bundle A", 3.2, 0.4, 8, 1, ["in_cart_line"], [new FeatureContribution("action.affinity", 1.5)])]);

    private static async Task<ContactHistory> ReadAsync(ContactHistoryStore store, IDatabase db, string customerId) =>
        ContactHistory.FromEntries(await store.QueueRead(db, customerId), Now);

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Impressions_AreCountedPerActionAndOverallForMarketing(string backend)
    {
        var (store, profiles, db) = Store(backend);

        await RecordImpressionsAsync(profiles, db, "cust-1", [("bundle-a", true), ("service-b", false)], Now);
        await RecordImpressionsAsync(profiles, db, "cust-1", [("bundle-a", true)], Now);
        var history = await ReadAsync(store, db, "cust-1");

        Assert.Equal((2, 2), history.Shown("bundle-a"));
        Assert.Equal((1, 1), history.Shown("service-b"));
        Assert.Equal((2, 2), (history.OverallToday, history.OverallWeek));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task GrownHash_IsPrunedOfDaysOlderThanAWeek_AndTheKeyExpires(string backend)
    {
        var (store, profiles, db) = Store(backend);
        var key = profiles.Keys.Contacts("cust-2");
        var today = ContactHistory.DayNumber(Now);
        var old = Enumerable.Range(0, 60).Select(i => new HashEntry(ContactHistory.ImpressionField(today - 8 - (i % 5), $"a{i}"), 1)).ToArray();
        await db.HashSetAsync(key, old);
        await db.HashSetAsync(key, ContactHistory.ImpressionField(today - 2, "kept"), 4);

        await RecordImpressionsAsync(profiles, db, "cust-2", [("bundle-a", true)], Now);

        var fields = (await db.HashKeysAsync(key)).Select(f => (string)f!).Order().ToList();
        Assert.Equal(
            new[] { ContactHistory.ImpressionField(today - 2, "kept"), ContactHistory.ImpressionField(today, ContactHistory.OverallField), ContactHistory.ImpressionField(today, "bundle-a") }.Order(),
            fields);
        var ttl = await db.KeyTimeToLiveAsync(key);
        Assert.NotNull(ttl);
        Assert.True(ttl > TimeSpan.FromDays(30));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Decline_IsReadBack(string backend)
    {
        var (store, _, db) = Store(backend);
        var at = DateTimeOffset.FromUnixTimeSeconds(Now.ToUnixTimeSeconds() - 3600);

        await store.RecordDeclineAsync("cust-3", "bundle-a", at);

        Assert.Equal(at, (await ReadAsync(store, db, "cust-3")).LastDeclined("bundle-a"));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task DecisionRecords_AreFoundByIdAlone_AndThoseOutsideTheWindowLeaveWithTheirOutcomes(string backend)
    {
        var (_, profiles, db) = Store(backend);
        var records = new DecisionRecordStore(profiles);
        var old = new List<string>();
        for (var i = 0; i < 70; i++)
        {
            var id = $"old{i:D3}";
            old.Add(id);
            await db.HashSetAsync(profiles.Keys.Decisions("cust-4"),
            [
                new HashEntry(DecisionRecordStore.RecordField(id), DecisionRecordStore.RecordValue(new DecisionRecord(id, "cust-4", ["bundle-a"], Now.AddDays(-8), "checkout"))),
                new HashEntry($"o:{id}:bundle-a", "declined"),
                new HashEntry(DecisionRecordStore.ExplanationField(id), Explanation.ToJson()),
            ]);
        }

        var recent = new DecisionRecord("recent01", "cust-4", ["bundle-a", "service-b"], Now, "checkout");
        await new ServedDecisionWrites(profiles).QueueAsync(db, recent, [("bundle-a", true), ("service-b", false)], Explanation.ToJson(), OutcomeWindow);
        Assert.Equal(OutcomeWrite.Recorded, await records.TryRecordOutcomeAsync((await records.GetAsync("recent01"))!, "service-b", "accepted"));

        var found = await records.GetAsync("recent01");
        Assert.NotNull(found);
        Assert.Equal(("cust-4", "checkout"), (found.CustomerId, found.Touchpoint));
        Assert.Equal(["bundle-a", "service-b"], found.ActionIds);
        Assert.Equal(Now.ToUnixTimeMilliseconds(), found.At.ToUnixTimeMilliseconds());
        var fields = (await db.HashKeysAsync(profiles.Keys.Decisions("cust-4"))).Select(f => (string)f!).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["o:recent01:service-b", "r:recent01", "x:recent01"], fields);
        var audited = await records.GetAuditedAsync("recent01");
        Assert.NotNull(audited?.Explanation);
        Assert.Equal(["in_cart_line"], Assert.Single(audited.Explanation.Actions).Reasons);
        Assert.Equal(("bundle", "greedy"), (audited.Explanation.Arbitration.Family, audited.Explanation.Policy));
        Assert.Equal("accepted", audited.Outcomes["service-b"]);
        Assert.False(audited.Outcomes.ContainsKey("bundle-a"));
        var ttl = await db.KeyTimeToLiveAsync(profiles.Keys.Decisions("cust-4"));
        Assert.NotNull(ttl);
        Assert.True(ttl <= OutcomeWindow);
        Assert.Equal((1, 1), (await ReadAsync(new ContactHistoryStore(profiles), db, "cust-4")).Shown("bundle-a"));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task DecisionStoredByRelease1_IsFoundAndTakesItsOutcomeWhereItIs(string backend)
    {
        var (_, profiles, db) = Store(backend);
        var records = new DecisionRecordStore(profiles);
        var key = profiles.Keys.Release1Decision("rel1dec");
        await db.HashSetAsync(key,
        [
            new HashEntry("customer", "cust-5"),
            new HashEntry("actions", "bundle-a,service-b"),
            new HashEntry("at", Now.ToUnixTimeMilliseconds()),
            new HashEntry("touchpoint", "checkout"),
        ]);

        var found = await records.GetAsync("rel1dec");

        Assert.NotNull(found);
        Assert.True(found.StoredByRelease1);
        Assert.Equal(("cust-5", "checkout"), (found.CustomerId, found.Touchpoint));
        Assert.Equal(["bundle-a", "service-b"], found.ActionIds);
        Assert.Equal(OutcomeWrite.Recorded, await records.TryRecordOutcomeAsync(found, "bundle-a", "declined"));
        Assert.Equal(OutcomeWrite.OtherOutcomeAlreadyRecorded, await records.TryRecordOutcomeAsync(found, "bundle-a", "accepted"));
        Assert.Equal("declined", (string?)await db.HashGetAsync(key, "outcome:bundle-a"));
        Assert.False(await db.KeyExistsAsync(profiles.Keys.Decisions("cust-5")));
    }
}
