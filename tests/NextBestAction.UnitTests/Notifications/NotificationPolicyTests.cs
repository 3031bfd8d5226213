using System.Text.Json.Nodes;
using NextBestAction.Contracts;
using NextBestAction.Notifications;
using NextBestAction.Profiles;
using static NextBestAction.UnitTests.Notifications.NotificationTestData;

namespace NextBestAction.UnitTests.Notifications;

public sealed class NotificationPolicyTests
{
    /// <summary>Monday 10:15 UTC: 11:15 in Amsterdam, outside the default quiet hours.</summary>
    private static readonly DateTimeOffset Now = TestEvents.Now;

    private static NotificationPolicy Policy(Action<NotificationOptions>? configure = null)
    {
        var options = new NotificationOptions();
        configure?.Invoke(options);
        return new NotificationPolicy(options);
    }

    private static NotificationCandidate Candidate(string type = NotificationTypes.WishlistPriceDrop, string customer = "cust-1", DateTimeOffset? expiresAt = null) =>
        new(type, customer, $"{customer}:{type}:x", "title", "body", ["WHY: because"], Now, expiresAt ?? Now.AddHours(72));

    private static void Preferences(CustomerProfile profile, JsonObject data) =>
        Apply(profile, EventTypes.PreferencesChanged, data, Now.AddDays(-1));

    [Fact]
    public void Decide_MarketingWithConsent_SendsWithReasonsIdAndExpiry()
    {
        var decision = Policy().Decide(Candidate(), Consenting(), Now);

        Assert.Equal(PolicyOutcome.Send, decision.Outcome);
        var data = decision.Notification!.Data;
        Assert.Equal("push", data.Channel);
        Assert.Equal(Now.AddHours(72), data.ExpiresAt);
        Assert.Contains("WHY: because", data.Reasons);
        Assert.Contains(data.Reasons, r => r.StartsWith("MARKETING_CONSENT", StringComparison.Ordinal));
        Assert.Matches("^ntf-push-[0-9a-f]{16}$", data.NotificationId);
        Assert.Equal("marketing", data.Kind);
    }

    [Fact]
    public void Decide_SameCandidateTwice_SameId()
    {
        var policy = Policy();

        Assert.Equal(policy.Decide(Candidate(), Consenting(), Now).Notification!.Id, policy.Decide(Candidate(), Consenting(), Now.AddMinutes(5)).Notification!.Id);
    }

    [Fact]
    public void Decide_MarketingWithoutConsentOptIn_Suppressed()
    {
        var decision = Policy().Decide(Candidate(), new CustomerProfile { CustomerId = "cust-1" }, Now);

        Assert.Equal((PolicyOutcome.Suppress, PolicyDecision.Reasons.NoMarketingConsent), (decision.Outcome, decision.Reason));
    }

