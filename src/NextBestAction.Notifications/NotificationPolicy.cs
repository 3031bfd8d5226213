using System.Globalization;
using NextBestAction.Profiles;

namespace NextBestAction.Notifications;

public enum PolicyOutcome
{
    /// <summary>Send now (subject to the caps and the dedup key, checked atomically in Redis).</summary>
    Send,

    /// <summary>Quiet hours: send at <see cref="PolicyDecision.SendAt"/>, before the notification expires.</summary>
    Defer,

    /// <summary>Not sent; <see cref="PolicyDecision.Reason"/> says why.</summary>
    Suppress,
}

/// <summary>What the policy decided for one candidate, with the notification as it would be sent.</summary>
/// <param name="CapDay">The customer's local date of sending, for the daily caps (empty when suppressed).</param>
/// <param name="CapWeek">The customer's local ISO week of sending, for the weekly caps.</param>
public sealed record PolicyDecision(PolicyOutcome Outcome, string Reason, Notification? Notification, DateTimeOffset SendAt, string CapDay, string CapWeek)
{
    public static class Reasons
    {
        public const string Ok = "ok";
        public const string Expired = "expired";
        public const string NoMarketingConsent = "no_consent";
        public const string Objected = "objected";
        public const string Restricted = "restricted";
        public const string ServiceOptedOut = "service_opted_out";
        public const string NoChannel = "no_channel";
        public const string QuietHours = "quiet_hours";
        public const string ExpiresInQuietHours = "expires_in_quiet_hours";
    }
}

/// <summary>
/// Consent, channel choice and quiet hours for one candidate. Pure: profile, candidate and clock in. The caps and
/// the dedup key need the customer's history and are checked atomically where it is kept (<see cref="NotificationStore"/>).
/// </summary>
public sealed class NotificationPolicy(NotificationOptions options)
{
    private readonly TimeZoneInfo defaultZone = TimeZoneInfo.FindSystemTimeZoneById(options.DefaultTimeZone);

    public PolicyDecision Decide(NotificationCandidate candidate, CustomerProfile profile, DateTimeOffset now)
    {
        var zone = ZoneOf(profile);
        PolicyDecision Suppress(string reason) => new(PolicyOutcome.Suppress, reason, null, now, "", "");

        if (candidate.ExpiresAt <= now)
        {
            return Suppress(PolicyDecision.Reasons.Expired);
        }

        if (Block(candidate.Type, profile) is { } blocked)
        {
            return Suppress(blocked);
        }

        var reasons = new List<string>(candidate.Reasons)
        {
            NotificationTypes.IsService(candidate.Type)
                ? "SERVICE_NOTIFICATION: sent unless the customer turned service notifications off"
                : profile.Consent.Marketing == true
                    ? "MARKETING_CONSENT: the customer agreed to marketing"
                    : "MARKETING_OPT_OUT: the customer has not objected to marketing",
        };

        var (channel, channelReason) = ChooseChannel(profile);
        if (channel is null)
        {
            return Suppress(PolicyDecision.Reasons.NoChannel);
        }

        reasons.Add(channelReason);
        var sendAt = now;
        var outcome = PolicyOutcome.Send;
        if (QuietUntil(now, zone) is { } quietEnd)
        {
            sendAt = quietEnd;
            if (sendAt >= candidate.ExpiresAt)
            {
                return Suppress(PolicyDecision.Reasons.ExpiresInQuietHours);
            }

            outcome = PolicyOutcome.Defer;
            reasons.Add(string.Create(CultureInfo.InvariantCulture,
                $"QUIET_HOURS: deferred to {TimeZoneInfo.ConvertTime(quietEnd, zone):yyyy-MM-dd HH:mm} in {zone.Id}"));
        }

        var notification = new Notification(candidate.Type, new NotificationData(
            Notification.IdFor(channel, candidate.DedupKey), candidate.CustomerId, channel, candidate.Title, candidate.Body, reasons,
            candidate.DedupKey, candidate.ExpiresAt, NotificationTypes.IsService(candidate.Type) ? "service" : "marketing", candidate.CreatedAt));
        // Caps count on the customer's local day and week of sending.
        var local = TimeZoneInfo.ConvertTime(sendAt, zone).DateTime;
        return new PolicyDecision(outcome, outcome == PolicyOutcome.Defer ? PolicyDecision.Reasons.QuietHours : PolicyDecision.Reasons.Ok,
            notification, sendAt, local.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ProfileUpdater.IsoWeek(new DateTimeOffset(local, TimeSpan.Zero)));
    }

