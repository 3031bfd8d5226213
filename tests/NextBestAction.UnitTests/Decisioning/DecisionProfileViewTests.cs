using System.Text.Json;
using NextBestAction.Decisioning.Api;
using NextBestAction.Decisioning.Catalog;
using NextBestAction.Decisioning.Engine;
using NextBestAction.Decisioning.Serving;
using NextBestAction.Profiles;
using NextBestAction.Testing;

namespace NextBestAction.UnitTests.Decisioning;

public sealed class DecisionProfileViewTests
{
    private static readonly JsonSerializerOptions FeatureJson = new();

    [Fact]
    public void Decide_OnTheDecisionView_EqualsDecidingOnTheWholeProfile()
    {
        var now = DateTimeOffset.UtcNow;
        var catalog = CatalogLoader.Load(Path.Combine(AppContext.BaseDirectory, "catalog", "actions.json"));
        var engine = new DecisionEngine(new PriorPropensityModel(), new GreedyPolicy(), ProfileRules.Default);
        // A slow pace in event time (5 events/s): the history spans hours, so orders, contacts and promises come to every state.
        var profiles = SimulatedProfiles.Play(new ProfileUpdater(ProfileRules.Default), "view-test", 400, 30_000, 7, now, CancellationToken.None, eventsPerSecond: 5)
            .Profiles.Values.ToList();
        Assert.True(profiles.Count > 300, $"only {profiles.Count} simulated profiles");
        Assert.Contains(profiles, p => p.OpenOrders.Count > 0);
        Assert.Contains(profiles, p => p.OpenContacts.Count > 0);
        Assert.Contains(profiles, p => p.BrokenPromises.Count > 0 && p.Wishlist.Count > 0 && p.OfferOutcomes.Count > 0);
        Assert.Contains(profiles, p => p.AppliedOffsets.Count > 0 && p.RecentEvents.Count > 0 && p.ClosedOrders.Count > 0);

        foreach (var whole in profiles)
        {
            // The decision part as stored, and the decision's view of the same profile stored as release 1's JSON.
            var view = RedisProfileStore.FromRead(whole.CustomerId, RedisProfileStore.ToStored(whole, now), now)!;
            var legacyView = ProfileFormat.DecodeLegacyJson(
                JsonSerializer.SerializeToUtf8Bytes(whole, ProfilesJsonContext.Default.CustomerProfile), LegacyJsonView.DecisionPart);
            var cart = whole.Wishlist.Take(1).Select(w => new EngineCartItem(w.ProductId, w.Category, w.ProductLine, w.Price, 1)).ToList();

            Assert.Equal(Explain(engine, catalog, whole, cart, now), Explain(engine, catalog, view, cart, now));
            Assert.Equal(Explain(engine, catalog, whole, cart, now), Explain(engine, catalog, legacyView, cart, now));
        }
    }

    [Fact]
    public void DecisionView_LeavesOutBookkeepingButKeepsWhatDecisionsRead()
    {
        var now = DateTimeOffset.UtcNow;
        var profile = new CustomerProfile { CustomerId = "cust-1", OrderCount = 3 };
        profile.AppliedOffsets["nba.orders/0"] = 41;
        profile.RecentEvents[12345] = now;
        profile.RecentEventHashes = [67890];
        profile.Cart.Add(new CartLine("p-1", "phones", "galaxy-s", 799m, 1, now));

        var view = RedisProfileStore.FromRead(profile.CustomerId, RedisProfileStore.ToStored(profile, now), now)!;

        Assert.Empty(view.AppliedOffsets);
        Assert.Empty(view.RecentEvents);
        Assert.Null(view.RecentEventHashes);
        Assert.Equal(3, view.OrderCount);
        Assert.Equal("galaxy-s", Assert.Single(view.Cart).ProductLine);
    }

    [Fact]
    public void ViewWithout_UnknownProperty_NamesIt()
    {
        var error = Assert.Throws<ArgumentException>(() => LegacyJsonView.Without("NoSuchThing"));

        Assert.Contains("noSuchThing", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Everything a decision shows or logs: the features it computed, and its actions, arbitration and debug view.</summary>
    private static string Explain(DecisionEngine engine, ActionCatalog catalog, CustomerProfile profile, List<EngineCartItem> cart, DateTimeOffset now)
    {
        var decision = engine.Decide(new DecisionInput(profile, ContactHistory.Empty, "checkout", "web", cart, now, 3, Debug: true), catalog);
        var response = new DecisionResponse("d", profile.CustomerId, decision.Actions, false, decision.ModelVersion, catalog.Version)
        {
            Arbitration = decision.Arbitration,
            Debug = decision.Debug,
        };
        var scope = new RuleScope(decision.Features);
        var numbers = catalog.Actions.SelectMany(action =>
        {
            scope.Action = action;
            return DecisionAttributes.Numeric.Select(a => $"{action.Id}/{a.Name}={a.Get(scope):R}");
        });
        return JsonSerializer.Serialize(response, DecisionJsonContext.Default.DecisionResponse) + "\n"
            + JsonSerializer.Serialize(decision.Features, FeatureJson) + "\n" + string.Join("\n", numbers);
    }
}
