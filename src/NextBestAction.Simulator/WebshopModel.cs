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
public sealed partial class WebshopModel
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
        return ResponseModel.Probability(TraitsAt(moment), moment.Situation, offer, options.Scenario);
    }

    /// <summary>What the oracle shows at <paramref name="moment"/>: the offer with the highest true expected value.</summary>
    public OracleChoice BestOffer(DecisionMoment moment, IEnumerable<SimulatedOffer> offers)
    {
        ArgumentNullException.ThrowIfNull(moment);
        return Oracle.Choose(TraitsAt(moment), moment.Situation, offers, options.Scenario);
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

        var probability = ResponseModel.Probability(Traits(waiting.Customer), moment.Situation, offer, options.Scenario);
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
            : Respond(waiting, decisionId, offer, accepted, ResponseModel.Probability(Traits(waiting.Customer), moment.Situation, offer, options.Scenario));
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
            var roll when roll < 0.0442 + options.Scenario.SegmentQuestionRate => AskQuestion(now),
            _ => Browse(now),
        };
    }

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

    /// <summary>A member of the scenario's segment asks customer service about a product; anyone else browses instead.</summary>
    private SimulatedEvent? AskQuestion(DateTimeOffset now)
    {
        var customer = PickCustomer();
        return options.Scenario.InSegment(Traits(customer)) ? OpenContact(customer, "product", afterLateDelivery: false, now) : Browse(now);
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
