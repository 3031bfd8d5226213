using System.Text.Json;
using NextBestAction.Benchmarks.Decide;
using NextBestAction.Benchmarks.Infrastructure;
using NextBestAction.Decisioning.Api;
using NextBestAction.Decisioning.Catalog;
using NextBestAction.Decisioning.DecisionLog;
using NextBestAction.Decisioning.Engine;
using NextBestAction.Profiles;
using NextBestAction.Testing;
using StackExchange.Redis;

namespace NextBestAction.Benchmarks.Engine;

/// <summary>
/// Everything the measured methods use, built before BenchmarkDotNet starts so no setup is timed: the
/// <c>bench-50</c> catalog as <see cref="CatalogLoader"/> loads it, the engine as the decision API builds it
/// (<see cref="PriorPropensityModel"/>, <see cref="GreedyPolicy"/>), and per input a simulated profile, a contact
/// history, a checkout request, and the decision served for it (for the log record and the response).
/// </summary>
internal sealed class EngineWorkload
{
    /// <summary>A subject hash and key to seal decision-log records with, as the publisher does with each customer's own.</summary>
    public const string LogSubject = "0123456789abcdef0123456789abcdef";

    public static readonly byte[] LogKey = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];

    /// <summary>Share of customers with impressions or declines in their contact history.</summary>
    private const double WithContactHistory = 0.6;

    /// <summary>Share of shown actions the customer also declined recently, so some hit their cool-down.</summary>
    private const double DeclinedShare = 0.3;

    private EngineWorkload(
        ActionCatalog catalog, DecisionEngine engine, DecisionInput[] inputs, string[] customerIds, RedisValue[][] storedProfiles,
        RedisValue[][] storedProfilesJson, byte[][] requestBodies, ServedDecision[] served, DecisionResponse[] responses, WorkloadFacts facts)
    {
        CustomerIds = customerIds;
        StoredProfiles = storedProfiles;
        StoredProfilesJson = storedProfilesJson;
        Catalog = catalog;
        Engine = engine;
        Inputs = inputs;
        RequestBodies = requestBodies;
        Served = served;
        Responses = responses;
        Facts = facts;
    }

    public ActionCatalog Catalog { get; }
    public DecisionEngine Engine { get; }
    public DecisionInput[] Inputs { get; }

    /// <summary>Per input, the customer whose profile it reads.</summary>
    public string[] CustomerIds { get; }

    /// <summary>Per input, the decision part and temporary-data values as the decision service's MGET returns them.</summary>
    public RedisValue[][] StoredProfiles { get; }

    /// <summary>Per input, the same profile and temporary data as release 1 stored them (JSON), the baseline of the read.</summary>
    public RedisValue[][] StoredProfilesJson { get; }

    /// <summary>The request bodies the inputs were read from, as the webshop sends them.</summary>
    public byte[][] RequestBodies { get; }

    /// <summary>Per input, the decision as the decision service hands it to the decision-log publisher.</summary>
    public ServedDecision[] Served { get; }

    /// <summary>Per input, the response body the decision API writes.</summary>
    public DecisionResponse[] Responses { get; }

    public WorkloadFacts Facts { get; }

    public static EngineWorkload Create(EngineSettings settings, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var history = SimulatedProfiles.Play(
            new ProfileUpdater(ProfileRules.Default), "bench-engine", settings.Customers, settings.Events, settings.Seed, now, cancellationToken);
        var customerIds = history.CustomerIds();
        if (customerIds.Length == 0)
        {
            throw new BenchmarkSetupException("the simulated history built no profile; raise --events");
        }

        var catalog = CatalogLoader.Parse(BenchmarkCatalog.Utf8Json(), $"{BenchmarkCatalog.Version}.json");
        var engine = new DecisionEngine(new PriorPropensityModel(), new GreedyPolicy(), ProfileRules.Default);
        var requests = new DecisionRequests(customerIds, settings.Seed, settings.Inputs);
        var random = new Random(settings.Seed);

        var inputs = new DecisionInput[settings.Inputs];
        var stored = new RedisValue[settings.Inputs][];
        var storedJson = new RedisValue[settings.Inputs][];
        var inputCustomers = new string[settings.Inputs];
        var served = new ServedDecision[settings.Inputs];
        var responses = new DecisionResponse[settings.Inputs];
        var bodies = requests.Bodies.ToArray();
        for (var i = 0; i < inputs.Length; i++)
        {
            var request = (JsonSerializer.Deserialize(bodies[i], DecisionJsonContext.Default.DecisionRequest)
                ?? throw new InvalidOperationException("a generated decision request read as null")) with { MaxActions = EngineSettings.MaxActions };
            var customerId = request.CustomerId!;
            inputs[i] = new DecisionInput(history.Profiles[customerId], Contacts(random, catalog, now), request.Touchpoint!, request.Channel!,
                request.EngineCart(), now, EngineSettings.MaxActions);
            stored[i] = RedisProfileStore.ToStored(history.Profiles[customerId], now);
            storedJson[i] = LegacyJson(history.Profiles[customerId], now);
            inputCustomers[i] = customerId;

            var decision = engine.Decide(inputs[i], catalog);
            var decisionId = Guid.CreateVersion7().ToString("N");
            served[i] = new ServedDecision(decisionId, customerId, request.Touchpoint, request.Channel, inputs[i].Cart, decision, false, engine.ModelVersion, catalog.Version, engine.PolicyName, now);
            responses[i] = new DecisionResponse(decisionId, customerId, decision.Actions, false, engine.ModelVersion, catalog.Version)
            {
                Arbitration = decision.Arbitration,
            };
        }

        return new EngineWorkload(catalog, engine, inputs, inputCustomers, stored, storedJson, bodies, served, responses, WorkloadFacts.Of(history, inputs, stored, bodies, served, responses));
    }

    /// <summary>The profile and temporary data as release 1 wrote them: source-generated JSON of the whole profile.</summary>
    private static RedisValue[] LegacyJson(CustomerProfile profile, DateTimeOffset now)
    {
        var temporary = profile.Temporary.VisibleAt(now);
        return
        [
            JsonSerializer.SerializeToUtf8Bytes(profile, ProfilesJsonContext.Default.CustomerProfile),
            temporary.IsEmpty ? RedisValue.Null : JsonSerializer.SerializeToUtf8Bytes(temporary, ProfilesJsonContext.Default.TemporaryData),
        ];
    }

    /// <summary>
    /// A contact history as the contact policy reads it from Redis: most customers saw one to four actions in the
    /// last 7 days (a marketing impression also counts overall) and declined some of them in the last week.
    /// </summary>
    private static ContactHistory Contacts(Random random, ActionCatalog catalog, DateTimeOffset now)
    {
        if (random.NextDouble() >= WithContactHistory)
        {
            return ContactHistory.Empty;
        }

        var today = ContactHistory.DayNumber(now);
        var fields = new Dictionary<string, long>(StringComparer.Ordinal);
        var shown = 1 + random.Next(4);
        for (var i = 0; i < shown; i++)
        {
            var action = catalog.Actions[random.Next(catalog.Actions.Count)];
            var day = today - random.Next(ContactHistory.WeekDays);
            var count = 1 + random.Next(2);
            var field = ContactHistory.ImpressionField(day, action.Id);
            fields[field] = fields.GetValueOrDefault(field) + count;
            if (action.Marketing)
            {
                var overall = ContactHistory.ImpressionField(day, ContactHistory.OverallField);
                fields[overall] = fields.GetValueOrDefault(overall) + count;
            }

            if (random.NextDouble() < DeclinedShare)
            {
                fields[ContactHistory.DeclineField(action.Id)] = (now - TimeSpan.FromHours(1 + random.Next(7 * 24))).ToUnixTimeSeconds();
            }
        }

        return ContactHistory.FromFields(fields, now);
    }
}

