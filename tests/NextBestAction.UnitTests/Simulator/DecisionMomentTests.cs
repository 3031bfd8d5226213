using NextBestAction.Contracts;
using NextBestAction.Decisioning.Catalog;
using NextBestAction.Simulator;
using NextBestAction.Simulator.Responses;

namespace NextBestAction.UnitTests.Simulator;

public sealed class DecisionMomentTests
{
    private static readonly WebshopModelOptions Driven = new() { AnswerOffersRandomly = false };

    [Fact]
    public void Checkout_DrivenModel_QueuesOneMomentPerCheckoutCarryingTheCartAsTheWebshopSendsIt()
    {
        var model = new WebshopModel(2000, new Random(42), "moments", Driven);
        var carts = new Dictionary<string, List<DecisionCartItem>>(StringComparer.Ordinal);
        var sessions = new Dictionary<string, string>(StringComparer.Ordinal);
        var moments = 0;
        for (var i = 0; i < 50_000; i++)
        {
            var e = model.Next(SimulatedRun.June + TimeSpan.FromMilliseconds(20 * i));
            var cart = carts.TryGetValue(e.Subject, out var c) ? c : carts[e.Subject] = [];
            switch (e.Data)
            {
                case CartItemAddedData added:
                    var index = cart.FindIndex(l => l.ProductId == added.ProductId);
                    var line = new DecisionCartItem(added.ProductId!, added.Category!, added.ProductLine!, added.Price!.Value, added.Quantity!.Value);
                    if (index >= 0)
                    {
                        cart[index] = line with { Quantity = cart[index].Quantity + line.Quantity };
                    }
                    else
                    {
                        cart.Add(line);
                    }

                    break;
                case ProductRefData removed when e.Type == EventTypes.CartItemRemoved:
                    cart.RemoveAll(l => l.ProductId == removed.ProductId);
                    break;
                case OrderPlacedData:
                    cart.Clear();
                    break;
                case PageViewedData page:
                    sessions[e.Subject] = page.SessionId!;
                    break;
            }

            if (e.Type != EventTypes.CheckoutStarted)
            {
                Assert.False(model.TryTakeDecisionMoment(out _), $"a moment after {e.Type}");
                continue;
            }

            Assert.True(model.TryTakeDecisionMoment(out var moment), $"no moment for checkout {e.Id}");
            moments++;
            Assert.Equal(moments, moment.Id);
            Assert.Equal(e.Subject, moment.CustomerId);
            Assert.Equal(e.Time, moment.Time);
            Assert.Equal(DecisionMoment.CheckoutTouchpoint, moment.Touchpoint);
            Assert.Contains(moment.Channel, new[] { "web", "app" });
            Assert.Equal(sessions[e.Subject], moment.SessionId);
            Assert.NotEmpty(moment.Cart);
            Assert.Equal(cart, moment.Cart);
            Assert.Equal(((CheckoutStartedData)e.Data).CartValue, moment.Cart.Sum(l => l.Price * l.Quantity));
            Assert.Equal(moment.Cart.Sum(l => l.Price * l.Quantity), moment.Situation.CartValue);
            Assert.Equal(moment.Cart.Select(l => l.ProductLine).Distinct(StringComparer.Ordinal), moment.Situation.CartProductLines);
            Assert.Equal(moment.Time, moment.Situation.Time);
            Assert.False(model.TryTakeDecisionMoment(out _));

            Assert.Equal(OfferResponse.NotShown, model.Answer(moment, $"dec-{moment.Id}", null).Response);
        }

        Assert.True(moments >= 300, $"only {moments} moments");
    }

