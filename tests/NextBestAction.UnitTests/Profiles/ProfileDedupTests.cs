using System.Text.Json.Nodes;
using NextBestAction.Contracts;
using NextBestAction.Profiles;

namespace NextBestAction.UnitTests.Profiles;

/// <summary>The exactly-once bookkeeping: applied offsets that may start again, and the duplicate window in event time.</summary>
public sealed class ProfileDedupTests
{
    private const string Partition = "nba.clickstream/0";

    private static readonly ProfileUpdater Updater = new(ProfileRules.Default);

    private static ValidEvent View(string id, DateTimeOffset? time = null) =>
        Read(EventTypes.ProductViewed, new JsonObject { ["productId"] = $"p-{id}", ["category"] = "phones", ["productLine"] = "pixel", ["price"] = 1m }, id, time);

    private static ValidEvent Opened(string id, DateTimeOffset? time = null) =>
        Read(EventTypes.NotificationOpened, new JsonObject { ["notificationId"] = "n-push-1" }, id, time);

    private static ValidEvent Read(string type, JsonObject data, string id, DateTimeOffset? time)
    {
        var result = EventReader.Read(TestEvents.Json(type, "cust-1", data, id, time ?? TestEvents.Now), TestEvents.Now, EventLimits.Default);
        Assert.Equal(ReadOutcome.Valid, result.Outcome);
        return result.Event!;
    }

    [Fact]
    public void Apply_OffsetsStartAgainOnAFreshCluster_NewEventsAreApplied()
    {
        var profile = new CustomerProfile { CustomerId = "cust-1" };
        Updater.Apply(profile, View("old-cluster", TestEvents.Now.AddMinutes(-5)), Partition, 500);

        var outcome = Updater.Apply(profile, View("new-cluster"), Partition, 0);

        Assert.Equal(ApplyOutcome.Applied, outcome);
        Assert.Equal(2, profile.RecentViews.Count);
        Assert.Equal(0, profile.AppliedOffsets[Partition]);
    }

    [Fact]
    public void Apply_RedeliveryOfAnAppliedRecord_IsADuplicate()
    {
        var profile = new CustomerProfile { CustomerId = "cust-1" };
        var first = View("first");
        Updater.Apply(profile, first, Partition, 7);
        Updater.Apply(profile, View("second", TestEvents.Now.AddSeconds(1)), Partition, 8);

        Assert.True(ProfileUpdater.IsRedelivery(profile, first, Partition, 7));
        Assert.Equal(ApplyOutcome.Duplicate, Updater.Apply(profile, first, Partition, 7));
        Assert.Equal(2, profile.RecentViews.Count);
        Assert.Equal(8, profile.AppliedOffsets[Partition]);
    }

    [Fact]
    public void Apply_RedeliveryOfARecordTheWindowHasForgotten_IsStillADuplicate()
    {
        var updater = new ProfileUpdater(new ProfileRules { DuplicateWindowMaxEvents = 32 });
        var profile = new CustomerProfile { CustomerId = "cust-1" };
        var events = Enumerable.Range(0, 40).Select(i => View($"view-{i}", TestEvents.Now.AddSeconds(i))).ToList();
        for (var i = 0; i < events.Count; i++)
        {
            updater.Apply(profile, events[i], Partition, i);
        }

        Assert.Equal(TestEvents.Now.AddSeconds(7), profile.ForgottenEventsUpTo);
        Assert.Equal(ApplyOutcome.Duplicate, updater.Apply(profile, events[0], Partition, 0));
    }

    [Fact]
    public void Apply_NewLogRecordOlderThanWhatTheWindowForgot_IsTakenAsARedelivery()
    {
        var profile = new CustomerProfile { CustomerId = "cust-1", ForgottenEventsUpTo = TestEvents.Now.AddHours(-1) };
        profile.AppliedOffsets[Partition] = 500;

        var outcome = Updater.Apply(profile, View("late", TestEvents.Now.AddHours(-2)), Partition, 3);

        Assert.Equal(ApplyOutcome.Duplicate, outcome);
        Assert.Empty(profile.RecentViews);
    }

