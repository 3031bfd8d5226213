using System.Globalization;
using NextBestAction.Contracts;
using NextBestAction.Simulator;

namespace NextBestAction.UnitTests.Simulator;

public sealed class WebshopModelTests
{
    private static readonly IReadOnlyList<RunEvent> Run = SimulatedRun.Default;

    [Fact]
    public void Next_FiftyThousandSteps_EveryEventReadsAsValid()
    {
        Assert.Equal(50_000, Run.Count);
        foreach (var (e, _, read) in Run)
        {
            Assert.True(read.Outcome == ReadOutcome.Valid, $"{e.Type} {e.Id}: {read.Outcome} {read.Reason}");
            Assert.Equal(e.Id, read.Event!.Id);
            Assert.Equal(e.Source, read.Event.Source);
            Assert.Equal(e.Type, read.Event.Type);
            Assert.Equal(e.Subject, read.Event.Subject);
            Assert.Equal(e.Time, read.Event.Time);
        }
    }

    [Fact]
    public void Next_FiftyThousandSteps_ProducesEveryContractEventTypeOfAShop()
    {
        var produced = Run.Select(r => r.Event.Type).ToHashSet(StringComparer.Ordinal);
        // Erasure requests and announcements are the privacy desk's and the service's, not the shop's.
        var topics = new TopicNames();
        var shopTypes = EventReader.KnownTypes.Where(t => topics.InputFor(t) != topics.Privacy).ToHashSet(StringComparer.Ordinal);

        Assert.Subset(produced, shopTypes);
        Assert.DoesNotContain(produced, t => topics.InputFor(t) == topics.Privacy);
    }

