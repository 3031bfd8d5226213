using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NextBestAction.Decisioning.Api;
using NextBestAction.Decisioning.Catalog;
using NextBestAction.Decisioning.DecisionLog;
using NextBestAction.Decisioning.Engine;
using NextBestAction.Profiles;

namespace NextBestAction.Decisioning.Serving;

/// <summary>
/// Runs the decision path's CPU work (request JSON, profile parse, engine, response and decision-log JSON) on synthetic
/// customers for <see cref="DecisionOptions.WarmupMs"/> before Kestrel takes traffic. A fresh process runs that code
/// unoptimised until tiered compilation catches up; under full checkout traffic those first seconds overran the
/// profile budget and served degraded decisions. Nothing here touches Redis or Kafka, and the engine used has no
/// tracing, so the warm-up leaves no data, spans or metrics behind.
/// </summary>
public sealed partial class DecisionWarmup(
    CatalogProvider catalogs,
    IPropensityModel model,
    IExplorationPolicy policy,
    IOptions<ProfileRules> rules,
    IOptions<DecisionOptions> options,
    TimeProvider clock,
    ILogger<DecisionWarmup> logger,
    AdaptiveStore? adaptive = null) : IHostedService
{
    /// <summary>Rounds over every synthetic customer the last start-up ran; 0 when the warm-up is off.</summary>
    public int Rounds { get; private set; }

    /// <summary>Synthetic decisions that chose an action, so went through scoring, arbitration and explanations.</summary>
    public int DecisionsWithAction { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var duration = TimeSpan.FromMilliseconds(options.Value.WarmupMs);
        if (duration <= TimeSpan.Zero)
        {
            return Task.CompletedTask;
        }

        var catalog = catalogs.Current;
        var engine = new DecisionEngine(model, policy, rules.Value, adaptive);
        var inputs = SyntheticCustomers.For(catalog, clock.GetUtcNow());
        var started = Stopwatch.GetTimestamp();
        var decisions = 0;
        Rounds = 0;
        while (Stopwatch.GetElapsedTime(started) < duration && !cancellationToken.IsCancellationRequested)
        {
            foreach (var input in inputs)
            {
                decisions += Decide(engine, catalog, input);
            }

            Rounds++;
        }

        DecisionsWithAction = decisions;
        var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        LogWarmedUp(logger, decisions, elapsedMs);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>One decision as the service makes it, minus the I/O; returns 1 when it chose an action.</summary>
    private static int Decide(DecisionEngine engine, ActionCatalog catalog, SyntheticCustomer customer)
    {
        var request = JsonSerializer.Deserialize(customer.RequestBody, DecisionJsonContext.Default.DecisionRequest)!;
        _ = DecisionRequestValidator.Validate(request);
        var profile = RedisProfileStore.FromRead(customer.Stored, customer.Now, DecisionProfileView.TypeInfo);
        var decision = engine.Decide(
            new DecisionInput(profile, customer.Contacts, request.Touchpoint!, request.Channel!, request.Context?.Cart ?? [], customer.Now,
                request.MaxActions ?? 1, request.Debug == true),
            catalog);
        var response = new DecisionResponse(customer.DecisionId, request.CustomerId!, decision.Actions, false, decision.ModelVersion, catalog.Version)
        {
            Arbitration = decision.Arbitration,
            Debug = decision.Debug,
        };
        _ = JsonSerializer.SerializeToUtf8Bytes(response, DecisionJsonContext.Default.DecisionResponse);
        _ = DecisionLogPublisher.Serialize(new ServedDecision(customer.DecisionId, request.CustomerId!, request, decision, false,
            decision.ModelVersion, catalog.Version, engine.PolicyName, customer.Now));
        return decision.Actions.Count > 0 ? 1 : 0;
    }

    [LoggerMessage(EventId = 3005, Level = LogLevel.Information,
        Message = "Decision path warmed up: {Decisions} synthetic decisions with an action in {ElapsedMs:0} ms")]
    private static partial void LogWarmedUp(ILogger logger, int decisions, double elapsedMs);
}

/// <summary>A made-up customer for the warm-up: stored profile values, contact history and request, as the service sees them.</summary>
internal sealed record SyntheticCustomer(string DecisionId, byte[] RequestBody, StackExchange.Redis.RedisValue[] Stored, ContactHistory Contacts, DateTimeOffset Now);

/// <summary>
/// One synthetic customer per catalog action, varied so the warm-up reaches every branch a real mix does: a cart
/// and interest in the action's product line, some with late orders, broken promises, open service contacts,
/// declines, withdrawn consent or debug output.
/// </summary>
internal static class SyntheticCustomers
{
    private const int MaxActions = 3;

    public static IReadOnlyList<SyntheticCustomer> For(ActionCatalog catalog, DateTimeOffset now)
    {
        var customers = new List<SyntheticCustomer>(catalog.Actions.Count);
        var today = ContactHistory.DayNumber(now);
        for (var i = 0; i < catalog.Actions.Count; i++)
        {
            var action = catalog.Actions[i];
            var line = action.ProductLine ?? "warmup-line";
            var id = $"warmup-{i:D4}";
            var profile = new CustomerProfile
            {
                CustomerId = id,
                FirstSeenAt = now.AddDays(-30 - i),
                OrderCount = i % 5,
                TotalSpend = 120m * (i % 5),
                LastOrderAt = i % 5 == 0 ? null : now.AddDays(-i),
                Returns = i % 4 == 1 ? 1 : 0,
                LastReturnAt = i % 4 == 1 ? now.AddDays(-3) : null,
                Consent = new ConsentState { Marketing = i % 7 != 3, Profiling = i % 11 != 5 },
            };
            profile.ProductLineInterest[line] = new DecayingScore(1 + (i % 3), now.AddDays(-1));
            profile.CategoryInterest["warmup-category"] = new DecayingScore(2, now.AddDays(-2));
            profile.Wishlist.Add(new WishlistItem($"{id}-wish", "warmup-category", line, 99m, now.AddDays(-5)));
            if (i % 3 == 0)
            {
                profile.OpenOrders.Add(new OpenOrder($"{id}-order", now.AddDays(-4), now.AddDays(-1), 250m, [line]));
                profile.BrokenPromises.Add(new BrokenPromise($"{id}-late", now.AddDays(-20), now.AddDays(-18)));
            }

            if (i % 4 == 2)
            {
                profile.OpenContacts.Add(new OpenContact($"{id}-ticket", "phone", "delivery", now.AddHours(-6)));
                profile.ContactMoments = 2;
                profile.ResolvedContacts = 1;
            }

            profile.OfferOutcomes[action.Id] = new OfferOutcomes(i % 2, 1, now.AddDays(-2)) { LastDeclinedAt = now.AddDays(-2) };

            var contacts = ContactHistory.FromFields(
                [KeyValuePair.Create(ContactHistory.ImpressionField(today, action.Id), (long)(i % 3)),
                 KeyValuePair.Create(ContactHistory.DeclineField(action.Id), now.AddDays(-i % 9).ToUnixTimeSeconds())],
                now);
            var product = action.BundleProducts.Count > 0 ? action.BundleProducts[0] : $"{id}-product";
            var cart = i % 6 == 5 ? [] : new[] { new RequestCartItem(product, "warmup-category", line, 300m + i, 1 + (i % 2)) };
            var request = new DecisionRequest(id, "checkout", "web", new DecisionContext(cart), MaxActions, Debug: i % 4 == 0);
            customers.Add(new SyntheticCustomer(
                Guid.CreateVersion7().ToString("N"),
                JsonSerializer.SerializeToUtf8Bytes(request, DecisionJsonContext.Default.DecisionRequest),
                RedisProfileStore.ToStored(profile, now),
                contacts,
                now));
        }

        return customers;
    }
}
