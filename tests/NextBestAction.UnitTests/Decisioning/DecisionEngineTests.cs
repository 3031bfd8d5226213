using NextBestAction.Decisioning.Catalog;
using NextBestAction.Decisioning.Engine;
using NextBestAction.Profiles;

namespace NextBestAction.UnitTests.Decisioning;

public sealed class DecisionEngineTests
{
    private static readonly DateTimeOffset Now = TestEvents.Now;
    private static readonly ActionCatalog Catalog = TestCatalog.Load();
    private static readonly DecisionEngine Engine = new(new PriorPropensityModel(), new GreedyPolicy(), ProfileRules.Default);

    private static CustomerProfile Profile() => new() { CustomerId = "cust-1" };

    private static EngineCartItem Item(string line, string productId = "p-1") => new(productId, "phones", line, 799m, 1);

    private static EngineDecision Decide(
        CustomerProfile? profile,
        IReadOnlyList<EngineCartItem> cart,
        int maxActions = 1,
        ContactHistory? history = null,
        ActionCatalog? catalog = null,
        string channel = "web",
        bool profileUnavailable = false) =>
        Engine.Decide(new DecisionInput(profile, history ?? ContactHistory.Empty, "checkout", channel, cart, Now, maxActions, Debug: true, profileUnavailable),
            catalog ?? Catalog);

    private static ContactHistory History(params (string Field, long Value)[] fields) =>
        ContactHistory.FromFields(fields.Select(f => KeyValuePair.Create(f.Field, f.Value)), Now);

    private static string Today(string actionId) => ContactHistory.ImpressionField(ContactHistory.DayNumber(Now), actionId);

    private static FilteredAction FilteredOf(EngineDecision decision, string actionId) => Assert.Single(decision.Debug!.Filtered, f => f.ActionId == actionId);

    [Fact]
    public void Decide_CartWithProductLine_ChoosesBundleOfThatLineWithReasonsAndExplanation()
    {
        var decision = Decide(Profile(), [Item("galaxy-s")]);

        var action = Assert.Single(decision.Actions);
        Assert.Equal(("bundle-galaxy-s", ActionKinds.Bundle), (action.ActionId, action.Kind));
        Assert.Contains(action.Reasons, r => r.StartsWith("CART_PRODUCT_LINE", StringComparison.Ordinal));
        Assert.Equal(1.0, action.Probability);
        Assert.Equal(Math.Round(action.Propensity * 1.2 * action.Value, 6), action.Score, 5);
        Assert.Equal(action.Score, action.Explanation.Sum(e => e.Contribution), 4);
        Assert.Equal(ActionKinds.Bundle, decision.Arbitration.Family);
    }

