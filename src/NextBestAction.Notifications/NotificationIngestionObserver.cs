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
    private readonly TimeSpan grace = TimeSpan.FromMinutes(options.Value.DeliveryDelayGraceMinutes);

    public async Task OnProfilesChangingAsync(IReadOnlyList<AppliedEvent> applied, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var batch = store.Database.CreateBatch();
        var writes = new List<Task>();
        var decisions = new List<PolicyDecision>();
        foreach (var (profile, e) in applied)
        {
            var customer = profile.CustomerId;
            switch (e.Data)
            {
                case WishlistItemAddedData added:
                    writes.Add(SyncWishlist(batch, profile, added.ProductId!));
                    break;
                case ProductRefData removed when e.Type == EventTypes.WishlistItemRemoved:
                    writes.Add(SyncWishlist(batch, profile, removed.ProductId!));
                    break;
                case OrderPlacedData placed:
                    foreach (var productId in placed.Items!.Select(i => i.ProductId!).Distinct(StringComparer.Ordinal))
                    {
                        writes.Add(batch.SetAddAsync(store.IndexShard(productId, ProductIndex.Buyers, store.ShardOf(customer)), customer));
                    }

                    if (profile.OpenOrders.FirstOrDefault(o => o.OrderId == placed.OrderId) is { } open)
                    {
                        writes.Add(store.QueueSchedule(batch, NotificationStore.OrderMember(customer, open.OrderId), open.PromisedDeliveryDate + grace));
                    }

                    break;
            }

            foreach (var candidate in triggers.ForProfileEvent(profile, e, now))
            {
                decisions.Add(policy.Decide(candidate, profile, now));
            }
        }

        if (writes.Count > 0)
        {
            batch.Execute();
            await Task.WhenAll(writes);
        }

        await dispatcher.DispatchAsync(decisions, now, cancellationToken);
    }

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

    private Task<bool> SyncWishlist(IBatch batch, CustomerProfile profile, string productId)
    {
        var key = store.IndexShard(productId, ProductIndex.Wishlist, store.ShardOf(profile.CustomerId));
        return profile.Wishlist.Any(w => w.ProductId == productId)
            ? batch.SetAddAsync(key, profile.CustomerId)
            : batch.SetRemoveAsync(key, profile.CustomerId);
    }
}