    [Fact]
    public void Next_DrivenModel_NoRandomOfferOutcomesAndCheckoutsGoOnAfterTheTimeout()
    {
        var model = new WebshopModel(2000, new Random(42), "unanswered", Driven);
        var events = Enumerable.Range(0, 50_000).Select(i => model.Next(SimulatedRun.June + TimeSpan.FromMilliseconds(20 * i))).ToList();
        var moments = new List<DecisionMoment>();
        while (model.TryTakeDecisionMoment(out var m))
        {
            moments.Add(m);
        }

        Assert.DoesNotContain(events, e => e.Type is EventTypes.OfferAccepted or EventTypes.OfferDeclined or EventTypes.OfferIgnored);
        Assert.True(events.Count(e => e.Type == EventTypes.CheckoutStarted) >= 300);
        // Nobody answered: checkouts waited for the timeout and went on, so orders still flow.
        Assert.True(events.Count(e => e.Type == EventTypes.OrderPlaced) >= 200);
        // Only the checkouts of the last few seconds still wait; the rest stopped waiting and were skipped.
        Assert.InRange(moments.Count, 0, 40);
        Assert.All(moments, m => Assert.True(m.Time >= events[^1].Time - Driven.DecisionTimeout));
    }

    [Fact]
    public void Next_DefaultModel_NoDecisionMomentsAndRandomOfferOutcomesAsBefore()
    {
        var model = new WebshopModel(2000, new Random(42), "default");
        var events = Enumerable.Range(0, 50_000).Select(i => model.Next(SimulatedRun.June + TimeSpan.FromMilliseconds(20 * i))).ToList();

        Assert.True(model.Options.AnswerOffersRandomly);
        Assert.False(model.TryTakeDecisionMoment(out _));
        Assert.Contains(events, e => e.Type == EventTypes.OfferAccepted);
        Assert.Equal(
            SimulatedRun.Default.Select(r => (r.Event.Type, r.Event.Subject, r.Event.Time)),
            events.Select(e => (e.Type, e.Subject, e.Time)));
    }

    [Fact]
    public void Answer_AcceptedBundle_FeedbackThenItsProductsJoinTheCartAndTheOrder()
    {
        var model = new WebshopModel(2000, new Random(42), "bundles", Driven);
        var accepted = new Dictionary<string, (DecisionMoment Moment, SimulatedOffer Offer)>(StringComparer.Ordinal);
        var events = new List<SimulatedEvent>();
        for (var i = 0; i < 50_000; i++)
        {
            var now = SimulatedRun.June + TimeSpan.FromMilliseconds(20 * i);
            var e = model.Next(now);
            events.Add(e);
            Assert.True(EventReader.Read(SimulatedEventJson.ToUtf8Json(e), now, EventLimits.Default).Outcome == ReadOutcome.Valid, $"{e.Type} {e.Id}");
            while (model.TryTakeDecisionMoment(out var moment))
            {
                var line = moment.Cart[0].ProductLine;
                var offer = SimulatedOffer.Bundle($"bundle-{line}", line, 15, 20) with
                {
                    Price = 49.99,
                    BundleProducts = [$"p-{line}-acc-case", $"p-{line}-acc-charger"],
                };
                var decisionId = $"dec-{moment.Id}";
                var answer = model.Report(moment, decisionId, offer, accepted: true);
                Assert.Equal(OfferResponse.Accepted, answer.Response);
                Assert.Equal(model.TrueProbability(moment, offer), answer.Probability);
                accepted[decisionId] = (moment, offer);
            }
        }

        Assert.True(accepted.Count >= 300, $"only {accepted.Count} accepted");
        var settled = 0;
        foreach (var (decisionId, (moment, offer)) in accepted)
        {
            var after = events.SkipWhile(e => e.Time < moment.Time).Where(e => e.Subject == moment.CustomerId).ToList();
            var feedback = after.FindIndex(e => e.Data is OfferOutcomeData o && o.DecisionId == decisionId);
            var order = after.FindIndex(e => e.Type == EventTypes.OrderPlaced);
            if (order < 0)
            {
                continue; // the run ended first
            }

            settled++;
            Assert.InRange(feedback, 0, order);
            Assert.Equal(EventTypes.OfferAccepted, after[feedback].Type);
            Assert.Equal(offer.ActionId, ((OfferOutcomeData)after[feedback].Data).ActionId);
            var added = after.Take(order).Where(e => e.Type == EventTypes.CartItemAdded).Select(e => (CartItemAddedData)e.Data).ToList();
            Assert.Equal(offer.BundleProducts, added.Select(a => a.ProductId));
            Assert.All(added, a => Assert.Equal(offer.ProductLine, a.ProductLine));
            Assert.Equal(49.99m, added.Sum(a => a.Price!.Value));
            var items = ((OrderPlacedData)after[order].Data).Items!;
            Assert.Equal(
                moment.Cart.Select(l => l.ProductId).Concat(offer.BundleProducts).Order(StringComparer.Ordinal),
                items.Select(i => i.ProductId!).Order(StringComparer.Ordinal));
            Assert.Equal(moment.Situation.CartValue + 49.99m, ((OrderPlacedData)after[order].Data).Total);
        }

        // Someone who accepted does not abandon checkout: nearly every accepted decision became an order.
        Assert.True(settled >= accepted.Count - 10, $"{settled} of {accepted.Count} settled");
    }