    [Fact]
    public void Decide_MarketingWithoutConsentOptOut_Sends()
    {
        var decision = Policy(o => o.MarketingConsent = "optOut").Decide(Candidate(), new CustomerProfile { CustomerId = "cust-1" }, Now);

        Assert.Equal(PolicyOutcome.Send, decision.Outcome);
        Assert.Contains(decision.Notification!.Data.Reasons, r => r.StartsWith("MARKETING_OPT_OUT", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("optIn")]
    [InlineData("optOut")]
    public void Decide_AfterObjection_NoMarketingOfAnyType(string mode)
    {
        var profile = Consenting();
        Apply(profile, EventTypes.ConsentChanged, new JsonObject { ["marketing"] = false }, Now.AddHours(-1));
        var policy = Policy(o => o.MarketingConsent = mode);

        foreach (var type in NotificationTypes.All.Where(t => !NotificationTypes.IsService(t)))
        {
            var decision = policy.Decide(Candidate(type), profile, Now);
            Assert.Equal((PolicyOutcome.Suppress, PolicyDecision.Reasons.Objected), (decision.Outcome, decision.Reason));
        }
    }

    [Fact]
    public void Decide_ServiceNotification_IgnoresMarketingObjectionButFollowsItsOwnSetting()
    {
        var profile = Consenting();
        Apply(profile, EventTypes.ConsentChanged, new JsonObject { ["marketing"] = false }, Now.AddHours(-1));
        var policy = Policy();

        var allowed = policy.Decide(Candidate(NotificationTypes.DeliveryDelay), profile, Now);
        Preferences(profile, new JsonObject { ["serviceNotifications"] = false });
        var refused = policy.Decide(Candidate(NotificationTypes.DeliveryDelay), profile, Now);

        Assert.Equal(PolicyOutcome.Send, allowed.Outcome);
        Assert.Equal("service", allowed.Notification!.Data.Kind);
        Assert.Equal((PolicyOutcome.Suppress, PolicyDecision.Reasons.ServiceOptedOut), (refused.Outcome, refused.Reason));
    }

    [Fact]
    public void Decide_WhileProcessingIsRestricted_NothingIsSent_NotEvenService()
    {
        var profile = Consenting();
        Apply(profile, EventTypes.ConsentChanged, new JsonObject { ["restricted"] = true, ["reason"] = "ticket-1" }, Now.AddHours(-1));
        var policy = Policy();

        var service = policy.Decide(Candidate(NotificationTypes.DeliveryDelay), profile, Now);
        var marketing = policy.Decide(Candidate(NotificationTypes.WishlistPriceDrop), profile, Now);

        Assert.Equal((PolicyOutcome.Suppress, PolicyDecision.Reasons.Restricted), (service.Outcome, service.Reason));
        Assert.Equal((PolicyOutcome.Suppress, PolicyDecision.Reasons.Restricted), (marketing.Outcome, marketing.Reason));
    }

    [Fact]
    public void Decide_Expired_Suppressed()
    {
        var decision = Policy().Decide(Candidate(expiresAt: Now), Consenting(), Now);

        Assert.Equal((PolicyOutcome.Suppress, PolicyDecision.Reasons.Expired), (decision.Outcome, decision.Reason));
    }

    [Fact]
    public void Decide_InQuietHoursOfCustomersZone_DeferredToTheirMorning()
    {
        var profile = Consenting();
        Preferences(profile, new JsonObject { ["timeZone"] = "Asia/Tokyo" });

        // 10:15 UTC is 19:15 in Tokyo: quiet from 18:00 to 09:00 there.
        var decision = Policy(o => (o.QuietHoursStart, o.QuietHoursEnd) = ("18:00", "09:00")).Decide(Candidate(), profile, Now);

        Assert.Equal(PolicyOutcome.Defer, decision.Outcome);
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero), decision.SendAt);
        Assert.Equal("2026-11-24", decision.CapDay);
        Assert.Contains(decision.Notification!.Data.Reasons, r => r.StartsWith("QUIET_HOURS: deferred to 2026-11-24 09:00 in Asia/Tokyo", StringComparison.Ordinal));
    }

    [Fact]
    public void Decide_SameMomentInDefaultZone_NotQuiet()
    {
        var decision = Policy(o => (o.QuietHoursStart, o.QuietHoursEnd) = ("18:00", "09:00")).Decide(Candidate(), Consenting(), Now);

        Assert.Equal(PolicyOutcome.Send, decision.Outcome);
    }

    [Fact]
    public void Decide_QuietHoursOutlastExpiry_Suppressed()
    {
        var decision = Policy(o => (o.QuietHoursStart, o.QuietHoursEnd) = ("11:00", "12:00"))
            .Decide(Candidate(expiresAt: Now.AddMinutes(30)), Consenting(), Now);

        Assert.Equal((PolicyOutcome.Suppress, PolicyDecision.Reasons.ExpiresInQuietHours), (decision.Outcome, decision.Reason));
    }

