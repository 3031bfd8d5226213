using NextBestAction.Contracts;

namespace NextBestAction.Profiles;

/// <summary>What applying one event did to a profile.</summary>
public enum ApplyOutcome
{
    Applied,
    Duplicate,
    NoProfileEffect,
}

/// <summary>
/// Applies validated events to a customer profile. Pure and deterministic: everything it needs is in the
/// profile, the event and the rules, so they are unit-tested without Redis or Kafka.
/// </summary>
public sealed class ProfileUpdater(ProfileRules rules)
{
    /// <param name="partitionKey">"topic/partition" the event came from, or null when it did not come from Kafka.</param>
    public ApplyOutcome Apply(CustomerProfile profile, ValidEvent e, string? partitionKey, long offset)
    {
        if (partitionKey is not null && profile.AppliedOffsets.TryGetValue(partitionKey, out var applied) && offset <= applied)
        {
            return ApplyOutcome.Duplicate;
        }

        var dedupKey = e.DedupKey;
        if (profile.RecentEventIds.Contains(dedupKey))
        {
            MarkOffset(profile, partitionKey, offset);
            return ApplyOutcome.Duplicate;
        }

        var changed = e.Data switch
        {
            CartItemAddedData d => AddToCart(profile, d, e.Time),
            ProductRefData d when e.Type == EventTypes.CartItemRemoved => profile.Cart.RemoveAll(l => l.ProductId == d.ProductId) > 0,
            OrderPlacedData d => PlaceOrder(profile, d, e.Time),
            OrderDeliveredData d => Deliver(profile, d),
            _ => false,
        };

        MarkOffset(profile, partitionKey, offset);
        profile.RecentEventIds.Add(dedupKey);
        TrimFront(profile.RecentEventIds, ProfileLimits.RecentEventIds);
        if (changed)
        {
            profile.UpdatedAt = profile.UpdatedAt is { } u && u > e.Time ? u : e.Time;
        }

        return changed ? ApplyOutcome.Applied : ApplyOutcome.NoProfileEffect;
    }

    private static void MarkOffset(CustomerProfile profile, string? partitionKey, long offset)
    {
        if (partitionKey is not null)
        {
            profile.AppliedOffsets[partitionKey] = offset;
        }
    }

    private static bool AddToCart(CustomerProfile profile, CartItemAddedData d, DateTimeOffset time)
    {
        var index = profile.Cart.FindIndex(l => l.ProductId == d.ProductId);
        if (index >= 0)
        {
            var line = profile.Cart[index];
            profile.Cart.RemoveAt(index);
            profile.Cart.Add(line with { Quantity = line.Quantity + d.Quantity!.Value, Price = d.Price!.Value, AddedAt = time });
        }
        else
        {
            profile.Cart.Add(new CartLine(d.ProductId!, d.Category!, d.ProductLine!, d.Price!.Value, d.Quantity!.Value, time));
        }

        TrimFront(profile.Cart, ProfileLimits.CartLines);
        return true;
    }

    private static bool PlaceOrder(CustomerProfile profile, OrderPlacedData d, DateTimeOffset time)
    {
        if (profile.OpenOrders.Any(o => o.OrderId == d.OrderId))
        {
            return false;
        }

        var lines = d.Items!.Select(i => i.ProductLine!).Distinct(StringComparer.Ordinal).ToArray();
        profile.OpenOrders.Add(new OpenOrder(d.OrderId!, time, d.PromisedDeliveryDate!.Value, d.Total!.Value, lines));
        TrimFront(profile.OpenOrders, ProfileLimits.OpenOrders);
        profile.OrderCount++;
        profile.TotalSpend += d.Total!.Value;
        profile.LastOrderAt = profile.LastOrderAt is { } last && last > time ? last : time;

        // What was ordered has left the cart.
        var ordered = d.Items!.Select(i => i.ProductId).ToHashSet(StringComparer.Ordinal);
        profile.Cart.RemoveAll(l => ordered.Contains(l.ProductId));
        return true;
    }

    private bool Deliver(CustomerProfile profile, OrderDeliveredData d)
    {
        var index = profile.OpenOrders.FindIndex(o => o.OrderId == d.OrderId);
        if (index < 0)
        {
            return false;
        }

        var order = profile.OpenOrders[index];
        profile.OpenOrders.RemoveAt(index);
        if (d.DeliveredAt!.Value > order.PromisedDeliveryDate)
        {
            profile.BrokenPromises.Add(new BrokenPromise(order.OrderId, order.PromisedDeliveryDate, d.DeliveredAt.Value));
            var horizon = d.DeliveredAt.Value.AddDays(-rules.BrokenPromiseWindowDays);
            profile.BrokenPromises.RemoveAll(p => p.DeliveredAt < horizon);
            TrimFront(profile.BrokenPromises, ProfileLimits.BrokenPromises);
        }
        else
        {
            profile.KeptPromises++;
        }

        return true;
    }

    private static void TrimFront<T>(List<T> list, int max)
    {
        if (list.Count > max)
        {
            list.RemoveRange(0, list.Count - max);
        }
    }
}
