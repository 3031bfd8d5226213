using NextBestAction.Decisioning.Catalog;
using NextBestAction.Decisioning.Engine;
using NextBestAction.Profiles;

namespace NextBestAction.UnitTests.Decisioning;

public sealed class DecisionEngineTests
{
    private static readonly DateTimeOffset Now = TestEvents.Now;

    private static readonly ActionCatalog Catalog = new("test-1",
    [
        new ActionDefinition { Id = "bundle-galaxy-s", Kind = ActionKinds.Bundle, Title = "Case + charger", Trigger = ActionTriggers.CartProductLine, ProductLine = "galaxy-s", BundleProducts = ["p-case"], Value = 24 },
        new ActionDefinition { Id = "bundle-iphone", Kind = ActionKinds.Bundle, Title = "MagSafe", Trigger = ActionTriggers.CartProductLine, ProductLine = "iphone", BundleProducts = ["p-magsafe"], Value = 26 },
        new ActionDefinition { Id = "service-apology", Kind = ActionKinds.Service, Title = "Free express", Trigger = ActionTriggers.BrokenPromise, Value = 10 },
        new ActionDefinition { Id = "service-advisor", Kind = ActionKinds.Service, Title = "Advisor", Trigger = ActionTriggers.Always, Value = 3 },
    ]);

    private static CustomerProfile Profile() => new() { CustomerId = "cust-1" };

    private static RequestCartItem Item(string line, string productId = "p-1") => new(productId, "phones", line, 799m, 1);

    [Fact]
    public void Decide_CartWithProductLine_ChoosesBundleOfThatLineWithReasons()
    {
        var decision = DecisionEngine.Decide(Profile(), [Item("galaxy-s")], Catalog, Now, 1);

        var action = Assert.Single(decision.Actions);
        Assert.Equal(("bundle-galaxy-s", ActionKinds.Bundle), (action.ActionId, action.Kind));
        Assert.Contains(action.Reasons, r => r.StartsWith("CART_PRODUCT_LINE", StringComparison.Ordinal));
        Assert.Equal(1.0, action.Probability);
        Assert.Equal(action.Propensity, action.Explanation.Sum(e => e.Contribution), 6);
        Assert.Equal(Math.Round(action.Propensity * action.Value, 6), action.Score, 6);
    }

    [Fact]
    public void Decide_StoredCartOnly_ChoosesBundleOfStoredLine()
    {
        var profile = Profile();
        profile.Cart.Add(new CartLine("p-9", "phones", "iphone", 999m, 1, Now.AddMinutes(-2)));

        var decision = DecisionEngine.Decide(profile, [], Catalog, Now, 1);

        Assert.Equal("bundle-iphone", Assert.Single(decision.Actions).ActionId);
    }

    [Fact]
    public void Decide_BrokenPromiseAndNoCart_ChoosesServiceApology()
    {
        var profile = Profile();
        profile.BrokenPromises.Add(new BrokenPromise("o-1", Now.AddDays(-10), Now.AddDays(-8)));

        var action = Assert.Single(DecisionEngine.Decide(profile, [], Catalog, Now, 1).Actions);

        Assert.Equal(("service-apology", ActionKinds.Service), (action.ActionId, action.Kind));
        Assert.Contains(action.Reasons, r => r.StartsWith("BROKEN_PROMISE", StringComparison.Ordinal));
    }

    [Fact]
    public void Decide_BrokenPromiseOlderThan90Days_IsIgnored()
    {
        var profile = Profile();
        profile.BrokenPromises.Add(new BrokenPromise("o-1", Now.AddDays(-100), Now.AddDays(-95)));

        Assert.Equal("service-advisor", Assert.Single(DecisionEngine.Decide(profile, [], Catalog, Now, 1).Actions).ActionId);
    }

    [Fact]
    public void Decide_LateOpenOrder_SuppressesBundlesEvenWithCart()
    {
        var profile = Profile();
        profile.OpenOrders.Add(new OpenOrder("o-2", Now.AddDays(-3), Now.AddHours(-5), 100m, ["iphone"]));

        var decision = DecisionEngine.Decide(profile, [Item("galaxy-s")], Catalog, Now, 3);

        Assert.DoesNotContain(decision.Actions, a => a.Kind == ActionKinds.Bundle);
        Assert.Equal("service-apology", decision.Actions[0].ActionId);
        Assert.Contains(decision.Actions[0].Reasons, r => r.StartsWith("SERVICE_FIRST", StringComparison.Ordinal));
    }

    [Fact]
    public void Decide_NoProfileNoCart_FallsBackToDefaultOffer()
    {
        var action = Assert.Single(DecisionEngine.Decide(null, [], Catalog, Now, 1).Actions);

        Assert.Equal("service-advisor", action.ActionId);
        Assert.NotEmpty(action.Reasons);
    }

    [Fact]
    public void Decide_MaxActions_ReturnsRankedList()
    {
        var decision = DecisionEngine.Decide(Profile(), [Item("galaxy-s"), Item("iphone", "p-2")], Catalog, Now, 3);

        Assert.Equal(3, decision.Actions.Count);
        Assert.True(decision.Actions.Zip(decision.Actions.Skip(1)).All(p => p.First.Score >= p.Second.Score));
    }

    [Fact]
    public void Decide_BundleProductsAlreadyInCart_IsNotOffered()
    {
        var decision = DecisionEngine.Decide(Profile(), [Item("galaxy-s"), Item("galaxy-s", "p-case")], Catalog, Now, 5);

        Assert.DoesNotContain(decision.Actions, a => a.ActionId == "bundle-galaxy-s");
    }

    [Fact]
    public void Decide_StoredCartWithTwoLines_OffersTheLineOfTheLatestAddition()
    {
        var profile = Profile();
        profile.Cart.Add(new CartLine("p-9", "phones", "iphone", 999m, 1, Now.AddMinutes(-5)));
        profile.Cart.Add(new CartLine("p-1", "phones", "galaxy-s", 799m, 1, Now.AddMinutes(-1)));

        var decision = DecisionEngine.Decide(profile, [], Catalog, Now, 5);

        Assert.Equal("bundle-galaxy-s", decision.Actions[0].ActionId);
        Assert.DoesNotContain(decision.Actions, a => a.ActionId == "bundle-iphone");
    }

    [Fact]
    public void Decide_PastBrokenPromiseAndFreshCart_BundleFirstThenServiceWithFamilyReason()
    {
        var profile = Profile();
        profile.BrokenPromises.Add(new BrokenPromise("o-1", Now.AddDays(-10), Now.AddDays(-8)));
        profile.Cart.Add(new CartLine("p-1", "phones", "galaxy-s", 799m, 1, Now.AddMinutes(-1)));

        var decision = DecisionEngine.Decide(profile, [], Catalog, Now, 2);

        Assert.Equal(["bundle-galaxy-s", "service-apology"], decision.Actions.Select(a => a.ActionId));
        Assert.Contains(decision.Actions[0].Reasons, r => r.StartsWith("BUNDLE_FIRST", StringComparison.Ordinal));
    }
}