    [Theory]
    [InlineData("22:00", "08:00", 23, 30, "2026-11-24T08:00")]
    [InlineData("22:00", "08:00", 3, 0, "2026-11-23T08:00")]
    [InlineData("22:00", "08:00", 8, 0, null)]
    [InlineData("22:00", "08:00", 21, 59, null)]
    [InlineData("12:00", "14:00", 13, 0, "2026-11-23T14:00")]
    [InlineData("12:00", "14:00", 14, 0, null)]
    [InlineData("00:00", "00:00", 3, 0, null)]
    public void QuietUntil_Windows(string start, string end, int hour, int minute, string? expectedLocal)
    {
        var policy = Policy(o => (o.QuietHoursStart, o.QuietHoursEnd) = (start, end));

        var until = policy.QuietUntil(new DateTimeOffset(2026, 11, 23, hour, minute, 0, TimeSpan.Zero), TimeZoneInfo.Utc);

        Assert.Equal(expectedLocal, until?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void QuietUntil_EndInDaylightSavingGap_FirstValidTimeAfter()
    {
        // Europe/Amsterdam skips 02:00-03:00 on 2026-03-29; quiet hours ending 02:30 end at 03:30 local (01:30 UTC).
        var policy = Policy(o => (o.QuietHoursStart, o.QuietHoursEnd) = ("22:00", "02:30"));
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Amsterdam");

        var until = policy.QuietUntil(new DateTimeOffset(2026, 3, 28, 23, 0, 0, TimeSpan.Zero), zone);

        Assert.Equal(new DateTimeOffset(2026, 3, 29, 1, 30, 0, TimeSpan.Zero), until);
    }

    [Fact]
    public void ChooseChannel_HighValueB2b_AccountManager()
    {
        var profile = Consenting();
        Preferences(profile, new JsonObject { ["b2b"] = true, ["preferredChannel"] = "email" });
        Apply(profile, EventTypes.OrderPlaced, Order("o-1", Now.AddDays(3), ("p-1", "servers", 12_000m)), Now.AddDays(-2));

        var (channel, reason) = Policy().ChooseChannel(profile);

        Assert.Equal(NotificationChannels.AccountManager, channel);
        Assert.StartsWith("CHANNEL_ACCOUNT_MANAGER", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ChooseChannel_LowValueB2b_FollowsPreference()
    {
        var profile = Consenting();
        Preferences(profile, new JsonObject { ["b2b"] = true, ["preferredChannel"] = "email" });

        Assert.Equal(NotificationChannels.Email, Policy().ChooseChannel(profile).Channel);
    }

    [Fact]
    public void ChooseChannel_NoPreference_FollowsWhereTheyOpen()
    {
        var profile = Consenting();
        var policy = Policy();
        Assert.Equal(NotificationChannels.Push, policy.ChooseChannel(profile).Channel);

        foreach (var id in new[] { "ntf-email-0000000000000001", "ntf-email-0000000000000002", "ntf-push-0000000000000003" })
        {
            Apply(profile, EventTypes.NotificationOpened, new JsonObject { ["notificationId"] = id }, Now.AddHours(-1));
        }

        var (channel, reason) = policy.ChooseChannel(profile);
        Assert.Equal(NotificationChannels.Email, channel);
        Assert.StartsWith("CHANNEL_ENGAGEMENT: opened 2 e-mail against 1 push", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ChooseChannel_ObjectionToProfiling_LeavesEngagementHistoryUnused()
    {
        var profile = Consenting();
        foreach (var id in new[] { "ntf-email-0000000000000001", "ntf-email-0000000000000002" })
        {
            Apply(profile, EventTypes.NotificationOpened, new JsonObject { ["notificationId"] = id }, Now.AddHours(-1));
        }

        Apply(profile, EventTypes.ConsentChanged, new JsonObject { ["profiling"] = false }, Now.AddMinutes(-30));
        var (channel, reason) = Policy().ChooseChannel(profile);

        Assert.Equal(NotificationChannels.Push, channel);
        Assert.Contains("objects to profiling", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ChooseChannel_PreferredChannelTurnedOff_NotUsed()
    {
        var profile = Consenting();
        Preferences(profile, new JsonObject { ["preferredChannel"] = "push", ["push"] = false });

        Assert.Equal(NotificationChannels.Email, Policy().ChooseChannel(profile).Channel);
    }

    [Fact]
    public void Decide_EveryChannelOff_Suppressed()
    {
        var profile = Consenting();
        Preferences(profile, new JsonObject { ["push"] = false, ["email"] = false });

        var decision = Policy().Decide(Candidate(), profile, Now);

        Assert.Equal((PolicyOutcome.Suppress, PolicyDecision.Reasons.NoChannel), (decision.Outcome, decision.Reason));
    }
}