    [Fact]
    public void Decide_LateDelivery_ServiceFirstAndBundleSuppressed()
    {
        // Source document: a customer whose delivery is late gets service, not an upsell, even with a phone in the cart.
        var profile = Profile();
        profile.OpenOrders.Add(new OpenOrder("o-2", Now.AddDays(-3), Now.AddHours(-5), 100m, ["iphone"]));

        var decision = Decide(profile, [Item("galaxy-s")], maxActions: 3);

        Assert.Equal("service-apology", decision.Actions[0].ActionId);
        Assert.DoesNotContain(decision.Actions, a => a.Kind == ActionKinds.Bundle);
        Assert.StartsWith("SERVICE_FIRST", decision.Actions[0].Reasons[0], StringComparison.Ordinal);
        Assert.Contains(decision.Actions[0].Reasons, r => r.StartsWith("LATE_ORDER", StringComparison.Ordinal));
        var suppressed = FilteredOf(decision, "bundle-galaxy-s");
        Assert.Equal(FilterStages.Suppression, suppressed.Stage);
        Assert.Contains("no-upsell-during-service-issue", suppressed.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_ArbitrationByScores_PutsTheBestScoringFamilyFirst_WhereTheSignalsWouldNot()
    {
        var profile = Profile();
        profile.ProductLineInterest["galaxy-s"] = new DecayingScore(12, Now.AddDays(-1));
        profile.BrokenPromises.Add(new BrokenPromise("o-1", Now.AddDays(-40), Now.AddDays(-38)));
        // Outcomes taught that the bundle is hardly ever taken here, far less often than the model thought.
        var learnt = new AdaptiveStatistics([("checkout", "bundle-galaxy-s", 0, 500)], priorStrength: 20);
        var input = new DecisionInput(profile, ContactHistory.Empty, "checkout", "web", [Item("galaxy-s")], Now, 1);

        var bySignals = new DecisionEngine(new PriorPropensityModel(), new GreedyPolicy(), ProfileRules.Default, learnt).Decide(input, TestCatalog.Load());
        var byScores = new DecisionEngine(new PriorPropensityModel(), new GreedyPolicy(), ProfileRules.Default, learnt,
            arbitrationMode: ArbitrationMode.Scores).Decide(input, TestCatalog.Load());

        Assert.Equal("bundle-galaxy-s", bySignals.Actions[0].ActionId);
        Assert.True(byScores.Ranked[0].Score > byScores.Ranked[1].Score);
        Assert.Equal("service-apology", byScores.Actions[0].ActionId);
        Assert.Equal(ActionKinds.Service, byScores.Arbitration.Family);
        Assert.StartsWith("SERVICE_FIRST: the learned scores put service-apology", byScores.Actions[0].Reasons[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_PhoneInCartWithAccessoryAffinity_SameLineBundleWinsOverMildServiceSignal()
    {
        // Source document: a phone in the cart and an interest in its accessories -> the bundle of the same line.
        var profile = Profile();
        profile.ProductLineInterest["galaxy-s"] = new DecayingScore(12, Now.AddDays(-1));
        profile.ProductLineInterest["iphone"] = new DecayingScore(2, Now.AddDays(-1));
        profile.BrokenPromises.Add(new BrokenPromise("o-1", Now.AddDays(-40), Now.AddDays(-38)));

        var decision = Decide(profile, [Item("galaxy-s")], maxActions: 2);

        Assert.Equal(["bundle-galaxy-s", "service-apology"], decision.Actions.Select(a => a.ActionId));
        Assert.Equal(ActionKinds.Bundle, decision.Arbitration.Family);
        Assert.True(decision.Arbitration.BundleSignal > decision.Arbitration.ServiceSignal);
        Assert.StartsWith("BUNDLE_FIRST", decision.Actions[0].Reasons[0], StringComparison.Ordinal);
        Assert.Contains(decision.Actions[0].Explanation, e => e.Feature == "product_line_affinity" && e.Contribution > 0);
    }

    [Fact]
    public void Decide_StrongServiceSignalsWithoutLateOrder_ServiceWinsOnSignals()
    {
        var profile = Profile();
        profile.BrokenPromises.Add(new BrokenPromise("o-1", Now.AddDays(-20), Now.AddDays(-18)));
        profile.BrokenPromises.Add(new BrokenPromise("o-2", Now.AddDays(-10), Now.AddDays(-8)));
        profile.ResolvedContacts = 2;
        profile.FirstTimeRightContacts = 0;
        profile.OrderCount = 3;
        profile.LastOrderAt = Now.AddDays(-10);

        var decision = Decide(profile, [Item("galaxy-s")], maxActions: 2);

        Assert.Equal(ActionKinds.Service, decision.Arbitration.Family);
        Assert.True(decision.Arbitration.ServiceSignal > decision.Arbitration.BundleSignal);
        Assert.Equal("service-apology", decision.Actions[0].ActionId);
    }

    [Fact]
    public void Decide_BrokenPromiseOlderThan90Days_IsIgnored()
    {
        var profile = Profile();
        profile.BrokenPromises.Add(new BrokenPromise("o-1", Now.AddDays(-100), Now.AddDays(-95)));

        var decision = Decide(profile, []);

        Assert.Equal("service-advisor", Assert.Single(decision.Actions).ActionId);
        Assert.Equal("rule not met: orders.late >= 1 or promises.broken90d >= 1", FilteredOf(decision, "service-apology").Reason);
    }

    [Fact]
    public void Decide_NoProfileNoCart_FallsBackToDefaultOffer()
    {
        var action = Assert.Single(Decide(null, []).Actions);

        Assert.Equal("service-advisor", action.ActionId);
        Assert.Contains(action.Reasons, r => r.StartsWith("DEFAULT_OFFER", StringComparison.Ordinal));
    }

    [Fact]
    public void Decide_BundleProductsAlreadyInCart_IsFilteredByEligibility()
    {
        var decision = Decide(Profile(), [Item("galaxy-s"), Item("galaxy-s", "p-galaxy-case"), Item("galaxy-s", "p-galaxy-charger")], maxActions: 5);

        Assert.DoesNotContain(decision.Actions, a => a.ActionId == "bundle-galaxy-s");
        Assert.Equal("rule not met: not action.bundleInCart", FilteredOf(decision, "bundle-galaxy-s").Reason);
    }

    [Fact]
    public void Decide_Debug_ExplainsEveryActionNotChosen()
    {
        var decision = Decide(Profile(), [Item("galaxy-s")]);

        var chosen = Assert.Single(decision.Actions).ActionId;
        var accounted = decision.Debug!.Filtered.Select(f => f.ActionId).Concat(decision.Debug.Ranked.Select(r => r.ActionId));
        Assert.Equal(Catalog.Actions.Select(a => a.Id).Order(), accounted.Order());
        Assert.True(Assert.Single(decision.Debug.Ranked, r => r.ActionId == chosen).Chosen);
        Assert.All(decision.Debug.Filtered, f => Assert.False(string.IsNullOrWhiteSpace(f.Reason)));
    }

    [Fact]
    public void Decide_ActionShownUpToItsDailyCap_IsFilteredByContactPolicy()
    {
        var decision = Decide(Profile(), [Item("galaxy-s")], history: History((Today("bundle-galaxy-s"), 3)));

        Assert.NotEqual("bundle-galaxy-s", Assert.Single(decision.Actions).ActionId);
        var filtered = FilteredOf(decision, "bundle-galaxy-s");
        Assert.Equal(FilterStages.ContactPolicy, filtered.Stage);
        Assert.Equal("shown 3 time(s) today; the cap is 3 per day", filtered.Reason);
    }

    [Fact]
    public void Decide_WeeklyCap_CountsTheLastSevenDaysOnly()
    {
        var day = ContactHistory.DayNumber(Now);
        var history = History(
            (ContactHistory.ImpressionField(day - 1, "bundle-galaxy-s"), 2),
            (ContactHistory.ImpressionField(day - 6, "bundle-galaxy-s"), 2),
            (ContactHistory.ImpressionField(day - 7, "bundle-galaxy-s"), 9));

        Assert.Equal((0, 4), history.Shown("bundle-galaxy-s"));
        Assert.Equal("bundle-galaxy-s", Decide(Profile(), [Item("galaxy-s")], history: history).Actions[0].ActionId);

        var capped = History((ContactHistory.ImpressionField(day - 1, "bundle-galaxy-s"), 6));
        Assert.Equal("shown 6 time(s) in 7 days; the cap is 6 per week", FilteredOf(Decide(Profile(), [Item("galaxy-s")], history: capped), "bundle-galaxy-s").Reason);
    }

    [Fact]
    public void Decide_OverallCap_HoldsBackMarketingButNotService()
    {
        var history = History((Today(ContactHistory.OverallField), 4));

        var decision = Decide(Profile(), [Item("galaxy-s")], history: history);

        Assert.Equal("service-advisor", Assert.Single(decision.Actions).ActionId);
        Assert.Contains("overall cap is 4 per day", FilteredOf(decision, "bundle-galaxy-s").Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_DeclinedWithinCooldown_IsFilteredUntilTheCooldownEnds()
    {
        var recent = History((ContactHistory.DeclineField("bundle-galaxy-s"), Now.AddHours(-71).ToUnixTimeSeconds()));
        var old = History((ContactHistory.DeclineField("bundle-galaxy-s"), Now.AddHours(-73).ToUnixTimeSeconds()));

        Assert.Equal(FilterStages.ContactPolicy, FilteredOf(Decide(Profile(), [Item("galaxy-s")], history: recent), "bundle-galaxy-s").Stage);
        Assert.Equal("bundle-galaxy-s", Decide(Profile(), [Item("galaxy-s")], history: old).Actions[0].ActionId);
    }

    [Fact]
    public void Decide_DeclineReportedThroughFeedbackTopic_StartsTheCooldownToo()
    {
        var profile = Profile();
        profile.OfferOutcomes["bundle-galaxy-s"] = new OfferOutcomes(0, 1, Now.AddHours(-1)) { LastDeclinedAt = Now.AddHours(-1) };

        var decision = Decide(profile, [Item("galaxy-s")]);

        Assert.Contains("cool-down until", FilteredOf(decision, "bundle-galaxy-s").Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_MarketingObjection_HoldsBackBundlesButNotService()
    {
        var profile = Profile();
        profile.Consent = new ConsentState { Marketing = false, MarketingAt = Now.AddDays(-1) };

        var decision = Decide(profile, [Item("galaxy-s")]);

        Assert.Equal("service-advisor", Assert.Single(decision.Actions).ActionId);
        Assert.Equal(FilterStages.Consent, FilteredOf(decision, "bundle-galaxy-s").Stage);
    }

    [Fact]
    public void Decide_OptInCatalog_NeedsRecordedMarketingConsent()
    {
        var optIn = TestCatalog.With("\"maxPerDayOverall\": 4,", "\"maxPerDayOverall\": 4, \"marketingConsent\": \"optIn\",");
        var consenting = Profile();
        consenting.Consent = new ConsentState { Marketing = true, MarketingAt = Now.AddDays(-1) };

        Assert.Equal(FilterStages.Consent, FilteredOf(Decide(Profile(), [Item("galaxy-s")], catalog: optIn), "bundle-galaxy-s").Stage);
        Assert.Equal("bundle-galaxy-s", Decide(consenting, [Item("galaxy-s")], catalog: optIn).Actions[0].ActionId);
    }

    [Fact]
    public void Decide_ProfilingObjection_DecidesOnTheRequestAlone()
    {
        var profile = Profile();
        profile.Consent = new ConsentState { Profiling = false, ProfilingAt = Now.AddDays(-1) };
        profile.ProductLineInterest["galaxy-s"] = new DecayingScore(12, Now.AddDays(-1));
        profile.OpenOrders.Add(new OpenOrder("o-2", Now.AddDays(-3), Now.AddHours(-5), 100m, ["iphone"]));

        var decision = Decide(profile, [Item("galaxy-s")]);

        var action = Assert.Single(decision.Actions);
        Assert.Equal("bundle-galaxy-s", action.ActionId);
        Assert.False(decision.Features.Known);
        Assert.DoesNotContain(action.Explanation, e => e.Feature == "product_line_affinity");
        Assert.Contains(action.Reasons, r => r.StartsWith("CONTEXT_ONLY", StringComparison.Ordinal));
    }

    [Fact]
    public void Decide_WhileProcessingIsRestricted_UsesNothingStored_AndShowsNoMarketing()
    {
        var profile = Profile();
        profile.Consent = new ConsentState { Marketing = true, Restricted = true, RestrictedAt = Now.AddDays(-1) };
        profile.ProductLineInterest["galaxy-s"] = new DecayingScore(12, Now.AddDays(-1));
        profile.OpenOrders.Add(new OpenOrder("o-2", Now.AddDays(-3), Now.AddHours(-5), 100m, ["iphone"]));

        var decision = Decide(profile, [Item("galaxy-s")], maxActions: 3);

        Assert.False(decision.Features.Known);
        Assert.True(decision.Features.ProcessingRestricted);
        Assert.DoesNotContain(decision.Actions, a => a.Kind == ActionKinds.Bundle);
        Assert.Contains(decision.Debug!.Filtered, f => f.ActionId == "bundle-galaxy-s" && f.Reason.Contains("restricted", StringComparison.Ordinal));
        Assert.NotEmpty(decision.Actions);
        Assert.All(decision.Actions, a => Assert.Contains(a.Reasons, r => r.StartsWith("CONTEXT_ONLY: processing", StringComparison.Ordinal)));
    }

    [Fact]
    public void Decide_ProfileUnavailable_CartRulesStillChooseAndSayContextOnly()
    {
        var decision = Decide(null, [Item("iphone")], profileUnavailable: true);

        var action = Assert.Single(decision.Actions);
        Assert.Equal("bundle-iphone", action.ActionId);
        Assert.Contains(action.Reasons, r => r.StartsWith("CONTEXT_ONLY", StringComparison.Ordinal));
    }

    [Fact]
    public void Decide_ChannelNotOffered_IsFilteredByChannel()
    {
        var decision = Decide(Profile(), [Item("galaxy-s")], channel: "store");

        Assert.Equal(FilterStages.Channel, FilteredOf(decision, "bundle-galaxy-s").Stage);
        Assert.Equal(ActionKinds.Service, Assert.Single(decision.Actions).Kind);
    }

    [Fact]
    public void Decide_OutsideValidity_IsFiltered()
    {
        var expired = TestCatalog.With("\"title\": \"MagSafe\",", "\"title\": \"MagSafe\", \"validTo\": \"2026-01-01T00:00:00Z\",");

        var decision = Decide(Profile(), [Item("iphone")], catalog: expired);

        Assert.Equal(FilterStages.Validity, FilteredOf(decision, "bundle-iphone").Stage);
    }

    [Fact]
    public void Decide_MaxActions_WinningFamilyFirstThenByScore()
    {
        var decision = Decide(Profile(), [Item("galaxy-s"), Item("iphone", "p-2")], maxActions: 3);

        Assert.Equal(3, decision.Actions.Count);
        Assert.Equal([ActionKinds.Bundle, ActionKinds.Bundle, ActionKinds.Service], decision.Actions.Select(a => a.Kind));
        Assert.True(decision.Actions[0].Score >= decision.Actions[1].Score);
        Assert.All(decision.Picks, p => Assert.Equal(1.0, p.Probability));
    }

    [Fact]
    public void Decide_SameInput_SameDecision()
    {
        var first = Decide(Profile(), [Item("galaxy-s"), Item("iphone", "p-2")], maxActions: 3);
        var second = Decide(Profile(), [Item("galaxy-s"), Item("iphone", "p-2")], maxActions: 3);

        Assert.Equal(first.Actions.Select(a => (a.ActionId, a.Score)), second.Actions.Select(a => (a.ActionId, a.Score)));
    }

    [Fact]
    public void Decide_LeverAndContextWeight_MultiplyIntoTheScore()
    {
        var boosted = TestCatalog.With("\"value\": 26,", "\"value\": 26, \"lever\": 3,");

        var plain = Decide(Profile(), [Item("iphone")]).Actions[0];
        var levered = Decide(Profile(), [Item("iphone")], catalog: boosted).Actions[0];

        Assert.Equal(plain.Propensity, levered.Propensity);
        Assert.Equal(plain.Score * 3, levered.Score, 5);
    }
}
