using NextBestAction.Contracts;

namespace NextBestAction.Profiles;

/// <summary>Cart, wishlist, orders, deliveries against their promise, returns and cancellations.</summary>
public sealed partial class ProfileUpdater
{
    private bool AddToCart(CustomerProfile profile, CartItemAddedData d, DateTimeOffset t)
    {
        if (profile.CartRemovals.TryGetValue(d.ProductId!, out var removedAt) && t <= removedAt)
        {
            return false;
        }

        var index = profile.Cart.FindIndex(l => l.ProductId == d.ProductId);
        if (index >= 0)
        {
            var line = profile.Cart[index];
            profile.Cart.RemoveAt(index);
            InsertByTime(profile.Cart, line with { Quantity = line.Quantity + d.Quantity!.Value, Price = t >= line.AddedAt ? d.Price!.Value : line.Price, AddedAt = Max(line.AddedAt, t) },
                l => l.AddedAt, ProfileLimits.CartLines);
        }
        else
        {
            InsertByTime(profile.Cart, new CartLine(d.ProductId!, d.Category!, d.ProductLine!, d.Price!.Value, d.Quantity!.Value, t), l => l.AddedAt, ProfileLimits.CartLines);
        }

        AddInterest(profile, d.Category!, d.ProductLine!, CartWeight, t);
        return true;
    }

    private static bool RemoveFromCart(CustomerProfile profile, string productId, DateTimeOffset t)
    {
        profile.CartRemovals[productId] = Max(profile.CartRemovals.TryGetValue(productId, out var at) ? at : null, t);
        TrimOldest(profile.CartRemovals, at => at, ProfileLimits.Tombstones);
        profile.Cart.RemoveAll(l => l.ProductId == productId && l.AddedAt <= t);
        return true;
    }

    private bool AddToWishlist(CustomerProfile profile, WishlistItemAddedData d, DateTimeOffset t)
    {
        if (profile.WishlistRemovals.TryGetValue(d.ProductId!, out var removedAt) && t <= removedAt)
        {
            return false;
        }

        profile.Wishlist.RemoveAll(w => w.ProductId == d.ProductId);
        InsertByTime(profile.Wishlist, new WishlistItem(d.ProductId!, d.Category!, d.ProductLine!, d.Price!.Value, t), w => w.AddedAt, ProfileLimits.WishlistItems);
        AddInterest(profile, d.Category!, d.ProductLine!, WishlistWeight, t);
        return true;
    }

    private static bool RemoveFromWishlist(CustomerProfile profile, string productId, DateTimeOffset t)
    {
        profile.WishlistRemovals[productId] = Max(profile.WishlistRemovals.TryGetValue(productId, out var at) ? at : null, t);
        TrimOldest(profile.WishlistRemovals, at => at, ProfileLimits.Tombstones);
        profile.Wishlist.RemoveAll(w => w.ProductId == productId && w.AddedAt <= t);
        return true;
    }

    private bool PlaceOrder(CustomerProfile profile, OrderPlacedData d, DateTimeOffset t)
    {
        var orderId = d.OrderId!;
        if (profile.OpenOrders.Any(o => o.OrderId == orderId)
            || profile.ClosedOrders.TryGetValue(orderId, out var closed) && closed.Outcome == ClosedOrder.Cancelled)
        {
            // Already known, or cancelled before this late "placed" arrived: a cancelled order never counts.
            return false;
        }

        var week = IsoWeek(t);
        profile.OrderCount++;
        profile.TotalSpend += d.Total!.Value;
        profile.LastOrderAt = Max(profile.LastOrderAt, t);
        profile.OrdersPerWeek[week] = profile.OrdersPerWeek.GetValueOrDefault(week) + 1;
        TrimWeeks(profile.OrdersPerWeek);

        var weekSpend = profile.SpendPerWeek.TryGetValue(week, out var spend) ? spend : profile.SpendPerWeek[week] = [];
        var categorySpend = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var item in d.Items!)
        {
            var amount = item.Price!.Value * item.Quantity!.Value;
            weekSpend[item.Category!] = weekSpend.GetValueOrDefault(item.Category!) + amount;
            categorySpend[item.Category!] = categorySpend.GetValueOrDefault(item.Category!) + amount;
            if (!IsSeasonal(profile, item, t))
            {
                AddInterest(profile, item.Category!, item.ProductLine!, OrderWeight, t);
            }
            else if (!ProfilingStopped(profile) && MayInfer(profile, item.Category!))
            {
                AddScore(profile.SeasonalInterest, item.Category!, OrderWeight, t, rules.SeasonalHalfLife);
            }
        }

        TrimWeeks(profile.SpendPerWeek);
        if (weekSpend.Count > ProfileLimits.CategoriesPerWeek)
        {
            weekSpend.Remove(weekSpend.MinBy(kv => kv.Value).Key);
        }

