using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using NextBestAction.Contracts;
using NextBestAction.Simulator.Responses;

namespace NextBestAction.Simulator;

/// <summary>
/// The synthetic webshop. Customers with a few favourite product lines browse in sessions, fill carts and
/// wishlists, check out and order; orders are delivered (some later than promised), returned or cancelled;
/// customers call customer service, respond to campaigns and notifications, report their location and change
/// their consent; the catalog changes prices, stock and versions.
/// Pure and deterministic: no I/O, the random generator and the clock are passed in, so the same seed, run id and
/// times give the same events. Time is compressed (deliveries take minutes) so every pattern shows up quickly.
/// Each customer also has hidden <see cref="CustomerTraits"/> and a true <see cref="CustomerSituation"/>; with
/// <see cref="WebshopModelOptions.AnswerOffersRandomly"/> off, checkouts become <see cref="DecisionMoment"/>s that a
/// driver answers through the hidden <see cref="ResponseModel"/>.
/// Not thread-safe.
/// </summary>
public sealed class WebshopModel
{
    public const string WebshopSource = "/simulator/webshop";
    public const string ServiceSource = "/simulator/service";
    public const string CatalogSource = "/simulator/catalog";

    /// <summary>Share of delivered orders that arrive after the promised time (broken promises).</summary>
    public const double LateDeliveryShare = 0.15;

    private static readonly (double Lat, double Lon)[] Cities =
    [
        (52.3676, 4.9041), // Amsterdam
        (51.9244, 4.4777), // Rotterdam
        (52.0705, 4.3007), // The Hague
        (52.0907, 5.1214), // Utrecht
        (51.4416, 5.4697), // Eindhoven
        (53.2194, 6.5665), // Groningen
        (51.8126, 5.8372), // Nijmegen
    ];

    private static readonly string[] InfoPages = ["/", "/deals", "/account/orders", "/help/delivery", "/stores"];
    private static readonly string[] Campaigns = ["cmp-black-friday", "cmp-christmas-gifts", "cmp-new-phones", "cmp-kitchen-week", "cmp-spring-sale"];
    private static readonly string[] ContactChannels = ["phone", "chat", "email"];
    private static readonly string[] ContactTopics = ["delivery", "payment", "product", "account"];
    private static readonly string[] ReturnReasons = ["damaged", "wrong-size", "not-as-expected", "changed-mind"];

    // Service action ids of the decision engine's action catalog (Decisioning/catalog/actions.json); bundles are "bundle-{line}".
    private static readonly string[] ServiceActions = ["service-delivery-apology", "service-advisor-call"];

    private static readonly SimulatedProductLine[] GiftLines = [.. SimulatedCatalog.ProductLines.Where(l => l.GiftIdea)];
    private static readonly int TotalPopularity = SimulatedCatalog.ProductLines.Sum(l => l.Popularity);

    private readonly Random random;
    private readonly string runId;
    private readonly int customerCount;
    private readonly int maxBrowsing;
    private readonly ulong activitySeed;
    private readonly Dictionary<int, Customer> customers = [];
    private readonly List<Customer> browsing = [];
    private readonly Dictionary<string, ProductState> products;
    private readonly PriorityQueue<Func<DateTimeOffset, SimulatedEvent>, (DateTimeOffset Due, long Sequence)> pending = new();
    private readonly WebshopModelOptions options;
    private readonly ulong traitSeed;
    private readonly Random outcomes;
    private readonly Queue<DecisionMoment> decisionMoments = new();
    private readonly Dictionary<long, WaitingDecision> waitingDecisions = [];
    private long eventSequence;
    private long referenceSequence;
    private long pendingSequence;
    private long momentSequence;
    private DateTimeOffset lastNow = DateTimeOffset.MinValue;

    /// <param name="customers">Customers <c>cust-00001</c> up to <see cref="SimulatedCustomers.Id"/>(customers).</param>
    /// <param name="random">A seeded generator, owned by the model from now on.</param>
    /// <param name="runId">
    /// Part of every event, order, ticket and session id. Give each run its own so that a restarted simulator with
    /// the same seed does not repeat ids that consumers would drop as duplicates.
    /// </param>
    public WebshopModel(int customers, Random random, string runId)
        : this(customers, random, runId, WebshopModelOptions.Default)
    {
    }