/// <summary>What the inputs hold and lead to, for the printed conditions.</summary>
internal sealed record WorkloadFacts(
    int Profiles,
    int Invalid,
    ProfileMix Mix,
    double CartLinesAverage,
    double EligibleAverage,
    double ChosenAverage,
    string FirstKinds,
    double StoredProfileAverageBytes,
    double RequestAverageBytes,
    double ResponseAverageBytes,
    double LogRecordAverageBytes)
{
    public static WorkloadFacts Of(
        SimulatedHistory history, DecisionInput[] inputs, RedisValue[][] storedProfiles, byte[][] requestBodies, ServedDecision[] served, DecisionResponse[] responses)
    {
        var kinds = served
            .GroupBy(s => s.Decision.Actions.Count > 0 ? s.Decision.Actions[0].Kind : "none", StringComparer.Ordinal)
            .OrderByDescending(g => g.Count())
            .Select(g => $"{g.Key} {100.0 * g.Count() / served.Length:0}%");
        return new WorkloadFacts(
            history.Profiles.Count,
            history.Invalid,
            ProfileMix.Of(history.Profiles.Values, inputs[0].Now),
            inputs.Average(i => i.Cart.Count),
            served.Average(s => s.Decision.Candidates.Count),
            served.Average(s => s.Decision.Actions.Count),
            string.Join(", ", kinds),
            storedProfiles.Average(v => v.Sum(value => value.IsNull ? 0 : (double)value.Length())),
            requestBodies.Average(b => b.Length),
            responses.Average(r => JsonSerializer.SerializeToUtf8Bytes(r, DecisionJsonContext.Default.DecisionResponse).Length),
            served.Average(s => DecisionLogPublisher.Serialize(s, EngineWorkload.LogSubject, EngineWorkload.LogKey).Length));
    }
}