        // What was ordered has left the cart (unless it was added again after the order).
        var ordered = d.Items!.Select(i => i.ProductId).ToHashSet(StringComparer.Ordinal);
        profile.Cart.RemoveAll(l => ordered.Contains(l.ProductId) && l.AddedAt <= t);

        var promised = d.PromisedDeliveryDate!.Value;
        if (closed is { Outcome: ClosedOrder.Delivered })
        {
            // The delivery arrived first; settle the promise now.
            SettlePromise(profile, orderId, promised, closed.At);
        }
        else
        {
            var lines = d.Items!.Select(i => i.ProductLine!).Distinct(StringComparer.Ordinal).ToArray();
            InsertByTime(profile.OpenOrders, new OpenOrder(orderId, t, promised, d.Total!.Value, lines, categorySpend), o => o.PlacedAt, ProfileLimits.OpenOrders);
        }

        return true;
    }

    /// <summary>
    /// The "Christmas socks" rule: a gift, or a purchase in a seasonal month in a category far outside the
    /// customer's established pattern, is seasonal and must not make them a customer of that category.
    /// </summary>
    private bool IsSeasonal(CustomerProfile profile, OrderItem item, DateTimeOffset t)
    {
        if (item.Gift == true)
        {
            return true;
        }

        if (!rules.SeasonalMonths.Contains(t.UtcDateTime.Month))
        {
            return false;
        }

        var total = profile.CategoryInterest.Values.Sum(s => s.ValueAt(t, rules.InterestHalfLife));
        if (total < rules.PatternMinimumInterest)
        {
            return false;
        }

        var share = profile.CategoryInterest.TryGetValue(item.Category!, out var score) ? score.ValueAt(t, rules.InterestHalfLife) / total : 0;
        return share < rules.OutOfPatternShare;
    }

    private bool Deliver(CustomerProfile profile, OrderDeliveredData d)
    {
        var orderId = d.OrderId!;
        var deliveredAt = d.DeliveredAt!.Value;
        if (profile.ClosedOrders.ContainsKey(orderId))
        {
            return false;
        }

        profile.ClosedOrders[orderId] = new ClosedOrder(ClosedOrder.Delivered, deliveredAt);
        TrimOldest(profile.ClosedOrders, c => c.At, ProfileLimits.ClosedOrders);
        var index = profile.OpenOrders.FindIndex(o => o.OrderId == orderId);
        if (index >= 0)
        {
            var order = profile.OpenOrders[index];
            profile.OpenOrders.RemoveAt(index);
            SettlePromise(profile, orderId, order.PromisedDeliveryDate, deliveredAt);
        }

        return true;
    }

    private void SettlePromise(CustomerProfile profile, string orderId, DateTimeOffset promised, DateTimeOffset deliveredAt)
    {
        if (deliveredAt <= promised)
        {
            profile.KeptPromises++;
            return;
        }

        profile.BrokenPromiseCount++;
        InsertByTime(profile.BrokenPromises, new BrokenPromise(orderId, promised, deliveredAt), p => p.DeliveredAt, ProfileLimits.BrokenPromises);
        var horizon = profile.BrokenPromises[^1].DeliveredAt.AddDays(-rules.BrokenPromiseWindowDays);
        profile.BrokenPromises.RemoveAll(p => p.DeliveredAt < horizon);
    }

    private static bool Return(CustomerProfile profile, DateTimeOffset t)
    {
        profile.Returns++;
        profile.LastReturnAt = Max(profile.LastReturnAt, t);
        return true;
    }

    private static bool Cancel(CustomerProfile profile, string orderId, DateTimeOffset t)
    {
        if (profile.ClosedOrders.ContainsKey(orderId))
        {
            return false;
        }

        profile.ClosedOrders[orderId] = new ClosedOrder(ClosedOrder.Cancelled, t);
        TrimOldest(profile.ClosedOrders, c => c.At, ProfileLimits.ClosedOrders);
        profile.Cancellations++;
        var index = profile.OpenOrders.FindIndex(o => o.OrderId == orderId);
        if (index >= 0)
        {
            var order = profile.OpenOrders[index];
            profile.OpenOrders.RemoveAt(index);
            var week = IsoWeek(order.PlacedAt);
            profile.OrderCount--;
            profile.TotalSpend -= order.Total;
            if (profile.OrdersPerWeek.TryGetValue(week, out var count))
            {
                profile.OrdersPerWeek[week] = count - 1;
            }

            if (profile.SpendPerWeek.TryGetValue(week, out var weekSpend))
            {
                foreach (var (category, amount) in order.CategorySpend ?? new Dictionary<string, decimal>())
                {
                    weekSpend[category] = weekSpend.GetValueOrDefault(category) - amount;
                }
            }
        }

        return true;
    }

    private static void TrimWeeks<T>(Dictionary<string, T> perWeek)
    {
        while (perWeek.Count > ProfileLimits.Weeks)
        {
            perWeek.Remove(perWeek.Keys.Min(StringComparer.Ordinal)!);
        }
    }
}
