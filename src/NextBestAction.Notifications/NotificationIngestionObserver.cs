using System.Diagnostics;
using System.Text.Json;
using NextBestAction.Contracts;
using NextBestAction.Ingestion;
using NextBestAction.Profiles;
using StackExchange.Redis;

namespace NextBestAction.Notifications;

/// <summary>
/// Notifications on the ingestion path. Before a round of profile writes: keeps the product indexes in step with the
/// profiles (idempotent set writes from the profile's state, not the event, so a late or repeated event cannot
/// undo a newer one), schedules each new order's promised-date check, and sends what the triggers find. Catalog
/// events become stored fan-out jobs, which <see cref="FanoutWorker"/> works through at its own pace.
/// </summary>
public sealed class NotificationIngestionObserver(
    NotificationStore store, NotificationTriggers triggers, NotificationPolicy policy, NotificationDispatcher dispatcher,
    Microsoft.Extensions.Options.IOptions<NotificationOptions> options) : IIngestionObserver
{
    private readonly NotificationStore store = store;
    private readonly NotificationTriggers triggers = triggers;
    private readonly NotificationPolicy policy = policy;
    private readonly NotificationDispatcher dispatcher = dispatcher;
    private readonly TimeSpan grace = TimeSpan.FromMinutes(options.Value.DeliveryDelayGraceMinutes);

    public IIngestionRound BeginRound(WriteRound round) => new Round(this, round.Now);

    public async Task OnCatalogEventsAsync(IReadOnlyList<ValidEvent> events, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var batch = store.Database.CreateBatch();
        var writes = new List<Task>();
        foreach (var e in events)
        {
            if (triggers.ForCatalogEvent(e) is { } job)
            {
                // HSETNX: a redelivered catalog event finds its running job and does not restart it. One that already
                // finished runs again, and every customer's dedup key stops a second notification.
                writes.Add(batch.HashSetAsync(store.FanoutJobs, job.JobId,
                    JsonSerializer.Serialize(job, NotificationsJsonContext.Default.FanoutJob), When.NotExists));
            }
        }

        if (writes.Count > 0)
        {
            batch.Execute();
            await Task.WhenAll(writes);
        }
    }

    /// <summary>
    /// One write round: index writes and decisions are collected event by event (each trigger sees the profile right
    /// after its event) and sent together before the profiles are written.
    /// </summary>
    private sealed class Round(NotificationIngestionObserver owner, DateTimeOffset now) : IIngestionRound
    {
        private readonly NotificationStore store = owner.store;
        private readonly List<Func<IBatch, Task>> writes = [];
        private readonly List<PolicyDecision> decisions = [];

        public void OnApplied(CustomerProfile profile, ValidEvent e, ActivityContext trace = default)
        {
            var customer = profile.CustomerId;
            switch (e.Data)
            {
                case WishlistItemAddedData added:
                    SyncWishlist(profile, added.ProductId!);
                    break;
                case ProductRefData removed when e.Type == EventTypes.WishlistItemRemoved:
                    SyncWishlist(profile, removed.ProductId!);
                    break;
                case OrderPlacedData placed:
                    foreach (var productId in placed.Items!.Select(i => i.ProductId!).Distinct(StringComparer.Ordinal))
                    {
                        var key = store.IndexShard(productId, ProductIndex.Buyers, store.ShardOf(customer));
                        writes.Add(b => b.SetAddAsync(key, customer));
                    }

                    if (profile.OpenOrders.FirstOrDefault(o => o.OrderId == placed.OrderId) is { } open)
                    {
                        var member = NotificationStore.OrderMember(customer, open.OrderId);
                        var due = open.PromisedDeliveryDate + owner.grace;
                        writes.Add(b => store.QueueSchedule(b, member, due));
                    }

                    break;
            }

            foreach (var candidate in owner.triggers.ForProfileEvent(profile, e, now))
            {
                var decision = owner.policy.Decide(candidate, profile, now);
                // The notification's send span continues the trace of the event that caused it.
                decisions.Add(decision.Notification is { } notification ? decision with { Notification = notification with { Trace = trace } } : decision);
            }
        }

        public async Task CompleteAsync(CancellationToken cancellationToken)
        {
            if (writes.Count > 0)
            {
                // A batch keeps the order: of an add and a removal of one product, the later state wins.
                var batch = store.Database.CreateBatch();
                var pending = writes.Select(w => w(batch)).ToArray();
                batch.Execute();
                await Task.WhenAll(pending);
            }

            await owner.dispatcher.DispatchAsync(decisions, now, cancellationToken);
        }

        /// <summary>From the profile's state, not the event: a late or repeated event cannot undo a newer one.</summary>
        private void SyncWishlist(CustomerProfile profile, string productId)
        {
            var key = store.IndexShard(productId, ProductIndex.Wishlist, store.ShardOf(profile.CustomerId));
            var customer = profile.CustomerId;
            writes.Add(profile.Wishlist.Any(w => w.ProductId == productId)
                ? b => b.SetAddAsync(key, customer)
                : b => b.SetRemoveAsync(key, customer));
        }
    }
}
