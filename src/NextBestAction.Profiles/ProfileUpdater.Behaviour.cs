using NextBestAction.Contracts;

namespace NextBestAction.Profiles;

/// <summary>Browsing, interest, temporary context, engagement and consent.</summary>
public sealed partial class ProfileUpdater
{
    /// <summary>
    /// Whether the customer objects to profiling (GDPR Art. 21: profiling consent withdrawn) or processing is restricted
    /// (Art. 18). Then no interest, life stage, seasonal bucket, recent view or search is built; what service, orders
    /// and consent need is still stored.
    /// </summary>
    private static bool ProfilingStopped(CustomerProfile profile) => profile.Consent.ProfilingStopped;

    private bool View(CustomerProfile profile, ProductViewedData d, DateTimeOffset t)
    {
        if (!ProfilingStopped(profile))
        {
            InsertByTime(profile.RecentViews, new ProductView(d.ProductId!, d.Category!, d.ProductLine!, d.Price!.Value, t), v => v.At, ProfileLimits.RecentViews);
            AddInterest(profile, d.Category!, d.ProductLine!, ViewWeight, t);
        }

        TouchSession(profile, d.SessionId, channel: null, t);
        return true;
    }

    private static bool Search(CustomerProfile profile, SearchPerformedData d, DateTimeOffset t)
    {
        if (ProfilingStopped(profile))
        {
            return false;
        }

        InsertByTime(profile.RecentSearches, new SearchEntry(d.Query!, t), s => s.At, ProfileLimits.RecentSearches);
        return true;
    }

    /// <summary>Long-term interest, except for life-stage bookkeeping; seasonal purchases go elsewhere (see orders).</summary>
    private void AddInterest(CustomerProfile profile, string category, string productLine, double weight, DateTimeOffset t)
    {
        // Special-category inferences live only for their horizon: past it they are removed, not just hidden.
        if (profile.LifeStageSince.Count > 0)
        {
            ForgetSpecialCategories(profile, special => PastHorizon(profile, special, t));
        }

        if (ProfilingStopped(profile) || !MayInfer(profile, category))
        {
            return;
        }

        AddScore(profile.CategoryInterest, category, weight, t, rules.InterestHalfLife);
        AddScore(profile.ProductLineInterest, productLine, weight, t, rules.InterestHalfLife);
        if (rules.LifeStageHorizonDays.ContainsKey(category))
        {
            profile.LifeStageSince[category] = Min(profile.LifeStageSince.TryGetValue(category, out var since) ? since : null, t);
        }
    }

    /// <summary>A special category (GDPR Art. 9) is inferred only with the customer's explicit consent to it.</summary>
    private bool MayInfer(CustomerProfile profile, string category) =>
        profile.Consent.SpecialCategories == true || !rules.IsSpecialCategory(category);

    private bool PastHorizon(CustomerProfile profile, string category, DateTimeOffset t) =>
        rules.LifeStageHorizonDays.TryGetValue(category, out var days)
        && profile.LifeStageSince.TryGetValue(category, out var since)
        && t - since > TimeSpan.FromDays(days);

    /// <summary>Removes what was inferred about each special category for which <paramref name="forget"/> holds.</summary>
    private void ForgetSpecialCategories(CustomerProfile profile, Func<string, bool> forget)
    {
        foreach (var category in profile.CategoryInterest.Keys.Concat(profile.LifeStageSince.Keys).Concat(profile.SeasonalInterest.Keys)
                     .Where(rules.IsSpecialCategory).Distinct(StringComparer.Ordinal).Where(forget).ToList())
        {
            profile.CategoryInterest.Remove(category);
            profile.SeasonalInterest.Remove(category);
            profile.LifeStageSince.Remove(category);
        }
    }

