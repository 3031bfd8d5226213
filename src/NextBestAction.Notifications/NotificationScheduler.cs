using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NextBestAction.Profiles;
using StackExchange.Redis;

namespace NextBestAction.Notifications;

/// <summary>
/// Works through the schedule: notifications deferred by quiet hours whose time has come, and orders whose promised
/// date (plus the grace) has passed. Members are leased, not removed, until handled, so a crash or a Redis or
/// Kafka failure brings them back after the lease; every send goes through the dedup key, so that is safe with
/// several instances too.
/// </summary>
public sealed partial class NotificationScheduler(
    NotificationStore store,
    RedisProfileStore profiles,
    NotificationTriggers triggers,
    NotificationPolicy policy,
    NotificationDispatcher dispatcher,
    IOptions<NotificationOptions> options,
    TimeProvider clock,
    ILogger<NotificationScheduler> logger) : BackgroundService
{
    private const int BatchLimit = 500;
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var poll = TimeSpan.FromMilliseconds(options.Value.SchedulerPollMs);
        await PollingLoop.RunAsync(
            async ct => await RunOnceAsync(ct) >= BatchLimit, poll, clock, (type, error) => LogFailed(logger, type, error), stoppingToken);
    }

    /// <summary>Handles what is due now; returns how many schedule members it took.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var due = await store.LeaseDueAsync(now, Lease, BatchLimit);
        foreach (var member in due)
        {
            if (member.StartsWith("d|", StringComparison.Ordinal))
            {
                await SendDeferredAsync(member[2..], now, cancellationToken);
            }
            else if (member.Split('|', 3) is ["o", var customer, var orderId])
            {
                await CheckOrderAsync(customer, orderId, now, cancellationToken);
            }

            await store.RemoveScheduledAsync(member);
        }

        return due.Length;
    }

    private async Task SendDeferredAsync(string dedupRedisKey, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (state, notification) = await store.GetStateAsync(dedupRedisKey);
        if (state is not (NotificationStore.Deferred or NotificationStore.Pending) || notification is null)
        {
            return;
        }

        // Consent may have changed while the notification waited.
        var profile = await profiles.GetAsync(notification.CustomerId, now) ?? new CustomerProfile { CustomerId = notification.CustomerId };
        var blocked = notification.Data.ExpiresAt <= now ? PolicyDecision.Reasons.Expired : policy.Block(notification.Type, profile);
        if (blocked is not null)
        {
            await store.QueueState(store.Database, notification.CustomerId, notification.Data.DedupKey, NotificationStore.Withdrawn);
            dispatcher.Count(notification.Type, blocked);
            return;
        }

        await store.QueueState(store.Database, notification.CustomerId, notification.Data.DedupKey, NotificationStore.Pending, notification);
        await dispatcher.SendAsync([notification], now, cancellationToken);
    }

    private async Task CheckOrderAsync(string customer, string orderId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var profile = await profiles.GetAsync(customer, now);
        if (profile is null || triggers.OverdueOrder(profile, orderId, now) is not { } candidate)
        {
            // Delivered or cancelled in time (or erased): nothing to say.
            return;
        }

        await dispatcher.DispatchAsync([policy.Decide(candidate, profile, now)], now, cancellationToken);
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "Notification schedule run failed ({ErrorType}: {Error}); leased entries come back after their lease")]
    private static partial void LogFailed(ILogger logger, string errorType, string error);
}