    [Fact]
    public void Next_FiftyThousandSteps_EventIdsAreUnique()
    {
        Assert.Equal(Run.Count, Run.Select(r => r.Read.Event!.DedupKey).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Next_SameSeed_ProducesSameSequence()
    {
        var first = SimulatedRun.Play(seed: 7, customers: 500, steps: 10_000, SimulatedRun.June);
        var second = SimulatedRun.Play(seed: 7, customers: 500, steps: 10_000, SimulatedRun.June);
        var otherSeed = SimulatedRun.Play(seed: 8, customers: 500, steps: 10_000, SimulatedRun.June);

        Assert.Equal(first.Select(r => r.Bytes), second.Select(r => r.Bytes));
        Assert.NotEqual(first.Select(r => r.Bytes), otherSeed.Select(r => r.Bytes));
    }

    [Fact]
    public void Next_OtherRunId_ProducesOtherEventIds()
    {
        var run = SimulatedRun.Play(seed: 42, customers: 2000, steps: 1000, SimulatedRun.June, runId: "other");

        Assert.Equal(Run.Take(1000).Select(r => r.Event.Type), run.Select(r => r.Event.Type));
        Assert.Empty(Run.Select(r => r.Event.Id).Intersect(run.Select(r => r.Event.Id)));
    }

    [Fact]
    public void Next_Subjects_AreCustomerIdsInRangeOrCatalogProductIds()
    {
        var productIds = SimulatedCatalog.Products.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var (e, _, _) in Run)
        {
            if (e.Source == WebshopModel.CatalogSource)
            {
                Assert.Contains(e.Subject, productIds);
                continue;
            }

            Assert.StartsWith(SimulatedCustomers.Prefix, e.Subject, StringComparison.Ordinal);
            var digits = e.Subject[SimulatedCustomers.Prefix.Length..];
            Assert.Equal(5, digits.Length);
            Assert.InRange(int.Parse(digits, CultureInfo.InvariantCulture), 1, 2000);
        }
    }

    [Fact]
    public void Next_OneCustomer_OnlyThatCustomerActs()
    {
        var run = SimulatedRun.Play(seed: 1, customers: 1, steps: 2000, SimulatedRun.June);

        Assert.All(run.Where(r => r.Event.Source != WebshopModel.CatalogSource), r => Assert.Equal("cust-00001", r.Event.Subject));
    }

    [Fact]
    public void Next_OrderLifecycle_FollowsPlacementInCausalOrder()
    {
        var placed = Run.OfType<OrderPlacedData>(EventTypes.OrderPlaced).ToDictionary(o => o.Data.OrderId!, StringComparer.Ordinal);
        var delivered = Run.OfType<OrderDeliveredData>(EventTypes.OrderDelivered).ToDictionary(o => o.Data.OrderId!, StringComparer.Ordinal);
        var cancelled = Run.OfType<OrderCancelledData>(EventTypes.OrderCancelled).ToList();
        var returned = Run.OfType<OrderReturnedData>(EventTypes.OrderReturned).ToList();

        Assert.NotEmpty(delivered);
        foreach (var (orderId, delivery) in delivered)
        {
            var order = placed[orderId];
            Assert.True(order.Index < delivery.Index, $"{orderId} delivered before it was placed");
            Assert.Equal(order.Event.Subject, delivery.Event.Subject);
            Assert.True(delivery.Data.DeliveredAt > order.Event.Time);
            Assert.True(delivery.Event.Time >= delivery.Data.DeliveredAt);
        }

        Assert.NotEmpty(cancelled);
        Assert.All(cancelled, c =>
        {
            Assert.True(placed[c.Data.OrderId!].Index < c.Index);
            Assert.False(delivered.ContainsKey(c.Data.OrderId!), $"{c.Data.OrderId} was cancelled and delivered");
        });

        Assert.NotEmpty(returned);
        Assert.All(returned, r =>
        {
            Assert.True(delivered[r.Data.OrderId!].Index < r.Index);
            Assert.Contains(r.Data.ProductId, placed[r.Data.OrderId!].Data.Items!.Select(i => i.ProductId));
        });
    }

    [Fact]
    public void Next_Deliveries_AboutFifteenPercentLate()
    {
        var promises = Run.OfType<OrderPlacedData>(EventTypes.OrderPlaced)
            .ToDictionary(o => o.Data.OrderId!, o => o.Data.PromisedDeliveryDate!.Value, StringComparer.Ordinal);
        var deliveries = Run.OfType<OrderDeliveredData>(EventTypes.OrderDelivered).ToList();

        var late = deliveries.Count(d => d.Data.DeliveredAt > promises[d.Data.OrderId!]);

        Assert.True(deliveries.Count >= 300, $"only {deliveries.Count} deliveries");
        Assert.InRange((double)late / deliveries.Count, 0.05, 0.30);
    }

    [Fact]
    public void Next_OrderPlaced_TotalsTheCheckedOutCartAndPromisesOneToThreeMinutes()
    {
        var lastCheckout = new Dictionary<string, decimal>(StringComparer.Ordinal);
        var orders = 0;
        foreach (var (e, _, _) in Run)
        {
            switch (e.Data)
            {
                case CheckoutStartedData checkout:
                    lastCheckout[e.Subject] = checkout.CartValue!.Value;
                    break;
                case OrderPlacedData order:
                    orders++;
                    Assert.Equal(lastCheckout[e.Subject], order.Total);
                    Assert.Equal(order.Items!.Sum(i => i.Price!.Value * i.Quantity!.Value), order.Total);
                    Assert.Equal("EUR", order.Currency);
                    Assert.InRange(order.PromisedDeliveryDate!.Value - e.Time, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(180));
                    break;
            }
        }

        Assert.True(orders >= 300, $"only {orders} orders");
    }

    [Fact]
    public void Next_CartAndWishlist_RemovalsAndOrdersReferToWhatWasAddedBefore()
    {
        var carts = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var wishlists = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        HashSet<string> Of(Dictionary<string, HashSet<string>> lists, string customer) =>
            lists.TryGetValue(customer, out var list) ? list : lists[customer] = new HashSet<string>(StringComparer.Ordinal);

        foreach (var (e, _, _) in Run)
        {
            switch (e.Type)
            {
                case EventTypes.CartItemAdded:
                    Of(carts, e.Subject).Add(((CartItemAddedData)e.Data).ProductId!);
                    break;
                case EventTypes.CartItemRemoved:
                    Assert.True(Of(carts, e.Subject).Remove(((ProductRefData)e.Data).ProductId!), $"{e.Id} removes what is not in the cart");
                    break;
                case EventTypes.WishlistItemAdded:
                    Assert.True(Of(wishlists, e.Subject).Add(((WishlistItemAddedData)e.Data).ProductId!), $"{e.Id} wishlists twice");
                    break;
                case EventTypes.WishlistItemRemoved:
                    Assert.True(Of(wishlists, e.Subject).Remove(((ProductRefData)e.Data).ProductId!), $"{e.Id} removes what is not wishlisted");
                    break;
                case EventTypes.OrderPlaced:
                    var cart = Of(carts, e.Subject);
                    Assert.Equal(cart.Order(StringComparer.Ordinal), ((OrderPlacedData)e.Data).Items!.Select(i => i.ProductId!).Order(StringComparer.Ordinal));
                    cart.Clear();
                    break;
            }
        }
    }

    [Fact]
    public void Next_ServiceContacts_ResolvedLaterMostlyFirstTimeRight()
    {
        var opened = Run.OfType<ServiceContactOpenedData>(EventTypes.ServiceContactOpened).ToDictionary(c => c.Data.TicketId!, StringComparer.Ordinal);
        var resolved = Run.OfType<ServiceContactResolvedData>(EventTypes.ServiceContactResolved).ToList();

        Assert.True(resolved.Count >= 100, $"only {resolved.Count} resolved contacts");
        Assert.All(resolved, r =>
        {
            Assert.True(opened[r.Data.TicketId!].Index < r.Index);
            Assert.Equal(opened[r.Data.TicketId!].Event.Subject, r.Event.Subject);
            Assert.InRange(r.Data.Contacts!.Value, 1, 3);
        });
        Assert.InRange((double)resolved.Count(r => r.Data.Contacts == 1) / resolved.Count, 0.6, 0.8);
    }

    [Fact]
    public void Next_ProductViews_ConcentrateOnFavouriteLines()
    {
        var topLineShares = Run.OfType<ProductViewedData>(EventTypes.ProductViewed)
            .GroupBy(v => v.Event.Subject)
            .Where(g => g.Count() >= 30)
            .Select(g => (double)g.GroupBy(v => v.Data.ProductLine).Max(l => l.Count()) / g.Count())
            .ToList();

        Assert.True(topLineShares.Count >= 20, $"only {topLineShares.Count} customers with 30 views");
        // With views spread by popularity alone the top line would hold about 15-25%.
        Assert.True(topLineShares.Average() > 0.35, $"average top-line share {topLineShares.Average():P0}");
    }

    [Fact]
    public void Next_Gifts_AboutFivePercentOfItemsAndMoreInDecember()
    {
        static double GiftShare(IReadOnlyList<RunEvent> run)
        {
            var items = run.OfType<OrderPlacedData>(EventTypes.OrderPlaced).SelectMany(o => o.Data.Items!).ToList();
            return (double)items.Count(i => i.Gift == true) / items.Count;
        }

        var june = GiftShare(Run);
        var december = GiftShare(SimulatedRun.Play(seed: 42, customers: 2000, steps: 50_000, SimulatedRun.December));

        Assert.InRange(june, 0.01, 0.12);
        Assert.True(december > 2 * june, $"December {december:P1} vs June {june:P1}");
    }

    [Fact]
    public void Next_CatalogEvents_MostlyPriceDropsAndVersionsWithinTheLine()
    {
        var prices = Run.OfType<ProductPriceChangedData>(EventTypes.ProductPriceChanged).ToList();
        var versions = Run.OfType<ProductVersionReleasedData>(EventTypes.ProductVersionReleased).ToList();
        var lineOf = SimulatedCatalog.Products.ToDictionary(p => p.Id, p => p.ProductLine, StringComparer.Ordinal);

        Assert.True(prices.Count(p => p.Data.NewPrice < p.Data.OldPrice) > 2 * prices.Count(p => p.Data.NewPrice > p.Data.OldPrice));
        Assert.All(prices, p => Assert.True(p.Data.NewPrice > 0 && p.Data.NewPrice != p.Data.OldPrice));
        Assert.All(versions, v => Assert.Equal(lineOf[v.Data.ProductId!], lineOf[v.Data.NewProductId!]));
        Assert.All(prices.Select(p => p.Event).Concat(versions.Select(v => v.Event)), e => Assert.Equal(WebshopModel.CatalogSource, e.Source));
    }

    [Fact]
    public void Next_OfferOutcomes_ReferToSimulatorDecisions()
    {
        var outcomes = Run.Where(r => r.Event.Type is EventTypes.OfferAccepted or EventTypes.OfferDeclined or EventTypes.OfferIgnored)
            .Select(r => (OfferOutcomeData)r.Event.Data).ToList();

        Assert.NotEmpty(outcomes);
        Assert.All(outcomes, o => Assert.StartsWith("sim-dec-", o.DecisionId, StringComparison.Ordinal));
    }

    [Fact]
    public void Next_ConsentChanged_CarriesOnlyTheChangedConsent()
    {
        var changes = Run.OfType<ConsentChangedData>(EventTypes.ConsentChanged).ToList();

        Assert.NotEmpty(changes);
        Assert.All(changes, c => Assert.Equal(1, new[] { c.Data.Marketing, c.Data.Profiling, c.Data.Location }.Count(v => v is not null)));
    }

    [Fact]
    public void Next_BrowsingEvents_CarryTheSessionId()
    {
        var pages = Run.OfType<PageViewedData>(EventTypes.PageViewed).ToList();

        Assert.All(pages, p => Assert.False(string.IsNullOrEmpty(p.Data.SessionId)));
        Assert.All(Run.OfType<ProductViewedData>(EventTypes.ProductViewed), v => Assert.False(string.IsNullOrEmpty(v.Data.SessionId)));
        // Sessions hold several page and product views.
        Assert.True(pages.Select(p => p.Data.SessionId).Distinct(StringComparer.Ordinal).Count() < pages.Count);
    }

    [Fact]
    public void Next_LocationReported_IsInTheNetherlands()
    {
        var locations = Run.OfType<LocationReportedData>(EventTypes.LocationReported).ToList();

        Assert.NotEmpty(locations);
        Assert.All(locations, l =>
        {
            Assert.InRange(l.Data.Lat!.Value, 50.7, 53.6);
            Assert.InRange(l.Data.Lon!.Value, 3.3, 7.3);
        });
    }
}
