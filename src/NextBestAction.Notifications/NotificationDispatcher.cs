using System.Collections.Concurrent;
using NextBestAction.Telemetry;

namespace NextBestAction.Notifications;

/// <summary>
/// Takes policy decisions to Kafka exactly once per dedup key: claim in Redis (dedup and caps, one atomic script per
/// notification, pipelined), produce what was claimed or left pending, wait for Kafka, then mark it sent. A crash
/// after the claim leaves it pending, and the redelivered event sends the stored notification again with the same
/// id; a crash after Kafka's acknowledgement and before the mark is the one case that sends a copy, and the copy
/// has the same CloudEvents id. Deferred notifications are claimed (and counted) now and scheduled for later.
/// A claim left pending by a dispatch that is still sending in this process is that dispatch's to finish: the
/// ingestion path and the overdue-order schedule can reach one dedup key at the same moment, and the second must not
/// take the first one's in-flight claim for a crash and send a copy.
/// </summary>
public sealed class NotificationDispatcher(NotificationStore store, NotificationPublisher publisher, NbaTelemetry telemetry)
{
    /// <summary>The dedup keys (their Redis keys) this process is dispatching now, each with the dispatch that took it first.</summary>
    private readonly ConcurrentDictionary<string, object> inFlight = new(StringComparer.Ordinal);

    public async Task DispatchAsync(IReadOnlyList<PolicyDecision> decisions, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var toClaim = new List<PolicyDecision>(decisions.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var decision in decisions)
        {
            if (decision.Outcome == PolicyOutcome.Suppress || decision.Notification is null)
            {
                Count(decision.Notification?.Type, decision.Reason);
            }
            else if (!seen.Add(decision.Notification.Data.DedupKey))
            {
                // The same occasion twice in one batch (two orders in one week): the first one stands.
                Count(decision.Notification.Type, "duplicate");
            }
            else
            {
                toClaim.Add(decision);
            }
        }

        if (toClaim.Count == 0)
        {
            return;
        }

        var dispatch = new object();
        var owned = new HashSet<string>(StringComparer.Ordinal);
        foreach (var decision in toClaim)
        {
            var key = store.DedupKey(decision.Notification!.CustomerId, decision.Notification.Data.DedupKey);
            if (inFlight.TryAdd(key, dispatch))
            {
                owned.Add(key);
            }
        }

        try
        {
            await ClaimAndSendAsync(toClaim, owned, now, cancellationToken);
        }
        finally
        {
            foreach (var key in owned)
            {
                inFlight.TryRemove(new KeyValuePair<string, object>(key, dispatch));
            }
        }
    }

    private async Task ClaimAndSendAsync(List<PolicyDecision> toClaim, HashSet<string> owned, DateTimeOffset now, CancellationToken cancellationToken)
    {

        using var activity = telemetry.ActivitySource.StartActivity("notifications dispatch");
        activity?.SetTag("nba.notifications.candidates", toClaim.Count);
        var batch = store.Database.CreateBatch();
        var claims = toClaim.Select(d => store.QueueClaim(batch, d)).ToArray();
        batch.Execute();
        await Task.WhenAll(claims);

        var toSend = new List<Notification>();
        var toSchedule = new List<PolicyDecision>();
        for (var i = 0; i < toClaim.Count; i++)
        {
            var decision = toClaim[i];
            var result = NotificationStore.ParseClaim(claims[i].Result);
            switch (result)
            {
                case ClaimResult.Claimed when decision.Outcome == PolicyOutcome.Defer:
                    toSchedule.Add(decision);
                    break;
                case ClaimResult.Claimed:
                    toSend.Add(decision.Notification!);
                    break;
                case ClaimResult.Pending when !owned.Contains(store.DedupKey(decision.Notification!.CustomerId, decision.Notification.Data.DedupKey)):
                    // Another dispatch of this process holds the claim and is sending it now.
                    Count(decision.Notification.Type, "duplicate");
                    break;
                case ClaimResult.Pending:
                    // Claimed by an attempt that did not confirm: the stored notification (same id) goes out.
                    var (state, stored) = await store.GetStateAsync(store.DedupKey(decision.Notification!.CustomerId, decision.Notification.Data.DedupKey));
                    toSend.Add(state == NotificationStore.Pending && stored is not null ? stored : decision.Notification!);
                    break;
                default:
                    Count(decision.Notification!.Type, result switch
                    {
                        ClaimResult.CappedType => "capped_type",
                        ClaimResult.CappedOverall => "capped",
                        _ => "duplicate",
                    });
                    break;
            }
        }

        if (toSchedule.Count > 0)
        {
            var schedule = store.Database.CreateBatch();
            var writes = toSchedule.Select(d => store.QueueSchedule(schedule,
                NotificationStore.DeferredMember(store.DedupKey(d.Notification!.CustomerId, d.Notification.Data.DedupKey)), d.SendAt)).ToArray();
            schedule.Execute();
            await Task.WhenAll(writes);
            foreach (var d in toSchedule)
            {
                Count(d.Notification!.Type, "deferred");
            }
        }

        await SendAsync(toSend, now, cancellationToken);
    }

    /// <summary>Produces notifications already claimed as pending and marks them sent once Kafka acknowledged them.</summary>
    public async Task SendAsync(IReadOnlyList<Notification> notifications, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (notifications.Count == 0)
        {
            return;
        }

        // Each message gets a send span of its own in the trace of the event that caused it; this one covers the batch.
        using var activity = telemetry.ActivitySource.StartActivity("notifications publish");
        activity?.SetTag("messaging.batch.message_count", notifications.Count);
        await publisher.PublishAsync(notifications, now, cancellationToken);
        var batch = store.Database.CreateBatch();
        var marks = notifications.Select(n => store.QueueState(batch, n.CustomerId, n.Data.DedupKey, NotificationStore.Sent)).ToArray();
        batch.Execute();
        await Task.WhenAll(marks);
        foreach (var n in notifications)
        {
            telemetry.Notifications.Add(1,
                new KeyValuePair<string, object?>("type", NotificationTypes.ShortName(n.Type)),
                new KeyValuePair<string, object?>("outcome", "sent"),
                new KeyValuePair<string, object?>("channel", n.Data.Channel));
        }
    }

    public void Count(string? type, string outcome) =>
        telemetry.Notifications.Add(1,
            new KeyValuePair<string, object?>("type", type is null ? "unknown" : NotificationTypes.ShortName(type)),
            new KeyValuePair<string, object?>("outcome", outcome));
}
