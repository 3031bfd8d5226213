using System.Globalization;
using NextBestAction.Contracts;
using NextBestAction.Profiles;

namespace NextBestAction.Notifications;

/// <summary>Which product index a fan-out walks: customers with the product on their wishlist, or who bought it.</summary>
public enum ProductIndex
{
    Wishlist,
    Buyers,
}

/// <summary>
/// One catalog event to tell every customer in a product index about. Stored in Redis until done, so a crash
/// resumes it; <see cref="JobId"/> comes from the event's source and id, so redelivery does not start it twice.
/// </summary>
public sealed record FanoutJob(string JobId, string Type, string ProductId, ProductIndex Index, DateTimeOffset EventTime, string EventKey)
{
    public decimal? OldPrice { get; init; }
    public decimal? NewPrice { get; init; }
    public string? NewProductId { get; init; }
}

/// <summary>
/// The triggers. Pure: profile, event and clock in, candidates out; every rule is unit-tested. Texts state the facts
/// (amount, category, order, dates) and every candidate carries reason codes a person can read.
/// </summary>
/// <remarks>
/// Adding a notification trigger:
/// 1. Its type in <see cref="NotificationTypes"/> (and in <see cref="NotificationTypes.All"/>); say there whether it is a
///    service notification, which follows the customer's service setting instead of marketing consent.
/// 2. The rule here: for an event that changes the customer's profile, a case in <see cref="ForProfileEvent"/>; for a
///    catalog event that concerns many customers, a <see cref="FanoutJob"/> from <see cref="ForCatalogEvent"/> and its
///    candidate per customer. Give it a dedup key that names what it is about, so redelivery never sends it twice.
/// 3. Its thresholds and expiry as settings in <see cref="NotificationOptions"/> (see there for adding a setting).
/// 4. Unit tests in NotificationTriggersTests, and its row in the trigger table of docs/notifications.md.
/// Policy (consent, caps, quiet hours, channel), the exactly-once send and the webhook need no change.
/// </remarks>
public sealed class NotificationTriggers(NotificationOptions options)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Candidates caused by an event that changed <paramref name="profile"/> (the profile after the event).</summary>
    public IEnumerable<NotificationCandidate> ForProfileEvent(CustomerProfile profile, ValidEvent e, DateTimeOffset now)
    {
        switch (e.Data)
        {
            case OrderPlacedData placed:
                foreach (var alert in SpendAlerts(profile, placed, e.Time, now))
                {
                    yield return alert;
                }

                // A delivery reported before its order: the promise is settled when the order arrives.
                if (LateDelivery(profile, placed.OrderId!, now) is { } settled)
                {
                    yield return settled;
                }

                break;
            case OrderDeliveredData delivered when LateDelivery(profile, delivered.OrderId!, now) is { } late:
                yield return late;
                break;
        }
    }

    /// <summary>Spend alerts for the categories this order touched whose spend in the order's ISO week reached the threshold.</summary>
    public IEnumerable<NotificationCandidate> SpendAlerts(CustomerProfile profile, OrderPlacedData order, DateTimeOffset orderTime, DateTimeOffset now)
    {
        var week = ProfileUpdater.IsoWeek(orderTime);
        if (!profile.SpendPerWeek.TryGetValue(week, out var spend))
        {
            yield break;
        }

        var threshold = (decimal)options.SpendAlertThreshold;
        var weekEnd = EndOfIsoWeek(orderTime);
        var expiresAt = Min(weekEnd, now.AddHours(options.SpendAlertExpiryHours));
        foreach (var category in order.Items!.Select(i => i.Category!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var amount = spend.GetValueOrDefault(category);
            if (amount < threshold)
            {
                continue;
            }

            yield return new NotificationCandidate(
                NotificationTypes.SpendAlert,
                profile.CustomerId,
                $"{profile.CustomerId}:spend_alert:{week}:{category}",
                $"You spent EUR {Money(amount)} on {category} this week",
                $"You have already spent EUR {Money(amount)} on {category} this week. Your spending overview in the app shows every order.",
                [$"SPEND_THRESHOLD: EUR {Money(amount)} in {category} in week {week} reached the alert level of EUR {Money(threshold)}"],
                now,
                expiresAt);
        }
    }

    /// <summary>An apology with a service action when the order arrived after its promised date.</summary>
    public NotificationCandidate? LateDelivery(CustomerProfile profile, string orderId, DateTimeOffset now)
    {
        var broken = profile.BrokenPromises.LastOrDefault(p => p.OrderId == orderId);
        if (broken is null)
        {
            return null;
        }

        var late = broken.DeliveredAt - broken.PromisedDeliveryDate;
        return DelayCandidate(profile.CustomerId, orderId, now,
            $"Sorry, order {orderId} arrived late",
            $"Your order {orderId} arrived {Duration(late)} after the date we promised ({Day(broken.PromisedDeliveryDate)}). "
            + "To make up for it, your next order ships free with express delivery.",
            $"BROKEN_PROMISE: order {orderId} promised for {Day(broken.PromisedDeliveryDate)}, delivered {Day(broken.DeliveredAt)}");
    }

    /// <summary>An apology when the promised date (plus the grace) passed and the order is still open.</summary>
    public NotificationCandidate? OverdueOrder(CustomerProfile profile, string orderId, DateTimeOffset now)
    {
        var order = profile.OpenOrders.FirstOrDefault(o => o.OrderId == orderId);
        if (order is null || profile.ClosedOrders.ContainsKey(orderId)
            || now < order.PromisedDeliveryDate.AddMinutes(options.DeliveryDelayGraceMinutes))
        {
            return null;
        }

        return DelayCandidate(profile.CustomerId, orderId, now,
            $"Sorry, order {orderId} is late",
            $"Your order {orderId} was promised for {Day(order.PromisedDeliveryDate)} and has not arrived yet. "
            + "We are on it with the carrier, and your next order ships free with express delivery.",
            $"PROMISE_AT_RISK: order {orderId} promised for {Day(order.PromisedDeliveryDate)} is not delivered");
    }

    /// <summary>The fan-out a catalog event starts, or null when it is not worth telling anyone.</summary>
    public FanoutJob? ForCatalogEvent(ValidEvent e)
    {
        var jobId = StableHash.Mixed(e.DedupKey).ToString("x16", Invariant);
        switch (e.Data)
        {
            case ProductPriceChangedData changed when IsPriceDrop(changed.OldPrice!.Value, changed.NewPrice!.Value):
                return new FanoutJob(jobId, NotificationTypes.WishlistPriceDrop, changed.ProductId!, ProductIndex.Wishlist, e.Time, e.DedupKey)
                {
                    OldPrice = changed.OldPrice,
                    NewPrice = changed.NewPrice,
                };
            case ProductRefData back when e.Type == EventTypes.ProductBackInStock:
                return new FanoutJob(jobId, NotificationTypes.BackInStock, back.ProductId!, ProductIndex.Wishlist, e.Time, e.DedupKey);
            case ProductVersionReleasedData released:
                return new FanoutJob(jobId, NotificationTypes.NewVersion, released.ProductId!, ProductIndex.Buyers, e.Time, e.DedupKey)
                {
                    NewProductId = released.NewProductId,
                };
            default:
                return null;
        }
    }

    public bool IsPriceDrop(decimal oldPrice, decimal newPrice) =>
        oldPrice > 0 && newPrice < oldPrice
        && oldPrice - newPrice >= (decimal)options.MinPriceDropAmount
        && (oldPrice - newPrice) / oldPrice * 100 >= (decimal)options.MinPriceDropPercent;

    /// <summary>
    /// The candidate for one customer of a fan-out, or null when the index was stale (the wishlist no longer holds
    /// the product). Buyers are not re-checked: the profile keeps no purchase list, the index is the record.
    /// </summary>
    public NotificationCandidate? ForFanoutCustomer(FanoutJob job, CustomerProfile profile, DateTimeOffset now)
    {
        var customer = profile.CustomerId;
        var wished = profile.Wishlist.FirstOrDefault(w => w.ProductId == job.ProductId);
        switch (job.Type)
        {
            case NotificationTypes.WishlistPriceDrop when wished is not null:
                var oldPrice = job.OldPrice!.Value;
                var newPrice = job.NewPrice!.Value;
                var percent = Math.Round((oldPrice - newPrice) / oldPrice * 100, 0, MidpointRounding.AwayFromZero);
                return new NotificationCandidate(job.Type, customer,
                    $"{customer}:wishlist_price_drop:{job.ProductId}:{Money(newPrice)}",
                    $"An item on your wishlist is now {percent.ToString("0", Invariant)}% cheaper",
                    $"{Describe(wished)} on your wishlist now costs EUR {Money(newPrice)} instead of EUR {Money(oldPrice)}.",
                    [$"WISHLIST_PRICE_DROP: {job.ProductId} on the wishlist since {Day(wished.AddedAt)} dropped from EUR {Money(oldPrice)} to EUR {Money(newPrice)} ({percent.ToString("0", Invariant)}%)"],
                    now, now.AddHours(options.PriceDropExpiryHours));
            case NotificationTypes.BackInStock when wished is not null:
                return new NotificationCandidate(job.Type, customer,
                    $"{customer}:back_in_stock:{job.ProductId}:{job.JobId}",
                    "An item on your wishlist is back in stock",
                    $"{Describe(wished)} on your wishlist is available again.",
                    [$"WISHLIST_BACK_IN_STOCK: {job.ProductId} on the wishlist since {Day(wished.AddedAt)} is back in stock"],
                    now, now.AddHours(options.BackInStockExpiryHours));
            case NotificationTypes.NewVersion:
                return new NotificationCandidate(job.Type, customer,
                    $"{customer}:new_version:{job.ProductId}:{job.NewProductId}",
                    "A new version of a product you own is out",
                    $"There is a new version of {job.ProductId}, which you bought from us: {job.NewProductId}.",
                    [$"OWNS_PREVIOUS_VERSION: bought {job.ProductId}; {job.NewProductId} released {Day(job.EventTime)}"],
                    now, now.AddHours(options.NewVersionExpiryHours));
            default:
                return null;
        }
    }

    /// <summary>One apology per order: a "late" notice and a later late arrival share the dedup key.</summary>
    private NotificationCandidate DelayCandidate(string customer, string orderId, DateTimeOffset now, string title, string body, string reason) =>
        new(NotificationTypes.DeliveryDelay, customer, $"{customer}:delivery_delay:{orderId}", title, body,
            [reason, "SERVICE_ACTION: free express delivery on the next order"], now, now.AddHours(options.DeliveryDelayExpiryHours));

    /// <summary>Monday 00:00 UTC after the ISO week of <paramref name="time"/>.</summary>
    public static DateTimeOffset EndOfIsoWeek(DateTimeOffset time)
    {
        var day = time.UtcDateTime.Date;
        var daysSinceMonday = ((int)day.DayOfWeek + 6) % 7;
        return new DateTimeOffset(day.AddDays(7 - daysSinceMonday), TimeSpan.Zero);
    }

    private static string Describe(WishlistItem item) => $"The {item.ProductLine} item {item.ProductId}";

    private static string Money(decimal amount) => amount.ToString("0.00", Invariant);

    private static string Day(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd", Invariant);

    private static string Duration(TimeSpan late) =>
        late.TotalDays >= 1
            ? $"{Math.Floor(late.TotalDays).ToString("0", Invariant)} day(s)"
            : $"{Math.Max(1, Math.Floor(late.TotalHours)).ToString("0", Invariant)} hour(s)";

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
