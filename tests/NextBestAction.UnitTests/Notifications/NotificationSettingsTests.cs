using System.Text;
using System.Text.Json.Nodes;
using NextBestAction.Contracts;
using NextBestAction.Notifications;
using NextBestAction.Profiles;
using static NextBestAction.UnitTests.Notifications.NotificationTestData;

namespace NextBestAction.UnitTests.Notifications;

public sealed class NotificationSettingsTests
{
    private static string[] Errors(Action<NotificationOptions> configure)
    {
        var options = new NotificationOptions();
        configure(options);
        var result = new NotificationOptionsValidator().Validate(null, options);
        return result.Failed ? [.. result.Failures] : [];
    }

    [Fact]
    public void Validate_Defaults_Pass() => Assert.Empty(Errors(_ => { }));

    [Theory]
    [InlineData("Mars/Olympus", "Notifications:DefaultTimeZone")]
    public void Validate_UnknownTimeZone_NamesTheSetting(string zone, string setting) =>
        Assert.Contains(Errors(o => o.DefaultTimeZone = zone), e => e.StartsWith(setting, StringComparison.Ordinal));

    [Fact]
    public void Validate_WebhookWithoutSecret_NamesTheSetting() =>
        Assert.Contains(Errors(o => o.Webhook.Url = "https://app.example/hooks"), e => e.StartsWith("Notifications:Webhook:Secret", StringComparison.Ordinal));

    [Fact]
    public void Validate_WebhookNotHttp_NamesTheSetting() =>
        Assert.Contains(Errors(o => (o.Webhook.Url, o.Webhook.Secret) = ("ftp://x", "0123456789abcdef")), e => e.StartsWith("Notifications:Webhook:Url", StringComparison.Ordinal));

    [Fact]
    public void Validate_WebhookPlainHttp_NamesAllowHttp() =>
        Assert.Contains(Errors(o => (o.Webhook.Url, o.Webhook.Secret) = ("http://app.example/hooks", "0123456789abcdef")),
            e => e.StartsWith("Notifications:Webhook:AllowHttp", StringComparison.Ordinal));

    [Fact]
    public void Validate_WebhookPlainHttpAllowed_Passes() =>
        Assert.Empty(Errors(o => (o.Webhook.Url, o.Webhook.Secret, o.Webhook.AllowHttp) = ("http://localhost:8080/hooks", "0123456789abcdef", true)));

    [Fact]
    public void Validate_WebhookHttps_Passes() =>
        Assert.Empty(Errors(o => (o.Webhook.Url, o.Webhook.Secret, o.Webhook.PreviousSecret) = ("https://app.example/hooks", "0123456789abcdef", "fedcba9876543210")));

    [Fact]
    public void Validate_WebhookPreviousSecretTooShort_NamesTheSetting() =>
        Assert.Contains(Errors(o => (o.Webhook.Url, o.Webhook.Secret, o.Webhook.PreviousSecret) = ("https://app.example/hooks", "0123456789abcdef", "short")),
            e => e.StartsWith("Notifications:Webhook:PreviousSecret", StringComparison.Ordinal));

    [Fact]
    public void Validate_WebhookAttemptsOutOfRange_NamesTheSetting() =>
        Assert.Contains(Errors(o => o.Webhook.MaxAttempts = 0), e => e.StartsWith("Notifications:Webhook:MaxAttempts", StringComparison.Ordinal));

    [Fact]
    public void Validate_DailyCapAboveWeekly_NamesBothSettings() =>
        Assert.Contains(Errors(o => (o.MaxPerDay, o.MaxPerWeek) = (20, 10)), e => e.Contains("MaxPerDay", StringComparison.Ordinal) && e.Contains("MaxPerWeek", StringComparison.Ordinal));

