using NextBestAction.Simulator.Responses;

namespace NextBestAction.Simulator;

/// <summary>A cart line as the webshop sends it in a decision request.</summary>
public sealed record DecisionCartItem(string ProductId, string Category, string ProductLine, decimal Price, int Quantity);

/// <summary>
/// A moment at which the webshop asks for a next best action: a customer has just started checkout. A driver asks the
/// decision engine (or a policy) with <see cref="CustomerId"/>, <see cref="Touchpoint"/>, <see cref="Channel"/> and
/// <see cref="Cart"/>, then hands the chosen offer to <see cref="WebshopModel.Answer"/>. <see cref="Situation"/> is
/// the hidden truth for the response model and the oracle; never pass it to the policy under test.
/// </summary>
/// <param name="Id">Unique within the model, increasing.</param>
/// <param name="CustomerId">The customer checking out.</param>
/// <param name="Time">When checkout started (the time of its <c>checkout.started</c> event).</param>
/// <param name="Touchpoint">Always <see cref="CheckoutTouchpoint"/> for now.</param>
/// <param name="Channel"><c>web</c> or <c>app</c>, the session's channel.</param>
/// <param name="SessionId">The session, as in the clickstream events.</param>
/// <param name="Cart">The cart at checkout.</param>
/// <param name="Situation">What is really going on with the customer at <paramref name="Time"/>.</param>
public sealed record DecisionMoment(
    long Id,
    string CustomerId,
    DateTimeOffset Time,
    string Touchpoint,
    string Channel,
    string SessionId,
    IReadOnlyList<DecisionCartItem> Cart,
    CustomerSituation Situation)
{
    public const string CheckoutTouchpoint = "checkout";
}

/// <summary>How a simulated customer answered a decision.</summary>
public enum OfferResponse
{
    /// <summary>Accepted: <c>offer.accepted</c> follows, and an accepted bundle's products join the order.</summary>
    Accepted,

    /// <summary>Declined: <c>offer.declined</c> follows.</summary>
    Declined,

    /// <summary>No offer was shown (the decision had none); nothing follows and checkout goes on.</summary>
    NotShown,

    /// <summary>The moment was no longer waiting (answered before, or checkout went on after the timeout); nothing changed.</summary>
    TooLate,
}

/// <summary>The answer to a <see cref="DecisionMoment"/>.</summary>
/// <param name="Probability">The true acceptance probability of <paramref name="Offer"/> at the moment; 0 when nothing was shown.</param>
public sealed record OfferAnswer(DecisionMoment Moment, SimulatedOffer? Offer, OfferResponse Response, double Probability)
{
    /// <summary>Probability x value, EUR: what showing the offer was worth in expectation.</summary>
    public double ExpectedValue => Offer is null ? 0 : Probability * Offer.Value;
}