    /// <summary>
    /// Why the customer must not get a notification of <paramref name="type"/> now (restriction, consent, objection,
    /// their service setting), or null when they may. Checked again when a deferred notification is finally sent.
    /// </summary>
    public string? Block(string type, CustomerProfile profile)
    {
        // A restriction (GDPR Art. 18) stops every use of the stored data, service notifications included.
        if (profile.Consent.Restricted == true)
        {
            return PolicyDecision.Reasons.Restricted;
        }

        if (NotificationTypes.IsService(type))
        {
            return profile.Preferences.ServiceNotifications == false ? PolicyDecision.Reasons.ServiceOptedOut : null;
        }

        return profile.Consent.Marketing switch
        {
            false => PolicyDecision.Reasons.Objected,
            null when options.MarketingConsent == "optIn" => PolicyDecision.Reasons.NoMarketingConsent,
            _ => null,
        };
    }

    /// <summary>
    /// High-value B2B customers go to their account manager; otherwise the customer's stated preference; otherwise
    /// the channel they open notifications on (push unless they open e-mail more), unless they object to profiling
    /// (GDPR Art. 21), when their engagement history is not used; never a channel they turned off.
    /// </summary>
    public (string? Channel, string Reason) ChooseChannel(CustomerProfile profile)
    {
        var prefs = profile.Preferences;
        var pushOn = prefs.Push != false;
        var emailOn = prefs.Email != false;
        if (prefs.B2b == true && (double)profile.TotalSpend >= options.AccountManagerMinSpend)
        {
            return (NotificationChannels.AccountManager,
                string.Create(CultureInfo.InvariantCulture, $"CHANNEL_ACCOUNT_MANAGER: B2B customer with EUR {profile.TotalSpend:0.00} spend (at least {options.AccountManagerMinSpend:0.00})"));
        }

        switch (prefs.PreferredChannel)
        {
            case NotificationChannels.Push when pushOn:
                return (NotificationChannels.Push, "CHANNEL_PREFERRED: the customer prefers push");
            case NotificationChannels.Email when emailOn:
                return (NotificationChannels.Email, "CHANNEL_PREFERRED: the customer prefers e-mail");
            case NotificationChannels.AccountManager when prefs.B2b == true:
                return (NotificationChannels.AccountManager, "CHANNEL_PREFERRED: the B2B customer prefers the account manager");
        }

        if (profile.Consent.Profiling == false)
        {
            return pushOn
                ? (NotificationChannels.Push, "CHANNEL_DEFAULT: push; the customer objects to profiling, so engagement history is not used")
                : emailOn ? (NotificationChannels.Email, "CHANNEL_PUSH_OFF: push is turned off") : (null, "");
        }

        var pushOpens = profile.NotificationOpensByChannel.GetValueOrDefault(NotificationChannels.Push);
        var emailOpens = profile.NotificationOpensByChannel.GetValueOrDefault(NotificationChannels.Email);
        if (emailOn && (!pushOn || emailOpens > pushOpens))
        {
            return (NotificationChannels.Email, pushOn
                ? string.Create(CultureInfo.InvariantCulture, $"CHANNEL_ENGAGEMENT: opened {emailOpens} e-mail against {pushOpens} push notification(s)")
                : "CHANNEL_PUSH_OFF: push is turned off");
        }

        if (pushOn)
        {
            return (NotificationChannels.Push, pushOpens > 0
                ? string.Create(CultureInfo.InvariantCulture, $"CHANNEL_ENGAGEMENT: opened {pushOpens} push against {emailOpens} e-mail notification(s)")
                : "CHANNEL_DEFAULT: push, no engagement history that favours another channel");
        }

        return (null, "");
    }

    /// <summary>When the quiet hours around <paramref name="now"/> end in <paramref name="zone"/>, or null outside them.</summary>
    public DateTimeOffset? QuietUntil(DateTimeOffset now, TimeZoneInfo zone)
    {
        var start = options.QuietStart;
        var end = options.QuietEnd;
        if (start == end)
        {
            return null;
        }

        var local = TimeZoneInfo.ConvertTime(now, zone).DateTime;
        var time = local.TimeOfDay;
        DateTime endLocal;
        if (start < end)
        {
            // Quiet within one day, e.g. 12:00-14:00.
            if (time < start || time >= end)
            {
                return null;
            }

            endLocal = local.Date + end;
        }
        else if (time >= start)
        {
            endLocal = local.Date.AddDays(1) + end;
        }
        else if (time < end)
        {
            endLocal = local.Date + end;
        }
        else
        {
            return null;
        }

        endLocal = DateTime.SpecifyKind(endLocal, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(endLocal))
        {
            // The end falls in a daylight-saving gap: the first valid local time after it.
            endLocal = endLocal.AddHours(1);
        }

        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(endLocal, zone), TimeSpan.Zero);
    }

    public TimeZoneInfo ZoneOf(CustomerProfile profile) =>
        profile.Preferences.TimeZone is { } id && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : defaultZone;
}