    [Fact]
    public void WebhookSignature_VerifiesOwnSignatureAndRejectsTampering()
    {
        var body = Encoding.UTF8.GetBytes("{\"id\":\"ntf-push-1\"}");
        var signature = WebhookSignature.Sign("0123456789abcdef", "1795000000", body);

        Assert.Matches("^sha256=[0-9a-f]{64}$", signature);
        Assert.True(WebhookSignature.Verify("0123456789abcdef", "1795000000", body, signature));
        Assert.False(WebhookSignature.Verify("0123456789abcdef", "1795000001", body, signature));
        Assert.False(WebhookSignature.Verify("another-secret-123", "1795000000", body, signature));
        Assert.False(WebhookSignature.Verify("0123456789abcdef", "1795000000", Encoding.UTF8.GetBytes("{\"id\":\"ntf-push-2\"}"), signature));
    }

    [Fact]
    public void WebhookSignature_TwoSecrets_EitherVerifies()
    {
        var body = Encoding.UTF8.GetBytes("{\"id\":\"ntf-push-1\"}");
        var header = WebhookSignature.SignatureHeaderValue(["new-secret-0123456789", "old-secret-0123456789"], "1795000000", body);

        Assert.Equal(
            WebhookSignature.Sign("new-secret-0123456789", "1795000000", body) + "," + WebhookSignature.Sign("old-secret-0123456789", "1795000000", body),
            header);
        Assert.True(WebhookSignature.Verify("new-secret-0123456789", "1795000000", body, header));
        Assert.True(WebhookSignature.Verify("old-secret-0123456789", "1795000000", body, header));
        Assert.False(WebhookSignature.Verify("another-secret-123", "1795000000", body, header));
        Assert.False(WebhookSignature.Verify("old-secret-0123456789", "1795000001", body, header));
    }

    [Fact]
    public void PreferencesChanged_InvalidTimeZoneOrChannel_Rejected()
    {
        var badZone = EventReader.Read(TestEvents.Json(EventTypes.PreferencesChanged, "cust-1", new JsonObject { ["timeZone"] = "Nowhere/City" }), TestEvents.Now, EventLimits.Default);
        var badChannel = EventReader.Read(TestEvents.Json(EventTypes.PreferencesChanged, "cust-1", new JsonObject { ["preferredChannel"] = "fax" }), TestEvents.Now, EventLimits.Default);
        var empty = EventReader.Read(TestEvents.Json(EventTypes.PreferencesChanged, "cust-1", []), TestEvents.Now, EventLimits.Default);

        Assert.Equal((ReadOutcome.Invalid, "data.timeZone must be an IANA time zone, for example Europe/Amsterdam"), (badZone.Outcome, badZone.Reason));
        Assert.Equal(ReadOutcome.Invalid, badChannel.Outcome);
        Assert.Equal(ReadOutcome.Invalid, empty.Outcome);
    }

    [Fact]
    public void PreferencesChanged_LaterChangeWinsAndOlderIsIgnored()
    {
        var profile = new CustomerProfile { CustomerId = "cust-1" };
        Apply(profile, EventTypes.PreferencesChanged, new JsonObject { ["timeZone"] = "Asia/Tokyo", ["push"] = false }, TestEvents.Now.AddHours(-1));
        var older = Event(EventTypes.PreferencesChanged, new JsonObject { ["timeZone"] = "Europe/London" }, TestEvents.Now.AddHours(-2));

        var outcome = Updater.Apply(profile, older, "t/0", 999_999);

        Assert.Equal(ApplyOutcome.NoProfileEffect, outcome);
        Assert.Equal(("Asia/Tokyo", false), (profile.Preferences.TimeZone, profile.Preferences.Push));
    }

    [Theory]
    [InlineData("ntf-push-0123456789abcdef", "push")]
    [InlineData("ntf-account_manager-0123456789abcdef", "account_manager")]
    [InlineData("campaign-42", null)]
    public void NotificationChannelOf_ReadsOurIds(string id, string? channel) =>
        Assert.Equal(channel, ProfileUpdater.NotificationChannelOf(id));
}