    [Fact]
    public void Apply_ProfileStoredBeforeTheWindowHadTimes_AppliesOnlyEventsAfterItsLastEventOnANewLog()
    {
        var profile = new CustomerProfile { CustomerId = "cust-1", LastSeenAt = TestEvents.Now.AddMinutes(-10), RecentEventHashes = [] };
        profile.AppliedOffsets[Partition] = 500;

        var older = Updater.Apply(profile, View("before-last-seen", TestEvents.Now.AddMinutes(-20)), Partition, 0);
        var newer = Updater.Apply(profile, View("after-last-seen"), Partition, 1);

        Assert.Equal((ApplyOutcome.Duplicate, ApplyOutcome.Applied), (older, newer));
        Assert.Equal(TestEvents.Now.AddMinutes(-10), profile.ForgottenEventsUpTo);
    }

    [Fact]
    public void Apply_EventReproducedAfter40OtherEvents_IsADuplicate()
    {
        var profile = new CustomerProfile { CustomerId = "cust-1" };
        var key = Partition;
        Updater.Apply(profile, Opened("opened-1"), key, 0);
        for (var i = 1; i <= 40; i++)
        {
            Updater.Apply(profile, View($"view-{i}", TestEvents.Now.AddSeconds(i)), key, i);
        }

        var outcome = Updater.Apply(profile, Opened("opened-1"), key, 41);

        Assert.Equal(ApplyOutcome.Duplicate, outcome);
        Assert.Equal(1, profile.NotificationsOpened);
        Assert.Equal(41, profile.AppliedOffsets[key]);
    }

    [Fact]
    public void Apply_EventReproducedAfterTheWindowInEventTime_IsAppliedAgain()
    {
        var profile = new CustomerProfile { CustomerId = "cust-1" };
        Updater.Apply(profile, Opened("opened-1", TestEvents.Now.AddDays(-2)), null, 0);
        Updater.Apply(profile, View("a-day-later", TestEvents.Now.AddDays(-2) + ProfileRules.Default.DuplicateWindow + TimeSpan.FromMinutes(1)), null, 0);

        var outcome = Updater.Apply(profile, Opened("opened-1", TestEvents.Now.AddDays(-2)), null, 0);

        Assert.Equal(ApplyOutcome.Applied, outcome);
        Assert.Equal(2, profile.NotificationsOpened);
    }

    [Fact]
    public void Apply_LateEvent_IsRememberedForAWindowFromTheCustomersLatestEvent()
    {
        var profile = new CustomerProfile { CustomerId = "cust-1" };
        Updater.Apply(profile, View("current", TestEvents.Now.AddHours(-1)), null, 0);
        Updater.Apply(profile, Opened("late", TestEvents.Now.AddDays(-3)), null, 0);
        Updater.Apply(profile, View("an-hour-later"), null, 0);

        var outcome = Updater.Apply(profile, Opened("late", TestEvents.Now.AddDays(-3)), null, 0);

        Assert.Equal(ApplyOutcome.Duplicate, outcome);
    }

    [Fact]
    public void Apply_WindowAtItsCap_ForgetsTheOldestFirst()
    {
        var updater = new ProfileUpdater(new ProfileRules { DuplicateWindowMaxEvents = 32 });
        var profile = new CustomerProfile { CustomerId = "cust-1" };
        for (var i = 0; i < 40; i++)
        {
            updater.Apply(profile, View($"view-{i}", TestEvents.Now.AddSeconds(i)), null, 0);
        }

        Assert.Equal(32, profile.RecentEvents.Count);
        Assert.Equal(ApplyOutcome.Duplicate, updater.Apply(profile, View("view-39", TestEvents.Now.AddSeconds(39)), null, 0));
        Assert.NotEqual(ApplyOutcome.Duplicate, updater.Apply(profile, View("view-0", TestEvents.Now), null, 0));
    }

    [Fact]
    public void Apply_HashesStoredBeforeTheWindowHadTimes_StillCatchDuplicatesAndMoveIntoTheWindow()
    {
        var opened = Opened("opened-1");
        var profile = new CustomerProfile { CustomerId = "cust-1", LastSeenAt = TestEvents.Now, RecentEventHashes = [ProfileUpdater.EventHash(opened.DedupKey)] };

        var outcome = Updater.Apply(profile, opened, null, 0);

        Assert.Equal(ApplyOutcome.Duplicate, outcome);
        Assert.Null(profile.RecentEventHashes);
        Assert.Equal(TestEvents.Now, profile.RecentEvents[ProfileUpdater.EventHash(opened.DedupKey)]);
    }
}
