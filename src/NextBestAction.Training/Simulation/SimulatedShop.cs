using NextBestAction.Contracts;
using NextBestAction.Decisioning.Catalog;
using NextBestAction.Decisioning.DecisionLog;
using NextBestAction.Decisioning.Engine;
using NextBestAction.Decisioning.Serving;
using NextBestAction.Profiles;
using NextBestAction.Simulator;
using NextBestAction.Simulator.Responses;

namespace NextBestAction.Training.Simulation;

/// <summary>One decision the simulated shop asked for, what was shown and what it was truly worth.</summary>
/// <param name="LogRecord">The decision-log record (<c>decision.logged</c> CloudEvent JSON), as the service would log it.</param>
/// <param name="TrueProbability">The hidden model's acceptance probability of the shown action; 0 when none was shown.</param>
/// <param name="ExpectedValue">True probability x value of the shown action, EUR.</param>
/// <param name="OracleExpectedValue">The best true expected value among the same eligible candidates.</param>
/// <param name="TrueProbabilities">The hidden acceptance probability of every eligible candidate, by action id.</param>
public sealed record SimulatedDecision(
    string DecisionId,
    DecisionMoment Moment,
    EngineDecision Decision,
    string? ShownActionId,
    bool Accepted,
    double TrueProbability,
    double ExpectedValue,
    double OracleExpectedValue,
    IReadOnlyDictionary<string, double> TrueProbabilities,
    byte[] LogRecord);

/// <summary>
/// The simulated webshop played in memory against the real engine: the simulator's events go through the
/// contract's reader and the real profile updater into in-memory profiles; at every checkout the engine decides
/// on that profile and the contact history, the simulator's hidden response model answers, and the answer flows
/// back as feedback events. Deterministic for a seed. The hidden model is only read to score what was shown.
/// </summary>
public sealed class SimulatedShop
{
    /// <summary>Simulated time per simulator step; at this pace checkouts and follow-ups (deliveries, contacts) mix as in the live simulator.</summary>
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(20);

    private readonly ActionCatalog catalog;
    private readonly WebshopModel model;
    private readonly ProfileUpdater updater = new(ProfileRules.Default);
    private readonly TopicNames topics = new();
    private readonly Dictionary<string, CustomerProfile> profiles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, long>> contacts = new(StringComparer.Ordinal);
    private readonly List<byte[]> outcomeEvents = [];
    private readonly string runId;
    private readonly Holdout? holdout;
    private DateTimeOffset now;
    private long offset;

    /// <param name="holdout">When given, its control group's decisions are made by the engine's holdout policy and logged as <c>control</c>, as the service does.</param>
    /// <param name="scenario">The world the customers live in; <see cref="ResponseScenario.Default"/> when null.</param>
    public SimulatedShop(
        ActionCatalog catalog, int customers, int seed, DateTimeOffset start, string runId = "sim", Holdout? holdout = null, ResponseScenario? scenario = null)
    {
        this.catalog = catalog;
        this.runId = runId;
        this.holdout = holdout;
        model = new WebshopModel(customers, new Random(seed), runId,
            new WebshopModelOptions { AnswerOffersRandomly = false, Scenario = scenario ?? ResponseScenario.Default });
        now = start;
    }

    /// <summary>The feedback events (<c>offer.accepted</c> / <c>offer.declined</c> CloudEvent JSON) emitted so far.</summary>
    public IReadOnlyList<byte[]> OutcomeEvents => outcomeEvents;

    public DateTimeOffset Now => now;

    /// <summary>
    /// Plays <paramref name="steps"/> simulator steps. At each checkout <paramref name="decide"/> picks the decision
    /// (usually <see cref="DecisionEngine.Decide"/>); the oracle hook gets each candidate's true probability first,
    /// for a policy that may know the truth (the oracle) and for scoring.
    /// </summary>
    public IEnumerable<SimulatedDecision> Play(int steps, Func<DecisionInput, ActionCatalog, Func<CatalogAction, double>, EngineDecision> decide)
    {
        for (var i = 0; i < steps; i++)
        {
            now += Step;
            Apply(model.Next(now));
            while (model.TryTakeDecisionMoment(out var moment))
            {
                yield return DecideAt(moment, decide);
            }
        }
    }

