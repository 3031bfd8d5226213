using NextBestAction.Simulator.Responses;

namespace NextBestAction.Simulator;

/// <summary>How a <see cref="WebshopModel"/> deals with offers at checkout.</summary>
public sealed record WebshopModelOptions
{
    /// <summary>The defaults: offers answered randomly, as before there was a response model.</summary>
    public static WebshopModelOptions Default { get; } = new();

    /// <summary>
    /// True (the default): a few checkouts are followed by an <c>offer.*</c> event for a made-up decision, drawn at
    /// random, so the feedback topic has traffic without a decision engine. False: no random outcomes; every checkout
    /// queues a <see cref="DecisionMoment"/> (<see cref="WebshopModel.TryTakeDecisionMoment"/>) for a driver to answer
    /// through the hidden response model (<see cref="WebshopModel.Answer"/>). Drain the queue when this is false.
    /// </summary>
    public bool AnswerOffersRandomly { get; init; } = true;

    /// <summary>
    /// How long, in the model's clock, a checkout waits for its decision before it goes on without an offer, as a
    /// webshop falls back when the decision is slow. A driver answering before its next <see cref="WebshopModel.Next"/>
    /// never hits it.
    /// </summary>
    public TimeSpan DecisionTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// True: the driver reports each answer to an offer through the decision API's outcome route, which publishes it on
    /// the feedback topic, so the model does not emit the <c>offer.*</c> event itself (it would be counted twice). False
    /// (the default): the model emits it.
    /// </summary>
    public bool OutcomesReportedByDriver { get; init; }

    /// <summary>The world customers live in: how they answer offers and the few habits a scenario changes.</summary>
    public ResponseScenario Scenario { get; init; } = ResponseScenario.Default;
}