    private static void AddScore(Dictionary<string, DecayingScore> scores, string key, double weight, DateTimeOffset t, TimeSpan halfLife)
    {
        scores[key] = scores.TryGetValue(key, out var current) ? current.Add(weight, t, halfLife) : new DecayingScore(weight, t);
        if (scores.Count > ProfileLimits.Interests)
        {
            var latest = scores.Values.Max(s => s.At);
            var weakest = scores.MinBy(kv => kv.Value.ValueAt(latest, halfLife)).Key;
            scores.Remove(weakest);
        }
    }

    /// <summary>Session context is temporary: it expires a fixed time after the session's last activity.</summary>
    private bool TouchSession(CustomerProfile profile, string? sessionId, string? channel, DateTimeOffset t)
    {
        if (string.IsNullOrEmpty(sessionId))
        {
            return false;
        }

        var current = profile.Temporary.Session;
        var expires = t.AddMinutes(rules.SessionTtlMinutes);
        SessionContext next;
        if (current is not null && current.SessionId == sessionId)
        {
            next = current with
            {
                Channel = current.Channel ?? channel,
                StartedAt = Min(current.StartedAt, t),
                LastActivityAt = Max(current.LastActivityAt, t),
                ExpiresAt = Max(current.ExpiresAt, expires),
            };
        }
        else if (current is null || t >= current.LastActivityAt)
        {
            next = new SessionContext(sessionId, channel, t, t, expires, CheckoutCartValue: null);
        }
        else
        {
            // A late event of an older session: the newer session stays.
            return false;
        }

        profile.Temporary = profile.Temporary with { Session = next };
        return true;
    }

    private bool StartCheckout(CustomerProfile profile, CheckoutStartedData d, DateTimeOffset t)
    {
        var session = profile.Temporary.Session;
        if (session is null || t < session.LastActivityAt.AddMinutes(-rules.SessionTtlMinutes))
        {
            return false;
        }

        profile.Temporary = profile.Temporary with
        {
            Session = session with
            {
                CheckoutCartValue = d.CartValue,
                LastActivityAt = Max(session.LastActivityAt, t),
                ExpiresAt = Max(session.ExpiresAt, t.AddMinutes(rules.SessionTtlMinutes)),
            },
        };
        return true;
    }

    /// <summary>Location is kept only with location consent, and only briefly.</summary>
    private bool ReportLocation(CustomerProfile profile, LocationReportedData d, DateTimeOffset t)
    {
        if (profile.Consent.Location != true || profile.Temporary.Location is { } current && current.At >= t)
        {
            return false;
        }

        profile.Temporary = profile.Temporary with
        {
            Location = new LocationFix(d.Lat!.Value, d.Lon!.Value, t, t.AddMinutes(rules.LocationTtlMinutes)),
        };
        return true;
    }

    private static bool RespondToCampaign(CustomerProfile profile, CampaignRespondedData d, DateTimeOffset t)
    {
        profile.CampaignResponses[d.Response!] = profile.CampaignResponses.GetValueOrDefault(d.Response!) + 1;
        if (d.Response is "opened" or "clicked")
        {
            profile.LastEngagedAt = Max(profile.LastEngagedAt, t);
        }

        return true;
    }

    private static bool OpenNotification(CustomerProfile profile, NotificationOpenedData d, DateTimeOffset t)
    {
        profile.NotificationsOpened++;
        if (NotificationChannelOf(d.NotificationId!) is { } channel)
        {
            profile.NotificationOpensByChannel[channel] = profile.NotificationOpensByChannel.GetValueOrDefault(channel) + 1;
        }

        profile.LastEngagedAt = Max(profile.LastEngagedAt, t);
        return true;
    }

    private static bool RecordOffer(CustomerProfile profile, OfferOutcomeData d, string outcome, DateTimeOffset t)
    {
        var current = profile.OfferOutcomes.GetValueOrDefault(d.ActionId!) ?? new OfferOutcomes(0, 0, t);
        var lastAt = Max(current.LastAt, t);
        profile.OfferOutcomes[d.ActionId!] = outcome switch
        {
            EventTypes.OfferAccepted => current with { Accepted = current.Accepted + 1, LastAt = lastAt },
            EventTypes.OfferDeclined => current with { Declined = current.Declined + 1, LastAt = lastAt, LastDeclinedAt = Max(current.LastDeclinedAt, t) },
            _ => current with { Ignored = current.Ignored + 1, LastAt = lastAt },
        };
        TrimOldest(profile.OfferOutcomes, o => o.LastAt, ProfileLimits.OfferOutcomes);
        if (outcome == EventTypes.OfferAccepted)
        {
            profile.LastEngagedAt = Max(profile.LastEngagedAt, t);
        }

        return true;
    }