    [Fact]
    public void Answer_DrawsOutcomesFromTheResponseModel()
    {
        var model = new WebshopModel(2000, new Random(7), "draws", Driven);
        var events = new List<SimulatedEvent>();
        var answers = new List<OfferAnswer>();
        for (var i = 0; i < 100_000; i++)
        {
            events.Add(model.Next(SimulatedRun.June + TimeSpan.FromMilliseconds(20 * i)));
            while (model.TryTakeDecisionMoment(out var moment))
            {
                // Alternate kinds so both halves of the model are drawn from.
                var offer = moment.Id % 2 == 0
                    ? SimulatedOffer.Service("service-delivery-apology", 10)
                    : SimulatedOffer.Bundle($"bundle-{moment.Cart[^1].ProductLine}", moment.Cart[^1].ProductLine, 15, 25);
                var expected = model.TrueProbability(moment, offer);
                var answer = model.Answer(moment, $"dec-{moment.Id}", offer);
                Assert.Equal(expected, answer.Probability);
                Assert.Equal(expected * offer.Value, answer.ExpectedValue, 12);
                answers.Add(answer);
            }
        }

        Assert.True(answers.Count >= 500, $"only {answers.Count} answers");
        var mean = answers.Sum(a => a.Probability);
        var sd = Math.Sqrt(answers.Sum(a => a.Probability * (1 - a.Probability)));
        var acceptedCount = answers.Count(a => a.Response == OfferResponse.Accepted);
        Assert.InRange(acceptedCount, mean - (4 * sd), mean + (4 * sd));
        Assert.All(answers, a => Assert.Contains(a.Response, new[] { OfferResponse.Accepted, OfferResponse.Declined }));

        var outcomes = events.Where(e => e.Data is OfferOutcomeData).ToDictionary(e => ((OfferOutcomeData)e.Data).DecisionId!, StringComparer.Ordinal);
        var settled = answers.Where(a => outcomes.ContainsKey($"dec-{a.Moment.Id}")).ToList();
        Assert.True(settled.Count >= answers.Count - 2);
        Assert.All(settled, a =>
        {
            var e = outcomes[$"dec-{a.Moment.Id}"];
            Assert.Equal(a.Response == OfferResponse.Accepted ? EventTypes.OfferAccepted : EventTypes.OfferDeclined, e.Type);
            Assert.Equal(a.Moment.CustomerId, e.Subject);
            Assert.Equal(a.Offer!.ActionId, ((OfferOutcomeData)e.Data).ActionId);
        });
    }

    [Fact]
    public void Answer_SameSeedAndAnswers_SameEvents()
    {
        static List<byte[]> Run()
        {
            var model = new WebshopModel(500, new Random(3), "repeat", Driven);
            var events = new List<byte[]>();
            for (var i = 0; i < 20_000; i++)
            {
                events.Add(SimulatedEventJson.ToUtf8Json(model.Next(SimulatedRun.June + TimeSpan.FromMilliseconds(20 * i))));
                while (model.TryTakeDecisionMoment(out var moment))
                {
                    var line = moment.Cart[0].ProductLine;
                    model.Answer(moment, $"dec-{moment.Id}", SimulatedOffer.Bundle($"bundle-{line}", line, 15, 25) with { Price = 30 });
                }
            }

            return events;
        }

        var first = Run();

        Assert.Contains(first, b => System.Text.Encoding.UTF8.GetString(b).Contains(EventTypes.OfferAccepted, StringComparison.Ordinal));
        Assert.Equal(first, Run());
    }

