using NextBestAction.Contracts;
using NextBestAction.Simulator.Responses;

namespace NextBestAction.Simulator;

/// <summary>Checkouts as decision moments: waiting for a driver's answer, the customer's response and its outcome events.</summary>
public sealed partial class WebshopModel
{
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
        if (!options.OutcomesReportedByDriver)
        {
            var type = accepted ? EventTypes.OfferAccepted : EventTypes.OfferDeclined;
            Schedule(at, t => Event(WebshopSource, type, t, customer.Id, new OfferOutcomeData(decisionId, offer.ActionId)));
        }

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
}