    /// <inheritdoc cref="WebshopModel(int, Random, string)"/>
    /// <param name="options">How offers at checkout are answered.</param>
    public WebshopModel(int customers, Random random, string runId, WebshopModelOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(customers, 1);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.DecisionTimeout, TimeSpan.Zero);
        if (!Identifiers.IsValid(runId) || runId.Length > 32)
        {
            throw new ArgumentException("runId must be 1 to 32 letters, digits, '-', '_', '.', ':' or '@'.", nameof(runId));
        }

        customerCount = customers;
        this.random = random;
        this.runId = runId;
        maxBrowsing = Math.Clamp(customers / 20, 1, 256);
        activitySeed = (ulong)random.NextInt64();
        products = SimulatedCatalog.Products.ToDictionary(p => p.Id, p => new ProductState(p.ListPrice), StringComparer.Ordinal);

        // Derived, not drawn, so the event stream of a seed stays what it was before traits existed.
        this.options = options;
        traitSeed = StableHash.Mix(activitySeed ^ 0x7EA1_75EE_D000_0001UL);
        outcomes = new Random(unchecked((int)StableHash.Mix(activitySeed ^ 0x0C0F_FE85_0000_0002UL)));
    }

    public int Customers => customerCount;

    /// <summary>How offers at checkout are answered.</summary>
    public WebshopModelOptions Options => options;

    /// <summary>The next event at <paramref name="now"/>: a scheduled one that is due (delivery, resolution...) first, else new activity.</summary>
    public SimulatedEvent Next(DateTimeOffset now)
    {
        now = WholeMilliseconds(now);
        lastNow = now > lastNow ? now : lastNow;
        while (true)
        {
            // Some steps only change state (a session ends, a product sells out); keep stepping until one emits.
            if (Step(now) is { } e)
            {
                return e;
            }
        }
    }

    /// <summary>
    /// The next checkout waiting for a decision, oldest first; moments that stopped waiting (timed out) are skipped.
    /// Only filled when <see cref="WebshopModelOptions.AnswerOffersRandomly"/> is off.
    /// </summary>
    public bool TryTakeDecisionMoment([NotNullWhen(true)] out DecisionMoment? moment)
    {
        while (decisionMoments.TryDequeue(out moment))
        {
            if (waitingDecisions.TryGetValue(moment.Id, out var waiting) && StillWaiting(waiting))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The hidden traits of <paramref name="customerId"/>: deterministic from the model's seed and the customer, with
    /// tastes that follow the customer's favourite lines. Null for a customer who has not done anything yet (looking
    /// one up never creates it, so it does not change the events). For drivers and benchmarks, never for the policy.
    /// </summary>
    public CustomerTraits? TraitsOf(string customerId) => Find(customerId) is { } customer ? Traits(customer) : null;

    /// <summary>What is really going on with <paramref name="customerId"/> at <paramref name="now"/>; null for a customer who has not done anything yet.</summary>
    public CustomerSituation? SituationOf(string customerId, DateTimeOffset now) =>
        Find(customerId) is { } customer ? Situation(customer, WholeMilliseconds(now)) : null;

    /// <summary>The true probability that the customer of <paramref name="moment"/> accepts <paramref name="offer"/> there.</summary>
    public double TrueProbability(DecisionMoment moment, SimulatedOffer offer)
    {
        ArgumentNullException.ThrowIfNull(moment);
        ArgumentNullException.ThrowIfNull(offer);
        return ResponseModel.Probability(TraitsAt(moment), moment.Situation, offer);
    }

    /// <summary>What the oracle shows at <paramref name="moment"/>: the offer with the highest true expected value.</summary>
    public OracleChoice BestOffer(DecisionMoment moment, IEnumerable<SimulatedOffer> offers)
    {
        ArgumentNullException.ThrowIfNull(moment);
        return Oracle.Choose(TraitsAt(moment), moment.Situation, offers);
    }

    /// <summary>
    /// Shows <paramref name="offer"/> at <paramref name="moment"/> (null: the decision had nothing to show) and lets
    /// the customer answer with a draw from the <see cref="ResponseModel"/>; see <see cref="Report"/> for what follows.
    /// Draws come from a generator of their own, so answering does not shift the rest of the traffic's randomness.
    /// </summary>
    /// <param name="moment">A moment from <see cref="TryTakeDecisionMoment"/>.</param>
    /// <param name="decisionId">The decision's id, echoed in the outcome event.</param>
    /// <param name="offer">The first action of the decision, or null.</param>
    public OfferAnswer Answer(DecisionMoment moment, string decisionId, SimulatedOffer? offer)
    {
        var waiting = Waiting(moment, decisionId);
        if (waiting is null)
        {
            return new OfferAnswer(moment, offer, OfferResponse.TooLate, 0);
        }

        if (offer is null)
        {
            Release(waiting);
            return new OfferAnswer(moment, null, OfferResponse.NotShown, 0);
        }

        var probability = ResponseModel.Probability(Traits(waiting.Customer), moment.Situation, offer);
        return Respond(waiting, decisionId, offer, outcomes.NextDouble() < probability, probability);
    }

    /// <summary>
    /// Records that the customer of <paramref name="moment"/> answered <paramref name="offer"/> as
    /// <paramref name="accepted"/> says, for drivers that draw outcomes themselves. What follows, at the latest time
    /// given to <see cref="Next"/>: an <c>offer.accepted</c> or <c>offer.declined</c> event for
    /// <paramref name="decisionId"/>; for an accepted bundle, its products join the cart (<c>cart.item_added</c>
    /// events) and the order; for an accepted service offer, the customer counts as helped
    /// (<see cref="CustomerSituation.ServiceRecoveredRecently"/>); an accepting customer completes checkout.
    /// A moment that is no longer waiting (answered before, or timed out) gets <see cref="OfferResponse.TooLate"/>.
    /// </summary>
    public OfferAnswer Report(DecisionMoment moment, string decisionId, SimulatedOffer offer, bool accepted)
    {
        ArgumentNullException.ThrowIfNull(offer);
        var waiting = Waiting(moment, decisionId);
        return waiting is null
            ? new OfferAnswer(moment, offer, OfferResponse.TooLate, 0)
            : Respond(waiting, decisionId, offer, accepted, ResponseModel.Probability(Traits(waiting.Customer), moment.Situation, offer));
    }

    private SimulatedEvent? Step(DateTimeOffset now)
    {
        if (pending.TryPeek(out _, out var next) && next.Due <= now)
        {
            return pending.Dequeue()(now);
        }

        return random.NextDouble() switch
        {
            < 0.010 => ChangeCatalog(now),
            < 0.025 => RespondToCampaign(now),
            < 0.030 => OpenNotification(now),
            < 0.040 => ReportLocation(now),
            < 0.043 => OpenContact(PickCustomer(), ContactTopics[random.Next(ContactTopics.Length)], afterLateDelivery: false, now),
            < 0.0442 => ChangeConsent(now),
            _ => Browse(now),
        };
    }

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
        var asGift = random.NextDouble() < GiftShare(now);
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

    /// <summary>Checkout waits (up to the timeout) for a driver to answer the decision it asks for.</summary>
    private void QueueDecisionMoment(Customer customer, DateTimeOffset now)
    {
        var session = customer.Session!;
        DecisionCartItem[] cart = [.. customer.Cart.Select(l =>
            new DecisionCartItem(l.Product.Id, l.Product.Category, l.Product.ProductLine, l.Price, l.Quantity))];
        var moment = new DecisionMoment(++momentSequence, customer.Id, now, DecisionMoment.CheckoutTouchpoint, session.Channel, session.Id,
            cart, Situation(customer, now));
        var waiting = new WaitingDecision(moment, customer, now + options.DecisionTimeout);
        session.Decision = waiting;
        waitingDecisions.Add(moment.Id, waiting);
        decisionMoments.Enqueue(moment);
    }

    /// <summary>The waiting decision of <paramref name="moment"/>, or null when it no longer waits.</summary>
    private WaitingDecision? Waiting(DecisionMoment moment, string decisionId)
    {
        ArgumentNullException.ThrowIfNull(moment);
        if (!Identifiers.IsValid(decisionId))
        {
            throw new ArgumentException($"decisionId must be {Identifiers.Rule}.", nameof(decisionId));
        }

        if (!waitingDecisions.TryGetValue(moment.Id, out var waiting))
        {
            return moment.Id >= 1 && moment.Id <= momentSequence
                ? null
                : throw new ArgumentException("The moment does not come from this model.", nameof(moment));
        }

        if (waiting.Moment != moment)
        {
            throw new ArgumentException("The moment does not come from this model.", nameof(moment));
        }

        return StillWaiting(waiting) ? waiting : null;
    }

    /// <summary>False, and released, once the model's clock has passed the deadline: the webshop stopped waiting then.</summary>
    private bool StillWaiting(WaitingDecision waiting)
    {
        if (lastNow <= waiting.Deadline)
        {
            return true;
        }

        Release(waiting);
        return false;
    }

    private void Release(WaitingDecision waiting)
    {
        waitingDecisions.Remove(waiting.Moment.Id);
        if (ReferenceEquals(waiting.Customer.Session?.Decision, waiting))
        {
            waiting.Customer.Session.Decision = null;
        }
    }

    private OfferAnswer Respond(WaitingDecision waiting, string decisionId, SimulatedOffer offer, bool accepted, double probability)
    {
        // Before anything changes, so a bad bundle leaves the moment waiting.
        var bundleLines = accepted && offer.Kind == SimulatedOffer.BundleKind ? BundleLines(offer) : null;
        Release(waiting);
        var customer = waiting.Customer;
        var at = lastNow > waiting.Moment.Time ? lastNow : waiting.Moment.Time;
        var type = accepted ? EventTypes.OfferAccepted : EventTypes.OfferDeclined;
        Schedule(at, t => Event(WebshopSource, type, t, customer.Id, new OfferOutcomeData(decisionId, offer.ActionId)));
        if (accepted)
        {
            customer.Session!.OfferAccepted = true;
            if (bundleLines is not null)
            {
                // Due at once, so they reach the cart before the checkout it belongs to places the order.
                foreach (var line in bundleLines)
                {
                    Schedule(at, t =>
                    {
                        customer.Cart.Add(line);
                        return Event(WebshopSource, EventTypes.CartItemAdded, t, customer.Id, new CartItemAddedData(
                            line.Product.Id, line.Product.Category, line.Product.ProductLine, line.Price, line.Quantity));
                    });
                }
            }
            else
            {
                customer.ServiceAcceptedAt = at;
            }
        }

        return new OfferAnswer(waiting.Moment, offer, accepted ? OfferResponse.Accepted : OfferResponse.Declined, probability);
    }

    /// <summary>A bundle's products as cart lines: its combination price split over them, cents on the last.</summary>
    private static List<CartLine> BundleLines(SimulatedOffer offer)
    {
        IReadOnlyList<string> ids = offer.BundleProducts.Count > 0 ? offer.BundleProducts : [offer.ActionId];
        if (ids.FirstOrDefault(id => !Identifiers.IsValid(id)) is { } invalid)
        {
            throw new ArgumentException($"Bundle product '{invalid}' is not a valid id: {Identifiers.Rule}.", nameof(offer));
        }

        var line = SimulatedCatalog.ProductLines.FirstOrDefault(l => l.Name == offer.ProductLine);
        var (category, productLine) = line is null ? ("accessories", offer.ProductLine ?? "accessories") : (line.Category, line.Name);
        var total = Math.Round((decimal)Math.Max(offer.Price ?? 0, 0), 2);
        var each = decimal.Floor(total * 100 / ids.Count) / 100;
        return [.. ids.Select((id, i) => new CartLine(
            new SimulatedProduct(id, category, productLine, each, null), i == ids.Count - 1 ? total - (each * (ids.Count - 1)) : each, 1, false))];
    }

    /// <summary>The customer answers the offer the checkout showed: a bundle for a line in the cart or a service.</summary>
    private void ScheduleOfferOutcome(Customer customer, DateTimeOffset now)
    {
        var decisionId = NewReference("sim-dec");
        var actionId = random.NextDouble() < 0.5
            ? $"bundle-{customer.Cart[random.Next(customer.Cart.Count)].Product.ProductLine}"
            : ServiceActions[random.Next(ServiceActions.Length)];
        var answer = random.NextDouble();
        var type = answer < 0.35 ? EventTypes.OfferAccepted : answer < 0.8 ? EventTypes.OfferDeclined : EventTypes.OfferIgnored;
        Schedule(now.AddSeconds(2 + random.Next(18)),
            t => Event(WebshopSource, type, t, customer.Id, new OfferOutcomeData(decisionId, actionId)));
    }

    private SimulatedEvent PlaceOrder(Customer customer, DateTimeOffset now)
    {
        var orderId = NewReference("ord");
        OrderItem[] items = [.. customer.Cart.Select(l => new OrderItem(
            l.Product.Id, l.Product.Category, l.Product.ProductLine, l.Price, l.Quantity, l.Gift ? true : null))];
        var total = CartValue(customer.Cart);
        customer.Cart.Clear();
        var promised = now.AddSeconds(60 + random.Next(121));
        customer.OpenOrders.Add((orderId, promised));

        if (random.NextDouble() < 0.03)
        {
            // Cancelled orders are cancelled well before the promise and never delivered.
            Schedule(now.AddSeconds(5 + (random.NextDouble() * 40)), t =>
            {
                customer.CloseOrder(orderId);
                return Event(WebshopSource, EventTypes.OrderCancelled, t, customer.Id, new OrderCancelledData(orderId));
            });
        }
        else
        {
            var deliveredAt = random.NextDouble() < LateDeliveryShare
                ? promised.AddSeconds(10 + random.Next(230))
                : WholeMilliseconds(now + ((promised - now) * (0.4 + (random.NextDouble() * 0.6))));
            Schedule(deliveredAt, t => Deliver(customer, orderId, items, late: deliveredAt > promised, deliveredAt, t));
        }

        return Event(WebshopSource, EventTypes.OrderPlaced, now, customer.Id, new OrderPlacedData(orderId, items, total, "EUR", promised));
    }

    private SimulatedEvent Deliver(Customer customer, string orderId, OrderItem[] items, bool late, DateTimeOffset deliveredAt, DateTimeOffset now)
    {
        customer.CloseOrder(orderId);
        if (late)
        {
            Customer.Remember(customer.LateDeliveries, deliveredAt);
        }

        if (random.NextDouble() < 0.05)
        {
            var productId = items[random.Next(items.Length)].ProductId!;
            Schedule(now.AddSeconds(30 + random.Next(270)), t => Return(customer, orderId, productId, t));
        }

        // A broken promise is what makes people call.
        if (random.NextDouble() < (late ? 0.4 : 0.02))
        {
            Schedule(now.AddSeconds(5 + random.Next(55)), t => OpenContact(customer, late ? "delivery" : "product", late, t));
        }

        return Event(WebshopSource, EventTypes.OrderDelivered, now, customer.Id, new OrderDeliveredData(orderId, deliveredAt));
    }

    private SimulatedEvent Return(Customer customer, string orderId, string productId, DateTimeOffset now)
    {
        Customer.Remember(customer.Returns, now);
        if (random.NextDouble() < 0.2)
        {
            Schedule(now.AddSeconds(5 + random.Next(55)), t => OpenContact(customer, "return", afterLateDelivery: false, t));
        }

        return Event(WebshopSource, EventTypes.OrderReturned, now, customer.Id,
            new OrderReturnedData(orderId, productId, ReturnReasons[random.Next(ReturnReasons.Length)]));
    }

    private SimulatedEvent OpenContact(Customer customer, string topic, bool afterLateDelivery, DateTimeOffset now)
    {
        var ticketId = NewReference("tkt");
        var firstTimeRight = random.NextDouble() < (afterLateDelivery ? 0.6 : 0.72);
        var contacts = firstTimeRight ? 1 : random.NextDouble() < 0.65 ? 2 : 3;
        customer.OpenContacts++;
        Schedule(now.AddSeconds(contacts * (30 + random.Next(150))), t =>
        {
            customer.OpenContacts--;
            if (contacts > 1)
            {
                Customer.Remember(customer.RepeatedContacts, t);
            }

            return Event(ServiceSource, EventTypes.ServiceContactResolved, t, customer.Id, new ServiceContactResolvedData(ticketId, contacts));
        });
        return Event(ServiceSource, EventTypes.ServiceContactOpened, now, customer.Id,
            new ServiceContactOpenedData(ticketId, ContactChannels[random.Next(ContactChannels.Length)], topic));
    }

    private SimulatedEvent? RespondToCampaign(DateTimeOffset now)
    {
        var customer = PickCustomer();
        if (!customer.Marketing)
        {
            return null; // no marketing consent, no campaign
        }

        var campaignId = Campaigns[random.Next(Campaigns.Length)];
        var roll = random.NextDouble();
        var response = roll < 0.05 + (0.25 * customer.Responsiveness) ? "clicked"
            : roll < 0.35 + (0.3 * customer.Responsiveness) ? "opened"
            : "ignored";
        if (response == "clicked" && customer.Session is null && browsing.Count < maxBrowsing)
        {
            StartSession(customer, $"/campaign/{campaignId}");
        }

        return Event(WebshopSource, EventTypes.CampaignResponded, now, customer.Id, new CampaignRespondedData(campaignId, response));
    }

    private SimulatedEvent OpenNotification(DateTimeOffset now) =>
        Event(WebshopSource, EventTypes.NotificationOpened, now, PickCustomer().Id, new NotificationOpenedData(NewReference("sim-ntf")));

    private SimulatedEvent? ReportLocation(DateTimeOffset now)
    {
        var customer = PickCustomer();
        if (!customer.Location)
        {
            return null;
        }

        var (lat, lon) = Cities[random.NextDouble() < 0.8 ? customer.City : random.Next(Cities.Length)];
        return Event(WebshopSource, EventTypes.LocationReported, now, customer.Id, new LocationReportedData(
            Math.Round(lat + ((random.NextDouble() - 0.5) * 0.08), 5), Math.Round(lon + ((random.NextDouble() - 0.5) * 0.12), 5)));
    }

    /// <summary>Flips one consent; the event carries only that one (absent = unchanged).</summary>
    private SimulatedEvent ChangeConsent(DateTimeOffset now)
    {
        var customer = PickCustomer();
        ConsentChangedData data = random.Next(3) switch
        {
            0 => new(customer.Marketing = !customer.Marketing, null, null),
            1 => new(null, customer.Profiling = !customer.Profiling, null),
            _ => new(null, null, customer.Location = !customer.Location),
        };

        // A customer who reviews consent also sets notification preferences a moment later. Derived from the id, not
        // drawn, so the model's random sequence is the same as without them.
        var id = customer.Id;
        Schedule(now.AddSeconds(1), at => Event(WebshopSource, EventTypes.PreferencesChanged, at, id, PreferencesOf(id)));
        return Event(WebshopSource, EventTypes.ConsentChanged, now, customer.Id, data);
    }

    private static readonly string[] TimeZones = ["Europe/Amsterdam", "Europe/Brussels", "Europe/London", "America/New_York"];

    private static PreferencesChangedData PreferencesOf(string customerId)
    {
        var hash = StableHash.Mixed(customerId);
        return new PreferencesChangedData(
            TimeZones[hash % (ulong)TimeZones.Length],
            (hash >> 8) % 3 == 0 ? "email" : null,
            Push: (hash >> 16) % 5 != 0,
            Email: true,
            ServiceNotifications: true,
            B2b: (hash >> 24) % 10 == 0);
    }

    private SimulatedEvent? ChangeCatalog(DateTimeOffset now)
    {
        var product = SimulatedCatalog.Products[random.Next(SimulatedCatalog.Products.Count)];
        var state = products[product.Id];
        var roll = random.NextDouble();
        if (roll < 0.6)
        {
            return ChangePrice(product, state, now);
        }

        if (roll < 0.85)
        {
            // Selling out has no event in the contract; coming back in stock does.
            if (state.InStock)
            {
                state.InStock = false;
                Schedule(now.AddSeconds(60 + random.Next(540)), t =>
                {
                    state.InStock = true;
                    return Event(CatalogSource, EventTypes.ProductBackInStock, t, product.Id, new ProductRefData(product.Id));
                });
            }

            return null;
        }

        return product.SuccessorId is { } successor
            ? Event(CatalogSource, EventTypes.ProductVersionReleased, now, product.Id, new ProductVersionReleasedData(product.Id, successor))
            : null;
    }

    /// <summary>Mostly drops of 5..25% to a .99 price, down to about 60% of list; promotions end back at list price.</summary>
    private SimulatedEvent ChangePrice(SimulatedProduct product, ProductState state, DateTimeOffset now)
    {
        var oldPrice = state.Price;
        var discounted = oldPrice < product.ListPrice;
        var newPrice = (discounted && random.NextDouble() < 0.25) || oldPrice <= product.ListPrice * 0.6m
            ? product.ListPrice
            : decimal.Floor(oldPrice * (decimal)(0.75 + (random.NextDouble() * 0.2))) - 0.01m;
        state.Price = newPrice;
        return Event(CatalogSource, EventTypes.ProductPriceChanged, now, product.Id, new ProductPriceChangedData(product.Id, oldPrice, newPrice));
    }

    /// <summary>Share of product views that are for a gift: higher from mid-November through December.</summary>
    private static double GiftShare(DateTimeOffset now) => GiftSeason.Contains(now) ? 0.25 : 0.05;

    /// <summary>UTC, truncated to whole milliseconds: precise enough for compressed time, and short in JSON.</summary>
    private static DateTimeOffset WholeMilliseconds(DateTimeOffset t) =>
        new(t.UtcTicks - (t.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);

    private static decimal CartValue(List<CartLine> cart) => cart.Sum(l => l.Price * l.Quantity);

    private static CustomerSituation Situation(Customer customer, DateTimeOffset now)
    {
        static int Since(List<DateTimeOffset> times, DateTimeOffset since, DateTimeOffset now) => times.Count(t => t >= since && t <= now);

        return new CustomerSituation(
            now,
            [.. customer.Cart.Select(l => l.Product.ProductLine).Distinct(StringComparer.Ordinal)],
            CartValue(customer.Cart),
            [.. customer.Wishlist.Select(p => p.ProductLine).Distinct(StringComparer.Ordinal)],
            customer.OpenOrders.Count(o => o.Promised < now),
            Since(customer.LateDeliveries, now - CustomerSituation.RecentWindow, now),
            customer.OpenContacts,
            Since(customer.RepeatedContacts, now - CustomerSituation.RecentWindow, now),
            Since(customer.Returns, now - CustomerSituation.ReturnWindow, now),
            customer.ServiceAcceptedAt is { } helped && helped <= now && helped >= now - CustomerSituation.RecoveryWindow);
    }

    private CustomerTraits Traits(Customer customer) => customer.Traits ??=
        CustomerTraits.Draw(traitSeed, customer.Id, [.. customer.Favourites.Select(l => l.Name)], customer.Responsiveness);

    /// <summary>The traits of the moment's customer; the moment must come from this model.</summary>
    private CustomerTraits TraitsAt(DecisionMoment moment) => TraitsOf(moment.CustomerId)
        ?? throw new ArgumentException($"{moment.CustomerId} is not a customer of this model.", nameof(moment));

    /// <summary>An existing customer; never creates one, since that would draw from the generator.</summary>
    private Customer? Find(string customerId)
    {
        ArgumentNullException.ThrowIfNull(customerId);
        return SimulatedCustomers.TryParse(customerId, out var n) && customers.TryGetValue(n, out var customer) ? customer : null;
    }

    /// <summary>A customer picked by activity: a few heavy shoppers, many occasional ones.</summary>
    private Customer PickCustomer()
    {
        while (true)
        {
            var n = random.Next(1, customerCount + 1);
            if (random.NextDouble() < Activity(n))
            {
                return GetCustomer(n);
            }
        }
    }

    /// <summary>
    /// Activity in 0.05..1, skewed low. Derived by hashing the customer number so rejected picks cost no memory:
    /// customer state is only created for customers who actually do something.
    /// </summary>
    private double Activity(int n)
    {
        var z = activitySeed + ((ulong)n * 0x9E3779B97F4A7C15UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        var unit = (z >> 11) * (1.0 / (1UL << 53));
        return 0.05 + (0.95 * unit * unit);
    }

    private Customer GetCustomer(int n)
    {
        if (!customers.TryGetValue(n, out var customer))
        {
            var favourites = new List<SimulatedProductLine>(3);
            var count = 1 + random.Next(3);
            while (favourites.Count < count)
            {
                var line = WeightedLine();
                if (!favourites.Contains(line))
                {
                    favourites.Add(line);
                }
            }

            customer = new Customer(SimulatedCustomers.Id(n), favourites, random.Next(Cities.Length), random.NextDouble())
            {
                Marketing = random.NextDouble() < 0.8,
                Profiling = random.NextDouble() < 0.9,
                Location = random.NextDouble() < 0.6,
            };
            customers.Add(n, customer);
        }

        return customer;
    }

    private SimulatedProductLine WeightedLine()
    {
        var roll = random.Next(TotalPopularity);
        foreach (var line in SimulatedCatalog.ProductLines)
        {
            if (roll < line.Popularity)
            {
                return line;
            }

            roll -= line.Popularity;
        }

        throw new UnreachableException();
    }

    private SimulatedProduct PickFrom(SimulatedProductLine line) => line.Products[random.Next(line.Products.Count)];

    private void Schedule(DateTimeOffset due, Func<DateTimeOffset, SimulatedEvent> emit) => pending.Enqueue(emit, (due, ++pendingSequence));

    private string NewReference(string prefix) => string.Create(CultureInfo.InvariantCulture, $"{prefix}-{runId}-{++referenceSequence}");

    private SimulatedEvent Event(string source, string type, DateTimeOffset now, string subject, EventData data) =>
        new(string.Create(CultureInfo.InvariantCulture, $"evt-{runId}-{++eventSequence}"), source, type, now, subject, data);

    private sealed class Customer(string id, IReadOnlyList<SimulatedProductLine> favourites, int city, double responsiveness)
    {
        private const int HistoryLimit = 20;

        public string Id { get; } = id;
        public IReadOnlyList<SimulatedProductLine> Favourites { get; } = favourites;
        public int City { get; } = city;
        public double Responsiveness { get; } = responsiveness;
        public List<CartLine> Cart { get; } = [];
        public List<SimulatedProduct> Wishlist { get; } = [];
        public Session? Session { get; set; }
        public bool Marketing { get; set; }
        public bool Profiling { get; set; }
        public bool Location { get; set; }

        // The true situation, kept without drawing from the generator so the events stay the same.
        public CustomerTraits? Traits { get; set; }
        public List<(string OrderId, DateTimeOffset Promised)> OpenOrders { get; } = [];
        public List<DateTimeOffset> LateDeliveries { get; } = [];
        public List<DateTimeOffset> RepeatedContacts { get; } = [];
        public List<DateTimeOffset> Returns { get; } = [];
        public int OpenContacts { get; set; }
        public DateTimeOffset? ServiceAcceptedAt { get; set; }

        public void CloseOrder(string orderId) => OpenOrders.RemoveAll(o => o.OrderId == orderId);

        /// <summary>Keeps the latest 20: the situation counts only recent ones, and the response model caps each count at three or fewer.</summary>
        public static void Remember(List<DateTimeOffset> times, DateTimeOffset time)
        {
            if (times.Count == HistoryLimit)
            {
                times.RemoveAt(0);
            }

            times.Add(time);
        }
    }

    private sealed record CartLine(SimulatedProduct Product, decimal Price, int Quantity, bool Gift);

    private sealed class Session(string id, string channel, int steps, string landingUrl)
    {
        public string Id { get; } = id;
        public string Channel { get; } = channel;
        public int StepsLeft { get; set; } = steps;
        public string? LandingUrl { get; set; } = landingUrl;
        public SimulatedProduct? LastViewed { get; set; }
        public bool LastViewedAsGift { get; set; }
        public SimulatedProductLine? SearchedLine { get; set; }
        public bool CheckingOut { get; set; }
        public WaitingDecision? Decision { get; set; }
        public bool OfferAccepted { get; set; }
    }

    private sealed record WaitingDecision(DecisionMoment Moment, Customer Customer, DateTimeOffset Deadline);

    private sealed class ProductState(decimal listPrice)
    {
        public decimal Price { get; set; } = listPrice;
        public bool InStock { get; set; } = true;
    }
}