    [Fact]
    public void Answer_TwiceAfterTimeoutOrForeignMoment_TooLateOrRefused()
    {
        var model = new WebshopModel(200, new Random(1), "late", Driven with { DecisionTimeout = TimeSpan.FromSeconds(1) });
        var now = SimulatedRun.June;
        var offer = SimulatedOffer.Service("service-advisor-call", 3);
        DecisionMoment? first = null;
        while (!model.TryTakeDecisionMoment(out first))
        {
            model.Next(now += TimeSpan.FromMilliseconds(20));
        }

        Assert.Throws<ArgumentException>(() => model.Answer(first, "not a valid id", offer));
        var badBundle = SimulatedOffer.Bundle("bundle-iphone", "iphone", 15, 26) with { BundleProducts = ["{no braces}"] };
        Assert.Throws<ArgumentException>(() => model.Report(first, "dec-1", badBundle, accepted: true));
        Assert.Throws<ArgumentException>(() => model.Report(first, "dec-1", new SimulatedOffer("x", "fallback", null, 0, 1), accepted: true));
        Assert.Equal(OfferResponse.Declined, model.Report(first, "dec-1", offer, accepted: false).Response);
        Assert.Equal(OfferResponse.TooLate, model.Answer(first, "dec-1", offer).Response);
        Assert.Equal(OfferResponse.TooLate, model.Answer(first, "dec-1", null).Response);

        DecisionMoment? second = null;
        while (!model.TryTakeDecisionMoment(out second))
        {
            model.Next(now += TimeSpan.FromMilliseconds(20));
        }

        // Two seconds later the checkout has gone on without an offer.
        var events = new List<SimulatedEvent>();
        for (var until = now + TimeSpan.FromSeconds(2); now < until;)
        {
            events.Add(model.Next(now += TimeSpan.FromMilliseconds(20)));
        }

        var tooLate = model.Answer(second, "dec-2", offer);
        Assert.Equal(OfferResponse.TooLate, tooLate.Response);
        Assert.Equal(0, tooLate.Probability);
        Assert.DoesNotContain(events.Concat([model.Next(now += TimeSpan.FromMilliseconds(20))]), e => e.Data is OfferOutcomeData);

        var foreign = second with { Id = 1_000_000 };
        Assert.Throws<ArgumentException>(() => model.Answer(foreign, "dec-3", offer));
        Assert.Throws<ArgumentException>(() => model.TrueProbability(second with { CustomerId = "cust-99999" }, offer));
    }

