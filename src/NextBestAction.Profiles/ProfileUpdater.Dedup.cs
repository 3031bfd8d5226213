using NextBestAction.Contracts;

namespace NextBestAction.Profiles;

/// <summary>
/// Exactly-once bookkeeping: the highest applied offset per partition, and the duplicate window of recently applied
/// CloudEvents source+id pairs, which together tell a redelivered record from a new one.
/// </summary>
public sealed partial class ProfileUpdater
{
    /// <summary>
    /// Whether the record at <paramref name="offset"/> of <paramref name="partitionKey"/> is one this profile already
    /// applied (redelivered after a crash or rebalance, or replayed by a zombie consumer). A record above the partition's
    /// applied offset is new. One at or below it is a redelivery, unless the duplicate window proves otherwise: every
    /// applied event later than <see cref="CustomerProfile.ForgottenEventsUpTo"/> is still in the window, so such an
    /// event that is not there was never applied, and its offset only looks old because the partition's offsets started
    /// again (a recreated topic, the same topic on another cluster after a failover).
    /// </summary>
    public static bool IsRedelivery(CustomerProfile profile, ValidEvent e, string? partitionKey, long offset)
    {
        if (partitionKey is null || !profile.AppliedOffsets.TryGetValue(partitionKey, out var applied) || offset > applied)
        {
            return false;
        }

        var hash = EventHash(e.DedupKey);
        var remembered = profile.RecentEvents.ContainsKey(hash) || profile.RecentEventHashes?.Contains(hash) == true;
        return remembered || (ForgottenUpTo(profile) is { } forgotten && e.Time <= forgotten);
    }

    private static void MarkOffset(CustomerProfile profile, string? partitionKey, long offset)
    {
        if (partitionKey is not null)
        {
            profile.AppliedOffsets[partitionKey] = offset;
        }
    }

    /// <summary>
    /// Event times up to which applied events may be gone from the window. A profile stored before the window had
    /// times kept only its last 32 hashes, so everything up to its last event may be forgotten (and everything, when it
    /// has none: a new-looking record of it is then taken as a redelivery, as before).
    /// </summary>
    private static DateTimeOffset? ForgottenUpTo(CustomerProfile profile) =>
        profile.RecentEventHashes is null
            ? profile.ForgottenEventsUpTo
            : Max(profile.ForgottenEventsUpTo, profile.LastSeenAt ?? DateTimeOffset.MaxValue);

    /// <summary>
    /// Moves the hashes of a profile stored before the window had times into <see cref="CustomerProfile.RecentEvents"/>;
    /// the binary format has no place for them, so the store calls this before writing too.
    /// </summary>
    public static void MigrateLegacyEventHashes(CustomerProfile profile)
    {
        if (profile.RecentEventHashes is not { } legacy)
        {
            return;
        }

        profile.ForgottenEventsUpTo = ForgottenUpTo(profile);
        var at = profile.LastSeenAt ?? profile.UpdatedAt ?? profile.ForgottenEventsUpTo!.Value;
        foreach (var hash in legacy)
        {
            profile.RecentEvents.TryAdd(hash, at);
        }

        profile.RecentEventHashes = null;
    }

    /// <summary>
    /// Remembers an applied event, dated at the customer's event clock: the latest event time the window has seen, so a
    /// late event is remembered as long as a current one. Entries older than the window on that clock go; past the
    /// entry cap the oldest go first, so a very busy customer's window is shorter than the time span. Whatever goes
    /// moves <see cref="CustomerProfile.ForgottenEventsUpTo"/> forward to its date.
    /// </summary>
    private void RememberEvent(CustomerProfile profile, long eventHash, DateTimeOffset t)
    {
        var recent = profile.RecentEvents;
        var clock = t;
        foreach (var at in recent.Values)
        {
            clock = at > clock ? at : clock;
        }

        recent[eventHash] = clock;
        var forgetBefore = clock - rules.DuplicateWindow;
        foreach (var (hash, at) in recent)
        {
            if (at < forgetBefore)
            {
                Forget(profile, hash, at);
            }
        }

        while (recent.Count > rules.DuplicateWindowMaxEvents)
        {
            // Ties go by hash, so every copy of a profile forgets the same entries.
            var (hash, at) = recent.MinBy(kv => (kv.Value, kv.Key));
            Forget(profile, hash, at);
        }
    }

    private static void Forget(CustomerProfile profile, long hash, DateTimeOffset at)
    {
        profile.RecentEvents.Remove(hash);
        profile.ForgottenEventsUpTo = Max(profile.ForgottenEventsUpTo, at);
    }
}
