using NextBestAction.Decisioning.Engine;
using NextBestAction.Profiles;

namespace NextBestAction.UnitTests.Decisioning;

public sealed class PriorPropensityModelTests
{
    private static readonly DateTimeOffset Now = TestEvents.Now;

    private static RuleScope Scope(CustomerProfile profile, string actionId, params EngineCartItem[] cart)
    {
        var catalog = TestCatalog.Load();
        var features = DecisionFeatures.Compute(profile, ContactHistory.Empty, "checkout", "web", cart, Now, catalog, ProfileRules.Default);
        return new RuleScope(features) { Action = catalog.ById[actionId] };
    }

    [Fact]
    public void Predict_Contributions_SumToThePropensity()
    {
        var profile = new CustomerProfile { CustomerId = "c", OrderCount = 2, TotalSpend = 400m };
        profile.ProductLineInterest["galaxy-s"] = new DecayingScore(5, Now);
        var scope = Scope(profile, "bundle-galaxy-s", new EngineCartItem("p-1", "phones", "galaxy-s", 799m, 2));
        var contributions = new List<FeatureContribution>();

        var propensity = new PriorPropensityModel().Predict(scope, contributions);

        Assert.Equal(propensity, contributions.Sum(c => c.Contribution), 9);
        Assert.Contains(contributions, c => c.Feature == "cart_line_quantity" && c.Contribution > 0);
        Assert.Contains(contributions, c => c.Feature == "discount_appeal" && c.Contribution > 0);
    }

    [Fact]
    public void Predict_AboveTheCeiling_ContributionsAreScaledToTheClampedValue()
    {
        var profile = new CustomerProfile { CustomerId = "c", ResolvedContacts = 4, Returns = 3, OrderCount = 1, LastOrderAt = Now.AddDays(-200) };
        profile.OpenOrders.Add(new OpenOrder("o", Now.AddDays(-5), Now.AddDays(-1), 50m, ["x"]));
        profile.OpenContacts.Add(new OpenContact("t1", "phone", "delivery", Now.AddDays(-1)));
        profile.OpenContacts.Add(new OpenContact("t2", "phone", "delivery", Now.AddDays(-1)));
        profile.BrokenPromises.Add(new BrokenPromise("o1", Now.AddDays(-20), Now.AddDays(-18)));
        profile.BrokenPromises.Add(new BrokenPromise("o2", Now.AddDays(-10), Now.AddDays(-8)));
        var contributions = new List<FeatureContribution>();

        var propensity = new PriorPropensityModel().Predict(Scope(profile, "service-apology"), contributions);

        Assert.Equal(PriorPropensityModel.Maximum, propensity);
        Assert.Equal(propensity, contributions.Sum(c => c.Contribution), 9);
    }

    [Fact]
    public void Predict_WithoutList_SameValueAsWithList()
    {
        var scope = Scope(new CustomerProfile { CustomerId = "c" }, "bundle-iphone", new EngineCartItem("p-1", "phones", "iphone", 999m, 1));
        var model = new PriorPropensityModel();

        Assert.Equal(model.Predict(scope, []), model.Predict(scope, null));
    }
}