    [Fact]
    public void Situation_AtEveryMoment_MatchesWhatTheEventsSay()
    {
        var model = new WebshopModel(2000, new Random(42), "truth", Driven);
        var openOrders = new Dictionary<string, (string Customer, DateTimeOffset Promised)>(StringComparer.Ordinal);
        var promised = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var openTickets = new Dictionary<string, string>(StringComparer.Ordinal);
        var brokenPromises = new Dictionary<string, int>(StringComparer.Ordinal);
        var repeated = new Dictionary<string, int>(StringComparer.Ordinal);
        var returns = new Dictionary<string, int>(StringComparer.Ordinal);
        static int Count(Dictionary<string, int> counts, string customer) => counts.GetValueOrDefault(customer);
        static void Add(Dictionary<string, int> counts, string customer) => counts[customer] = counts.GetValueOrDefault(customer) + 1;

        var checkedMoments = new List<CustomerSituation>();
        for (var i = 0; i < 100_000; i++)
        {
            var now = SimulatedRun.June + TimeSpan.FromMilliseconds(20 * i);
            var e = model.Next(now);
            switch (e.Data)
            {
                case OrderPlacedData placed:
                    openOrders[placed.OrderId!] = (e.Subject, placed.PromisedDeliveryDate!.Value);
                    promised[placed.OrderId!] = placed.PromisedDeliveryDate!.Value;
                    break;
                case OrderDeliveredData delivered:
                    openOrders.Remove(delivered.OrderId!);
                    if (delivered.DeliveredAt > promised[delivered.OrderId!])
                    {
                        Add(brokenPromises, e.Subject);
                    }

                    break;
                case OrderCancelledData cancelled:
                    openOrders.Remove(cancelled.OrderId!);
                    break;
                case OrderReturnedData:
                    Add(returns, e.Subject);
                    break;
                case ServiceContactOpenedData opened:
                    openTickets[opened.TicketId!] = e.Subject;
                    break;
                case ServiceContactResolvedData resolved:
                    openTickets.Remove(resolved.TicketId!);
                    if (resolved.Contacts > 1)
                    {
                        Add(repeated, e.Subject);
                    }

                    break;
            }

            while (model.TryTakeDecisionMoment(out var moment))
            {
                var customer = moment.CustomerId;
                var s = moment.Situation;
                Assert.Equal(openOrders.Values.Count(o => o.Customer == customer && o.Promised < moment.Time), s.LateOrders);
                Assert.Equal(openTickets.Values.Count(c => c == customer), s.OpenServiceContacts);
                Assert.Equal(Count(brokenPromises, customer), s.BrokenPromises);
                Assert.Equal(Count(repeated, customer), s.RepeatedContacts);
                Assert.Equal(Count(returns, customer), s.RecentReturns);
                Assert.False(s.ServiceRecoveredRecently);

                var now2 = model.SituationOf(customer, moment.Time)!;
                Assert.Equal((s.LateOrders, s.BrokenPromises, s.OpenServiceContacts, s.CartValue),
                    (now2.LateOrders, now2.BrokenPromises, now2.OpenServiceContacts, now2.CartValue));
                Assert.Equal(s.WishlistProductLines, now2.WishlistProductLines);
                checkedMoments.Add(s);
                model.Answer(moment, $"dec-{moment.Id}", null);
            }
        }

        Assert.True(checkedMoments.Count >= 1000, $"only {checkedMoments.Count} moments");
        Assert.Contains(checkedMoments, s => s.LateOrderNow);
        Assert.Contains(checkedMoments, s => s.OpenServiceContacts > 0);
        Assert.Contains(checkedMoments, s => s.BrokenPromises > 0);
        Assert.Contains(checkedMoments, s => s.RepeatedContacts > 0);
        Assert.Contains(checkedMoments, s => s.RecentReturns > 0);
        Assert.Contains(checkedMoments, s => s.WishlistProductLines.Count > 0);
        Assert.Null(model.SituationOf("cust-99999", SimulatedRun.June));
    }

    [Fact]
    public void Answer_AcceptedService_CustomerCountsAsHelpedForAWeek()
    {
        var model = new WebshopModel(1, new Random(2), "helped", Driven);
        var now = SimulatedRun.June;
        DecisionMoment? moment;
        while (!model.TryTakeDecisionMoment(out moment))
        {
            model.Next(now += TimeSpan.FromMilliseconds(20));
        }

        model.Report(moment, "dec-1", SimulatedOffer.Service("service-delivery-apology", 10), accepted: true);
        model.Next(now += TimeSpan.FromMilliseconds(20));

        Assert.True(model.SituationOf(moment.CustomerId, now)!.ServiceRecoveredRecently);
        Assert.True(model.SituationOf(moment.CustomerId, now + TimeSpan.FromDays(6))!.ServiceRecoveredRecently);
        Assert.False(model.SituationOf(moment.CustomerId, now + TimeSpan.FromDays(8))!.ServiceRecoveredRecently);
    }

    /// <summary>The simulated webshop asks the real API, which accepts only the catalog's touch points and channels.</summary>
    [Fact]
    public void Moments_NameOnlyTouchpointsAndChannelsOfTheShippedCatalog()
    {
        var catalog = CatalogLoader.Load(Path.Combine(AppContext.BaseDirectory, "catalog", "actions.json"));
        var model = new WebshopModel(2000, new Random(7), "catalog-values", Driven);
        var channels = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 50_000; i++)
        {
            model.Next(SimulatedRun.June + TimeSpan.FromMilliseconds(20 * i));
            if (model.TryTakeDecisionMoment(out var moment))
            {
                Assert.True(catalog.HasTouchpoint(moment.Touchpoint), moment.Touchpoint);
                Assert.True(catalog.HasChannel(moment.Channel), moment.Channel);
                channels.Add(moment.Channel);
            }
        }

        Assert.Equal(["app", "web"], channels.Order(StringComparer.Ordinal));
    }
}
