using NextBestAction.Contracts;

namespace NextBestAction.Simulator;

/// <summary>Sessions: browsing, product views, searches, carts, wishlists and the checkout.</summary>
public sealed partial class WebshopModel
{
    private SimulatedEvent? Browse(DateTimeOffset now)
    {
        if (browsing.Count < maxBrowsing)
        {
            var customer = PickCustomer();
            if (customer.Session is null)
            {
                StartSession(customer, LandingPage(customer));
                return Advance(customer, now);
            }
        }

        // Sessions interleave: each step advances one of the open sessions.
        return browsing.Count == 0 ? null : Advance(browsing[random.Next(browsing.Count)], now);
    }

    private SimulatedEvent? Advance(Customer customer, DateTimeOffset now)
    {
        var session = customer.Session!;
        if (session.LandingUrl is { } landing)
        {
            session.LandingUrl = null;
            return ViewPage(customer, landing, now);
        }

        if (session.CheckingOut)
        {
            if (session.Decision is { } decision)
            {
                if (now <= decision.Deadline)
                {
                    return null; // the webshop still waits for the decision
                }

                // Too slow: checkout goes on without an offer.
                waitingDecisions.Remove(decision.Moment.Id);
                session.Decision = null;
            }

            EndSession(customer);
            // The rest abandon their checkout; someone who just accepted an offer does not.
            return random.NextDouble() < 0.75 || session.OfferAccepted ? PlaceOrder(customer, now) : null;
        }

        if (--session.StepsLeft < 0)
        {
            EndSession(customer);
            return null;
        }

        return random.Next(100) switch
        {
            < 38 => ViewProduct(customer, now),
            < 50 => ViewPage(customer, InfoPages[random.Next(InfoPages.Length)], now),
            < 60 => Search(customer, now),
            >= 60 and < 74 when session.LastViewed is { } p && products[p.Id].InStock => AddToCart(customer, p, now),
            >= 74 and < 77 when customer.Cart.Count > 0 => RemoveFromCart(customer, now),
            >= 77 and < 83 when session.LastViewed is { } p && customer.Wishlist.Count < 12 && !customer.Wishlist.Contains(p)
                => AddToWishlist(customer, p, now),
            >= 83 and < 85 when customer.Wishlist.Count > 0 => RemoveFromWishlist(customer, now),
            >= 85 when customer.Cart.Count > 0 => StartCheckout(customer, now),
            _ => ViewProduct(customer, now),
        };
    }

    private void StartSession(Customer customer, string landingUrl)
    {
        customer.Session = new Session(NewReference("ses"), random.NextDouble() < 0.45 ? "app" : "web", 3 + random.Next(12), landingUrl);
        browsing.Add(customer);
    }

    private void EndSession(Customer customer)
    {
        customer.Session = null;
        browsing.Remove(customer);
    }

    private string LandingPage(Customer customer) => random.NextDouble() switch
    {
        < 0.5 => "/",
        < 0.8 => $"/c/{customer.Favourites[random.Next(customer.Favourites.Count)].Category}",
        _ => InfoPages[random.Next(InfoPages.Length)],
    };

    private SimulatedEvent ViewPage(Customer customer, string url, DateTimeOffset now)
    {
        var session = customer.Session!;
        return Event(WebshopSource, EventTypes.PageViewed, now, customer.Id, new PageViewedData(url, session.Id, session.Channel));
    }

    private SimulatedEvent ViewProduct(Customer customer, DateTimeOffset now)
    {
        var session = customer.Session!;
        var asGift = random.NextDouble() < options.Scenario.GiftShare(now);
        SimulatedProduct product;
        if (asGift)
        {
            // Gifts come from gift lines whatever the customer likes: the men's socks bought for someone else.
            product = PickFrom(GiftLines[random.Next(GiftLines.Length)]);
        }
        else if (session.SearchedLine is { } searched)
        {
            product = PickFrom(searched);
        }
        else if (customer.Wishlist.Count > 0 && random.NextDouble() < 0.15)
        {
            product = customer.Wishlist[random.Next(customer.Wishlist.Count)];
        }
        else
        {
            product = PickFrom(random.NextDouble() < 0.75 ? customer.Favourites[random.Next(customer.Favourites.Count)] : WeightedLine());
        }

        session.SearchedLine = null;
        session.LastViewed = product;
        session.LastViewedAsGift = asGift;
        return Event(WebshopSource, EventTypes.ProductViewed, now, customer.Id,
            new ProductViewedData(product.Id, product.Category, product.ProductLine, products[product.Id].Price, session.Id));
    }

    private SimulatedEvent Search(Customer customer, DateTimeOffset now)
    {
        var line = random.NextDouble() < 0.7 ? customer.Favourites[random.Next(customer.Favourites.Count)] : WeightedLine();
        customer.Session!.SearchedLine = line;
        return Event(WebshopSource, EventTypes.SearchPerformed, now, customer.Id,
            new SearchPerformedData(line.SearchTerms[random.Next(line.SearchTerms.Count)]));
    }

    private SimulatedEvent AddToCart(Customer customer, SimulatedProduct product, DateTimeOffset now)
    {
        var quantity = product.Category == "fashion-men" ? 1 + random.Next(3) : random.NextDouble() < 0.9 ? 1 : 2;
        var price = products[product.Id].Price;
        var asGift = customer.Session!.LastViewedAsGift;
        var index = customer.Cart.FindIndex(l => l.Product == product);
        if (index >= 0)
        {
            var line = customer.Cart[index];
            customer.Cart[index] = line with { Price = price, Quantity = line.Quantity + quantity, Gift = line.Gift || asGift };
        }
        else
        {
            customer.Cart.Add(new CartLine(product, price, quantity, asGift));
        }

        return Event(WebshopSource, EventTypes.CartItemAdded, now, customer.Id,
            new CartItemAddedData(product.Id, product.Category, product.ProductLine, price, quantity));
    }

    private SimulatedEvent RemoveFromCart(Customer customer, DateTimeOffset now)
    {
        var index = random.Next(customer.Cart.Count);
        var product = customer.Cart[index].Product;
        customer.Cart.RemoveAt(index);
        return Event(WebshopSource, EventTypes.CartItemRemoved, now, customer.Id, new ProductRefData(product.Id));
    }

    private SimulatedEvent AddToWishlist(Customer customer, SimulatedProduct product, DateTimeOffset now)
    {
        customer.Wishlist.Add(product);
        return Event(WebshopSource, EventTypes.WishlistItemAdded, now, customer.Id,
            new WishlistItemAddedData(product.Id, product.Category, product.ProductLine, products[product.Id].Price));
    }

    private SimulatedEvent RemoveFromWishlist(Customer customer, DateTimeOffset now)
    {
        var index = random.Next(customer.Wishlist.Count);
        var product = customer.Wishlist[index];
        customer.Wishlist.RemoveAt(index);
        return Event(WebshopSource, EventTypes.WishlistItemRemoved, now, customer.Id, new ProductRefData(product.Id));
    }

    private SimulatedEvent StartCheckout(Customer customer, DateTimeOffset now)
    {
        customer.Session!.CheckingOut = true;
        if (!options.AnswerOffersRandomly)
        {
            QueueDecisionMoment(customer, now);
        }
        else if (random.NextDouble() < 0.08)
        {
            ScheduleOfferOutcome(customer, now);
        }

        return Event(WebshopSource, EventTypes.CheckoutStarted, now, customer.Id, new CheckoutStartedData(CartValue(customer.Cart)));
    }
}