    private SimulatedDecision DecideAt(DecisionMoment moment, Func<DecisionInput, ActionCatalog, Func<CatalogAction, double>, EngineDecision> decide)
    {
        var decisionId = $"{runId}-d{moment.Id}";
        var control = holdout?.IsControl(moment.CustomerId) == true;
        var input = new DecisionInput(
            profiles.GetValueOrDefault(moment.CustomerId),
            History(moment.CustomerId),
            moment.Touchpoint,
            moment.Channel,
            [.. moment.Cart.Select(c => new EngineCartItem(c.ProductId, c.Category, c.ProductLine, c.Price, c.Quantity))],
            moment.Time,
            MaxActions: 1,
            ExplorationSeed: StableHash.Mixed(decisionId),
            Holdout: control);
        var truth = new Dictionary<string, double>(StringComparer.Ordinal);
        double TrueProbability(CatalogAction action)
        {
            if (!truth.TryGetValue(action.Id, out var p))
            {
                truth[action.Id] = p = model.TrueProbability(moment, Offer(action));
            }

            return p;
        }

        var decision = decide(input, catalog, TrueProbability);
        var oracle = 0.0;
        foreach (var candidate in decision.Candidates)
        {
            oracle = Math.Max(oracle, TrueProbability(candidate.Action) * candidate.Action.Value);
        }

        var shown = decision.Picks.Count > 0 ? decision.Picks[0].Candidate.Action : null;
        var answer = model.Answer(moment, decisionId, shown is null ? null : Offer(shown));
        if (shown is not null)
        {
            RecordImpression(moment.CustomerId, shown, moment.Time);
            if (answer.Response == OfferResponse.Declined)
            {
                Field(moment.CustomerId)[ContactHistory.DeclineField(shown.Id)] = moment.Time.ToUnixTimeSeconds();
            }
        }

        var record = DecisionLogEvents.ToRecord(decisionId, moment.CustomerId, moment.Time, moment.Touchpoint, moment.Channel, input.Cart,
            decision, false, decision.ModelVersion, catalog.Version, control ? DecisionEngine.HoldoutPolicyName : "simulated",
            control ? DecisionGroups.Control : DecisionGroups.Treatment);
        return new SimulatedDecision(decisionId, moment, decision, shown?.Id, answer.Response == OfferResponse.Accepted,
            answer.Probability, answer.ExpectedValue, oracle, truth, DecisionLogEvents.Serialize(record));
    }

    /// <summary>The catalog action as the hidden model sees an offer.</summary>
    public static SimulatedOffer Offer(CatalogAction action) =>
        new(action.Id, action.Kind, action.ProductLine, action.DiscountPercent, action.Value)
        {
            Price = action.Price,
            BundleProducts = action.BundleProducts,
        };

    private void Apply(SimulatedEvent simulated)
    {
        var topic = simulated.TopicIn(topics);
        if (topic == topics.Catalog)
        {
            return;
        }

        var json = SimulatedEventJson.ToUtf8Json(simulated);
        if (topic == topics.Feedback)
        {
            outcomeEvents.Add(json);
        }

        if (EventReader.Read(json, now, EventLimits.Default).Event is not { } e)
        {
            return;
        }

        if (!profiles.TryGetValue(e.Subject, out var profile))
        {
            profiles[e.Subject] = profile = new CustomerProfile { CustomerId = e.Subject };
        }

        updater.Apply(profile, e, topic, ++offset);
    }

    private ContactHistory History(string customerId) =>
        contacts.TryGetValue(customerId, out var fields) ? ContactHistory.FromFields(fields, now) : ContactHistory.Empty;

    private void RecordImpression(string customerId, CatalogAction action, DateTimeOffset at)
    {
        var fields = Field(customerId);
        var day = ContactHistory.DayNumber(at);
        Increment(fields, ContactHistory.ImpressionField(day, action.Id));
        if (action.Marketing)
        {
            Increment(fields, ContactHistory.ImpressionField(day, ContactHistory.OverallField));
        }
    }

    private static void Increment(Dictionary<string, long> fields, string field) => fields[field] = fields.GetValueOrDefault(field) + 1;

    private Dictionary<string, long> Field(string customerId)
    {
        if (!contacts.TryGetValue(customerId, out var fields))
        {
            contacts[customerId] = fields = new Dictionary<string, long>(StringComparer.Ordinal);
        }

        return fields;
    }
}