    /// <summary>
    /// Each purpose keeps its latest change by event time; withdrawing location consent drops the location. Every
    /// statement, late ones too, joins the consent history in time order.
    /// </summary>
    private bool ChangeConsent(CustomerProfile profile, ConsentChangedData d, DateTimeOffset t, string sender)
    {
        InsertByTime(profile.ConsentHistory, new ConsentRecord(t, d.Marketing, d.Profiling, d.Location, sender, d.CollectedVia, d.TextVersion)
        {
            Restricted = d.Restricted,
            SpecialCategories = d.SpecialCategories,
            Reason = d.Reason,
        }, r => r.At, ProfileLimits.ConsentHistory);
        var consent = profile.Consent;
        if (d.Marketing is { } marketing && !(consent.MarketingAt > t))
        {
            consent = consent with { Marketing = marketing, MarketingAt = t };
        }

        if (d.Profiling is { } profiling && !(consent.ProfilingAt > t))
        {
            consent = consent with { Profiling = profiling, ProfilingAt = t };
        }

        if (d.SpecialCategories is { } special && !(consent.SpecialCategoriesAt > t))
        {
            consent = consent with { SpecialCategories = special, SpecialCategoriesAt = t };
        }

        if (d.Restricted is { } restricted && !(consent.RestrictedAt > t))
        {
            consent = consent with { Restricted = restricted, RestrictedAt = t };
        }

        if (d.Location is { } location && !(consent.LocationAt > t))
        {
            consent = consent with { Location = location, LocationAt = t };
            if (!location)
            {
                profile.Temporary = profile.Temporary with { Location = null };
            }
        }

        profile.Consent = consent;
        if (ProfilingStopped(profile))
        {
            // What profiling built so far goes too, including anything built from events after the objection that came in before it.
            profile.CategoryInterest.Clear();
            profile.ProductLineInterest.Clear();
            profile.SeasonalInterest.Clear();
            profile.LifeStageSince.Clear();
            profile.RecentViews.Clear();
            profile.RecentSearches.Clear();
        }
        else if (profile.Consent.SpecialCategories != true)
        {
            ForgetSpecialCategories(profile, _ => true);
        }

        return true;
    }

    /// <summary>
    /// Our notification ids read <c>ntf-{channel}-{hash}</c>, so an open tells which channel reached the customer;
    /// ids of other senders count as opens without a channel.
    /// </summary>
    public static string? NotificationChannelOf(string notificationId)
    {
        foreach (var channel in PreferencesChangedData.Channels)
        {
            if (notificationId.StartsWith($"ntf-{channel}-", StringComparison.Ordinal))
            {
                return channel;
            }
        }

        return null;
    }

    /// <summary>A newer change replaces the fields it sets; an older one than the last applied is ignored as a whole.</summary>
    private static bool ChangePreferences(CustomerProfile profile, PreferencesChangedData d, DateTimeOffset t)
    {
        var current = profile.Preferences;
        if (current.ChangedAt > t)
        {
            return false;
        }

        profile.Preferences = current with
        {
            TimeZone = d.TimeZone ?? current.TimeZone,
            PreferredChannel = d.PreferredChannel ?? current.PreferredChannel,
            Push = d.Push ?? current.Push,
            Email = d.Email ?? current.Email,
            ServiceNotifications = d.ServiceNotifications ?? current.ServiceNotifications,
            B2b = d.B2b ?? current.B2b,
            ChangedAt = t,
        };
        return true;
    }
}
