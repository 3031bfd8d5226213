using NextBestAction.Decisioning.Catalog;
using NextBestAction.Decisioning.Engine;
using NextBestAction.Decisioning.Models;
using NextBestAction.Profiles;
using NextBestAction.UnitTests.Decisioning;

namespace NextBestAction.UnitTests.Models;

public sealed class TreeEnsemblePropensityModelTests
{
    private static RuleScope Scope(string actionId, params EngineCartItem[] cart)
    {
        var catalog = TestCatalog.Load();
        var profile = new CustomerProfile { CustomerId = "c", OrderCount = 3, TotalSpend = 700m };
        var features = DecisionFeatures.Compute(profile, ContactHistory.Empty, "checkout", "web", cart, TestEvents.Now, catalog, ProfileRules.Default);
        return new RuleScope(features) { Action = catalog.ById[actionId] };
    }

    /// <summary>Splits on the kind indicator, the cart value and the order count.</summary>
    private static TreeEnsembleModel Model(string kind = "propensity", string firstFeature = "action.kind.bundle") =>
        TreeEnsembleModel.FromArtifact(TestEnsembles.Artifact([firstFeature, "cart.value", "orders.count"],
            new TreeArtifact { Weight = 1, SplitFeature = [0, 1], Threshold = [0.5f, 500f], Left = [-1, -2], Right = [1, -3], LeafValue = [-1.5, 0.2, 1.1] },
            new TreeArtifact { Weight = 1, SplitFeature = [2], Threshold = [2f], Left = [-1], Right = [-2], LeafValue = [-0.3, 0.4] }) with { Kind = kind });

    [Fact]
    public void ModelFeatures_All_IsEveryNumericAttributeCustomerFirstThenActionThenDerived()
    {
        var numeric = DecisionAttributes.Numeric.Select(a => a.Name).ToList();

        Assert.Equal(numeric.Count + 1, ModelFeatures.All.Count);
        Assert.Equal(numeric.Where(n => !n.StartsWith("action.", StringComparison.Ordinal)), ModelFeatures.All.Take(numeric.Count(n => !ModelFeatures.IsActionLevel(n))));
        Assert.Equal(ModelFeatures.ActionKindBundle, ModelFeatures.All[^1]);
        Assert.True(ModelFeatures.IsActionLevel(ModelFeatures.ActionKindBundle));
    }

    [Fact]
    public void ModelFeatures_Fill_ReadsTheRuleAttributesAndTheKindIndicator()
    {
        var features = ModelFeatures.Resolve(["cart.value", "action.kind.bundle", "action.affinity", "orders.count"]);
        var scope = Scope("bundle-galaxy-s", new EngineCartItem("p-1", "phones", "galaxy-s", 799m, 2));
        var values = new double[4];

        features.Fill(scope, values);
        Assert.Equal([1598, 1, scope.Features.Affinity("galaxy-s"), 3], values);

        scope.Action = TestCatalog.Load().ById["service-advisor"];
        features.Fill(scope, values);
        Assert.Equal(0, values[1]);
    }

    [Fact]
    public void ModelFeatures_TryDerive_MatchesServing()
    {
        Assert.True(ModelFeatures.TryDerive(ModelFeatures.ActionKindBundle, ActionKinds.Bundle, out var bundle));
        Assert.True(ModelFeatures.TryDerive(ModelFeatures.ActionKindBundle, ActionKinds.Service, out var service));
        Assert.False(ModelFeatures.TryDerive("cart.value", ActionKinds.Bundle, out _));
        Assert.Equal((1.0, 0.0), (bundle, service));
    }

    [Fact]
    public void UnknownFeature_RefusedNamingIt()
    {
        var error = Assert.Throws<ModelArtifactException>(() => new TreeEnsemblePropensityModel(Model(firstFeature: "action.colour")));

        Assert.Contains("features[0]: \"action.colour\" is neither a numeric rule attribute nor a derived feature", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("test-1: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NotAPropensityModel_Refused()
    {
        var error = Assert.Throws<ModelArtifactException>(() => new TreeEnsemblePropensityModel(Model(kind: "churn")));

        Assert.Contains("kind: expected \"propensity\", was \"churn\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Predict_BundleWithBigCart_HandComputedAndContributionsSumToThePropensity()
    {
        var model = new TreeEnsemblePropensityModel(Model());
        var scope = Scope("bundle-galaxy-s", new EngineCartItem("p-1", "phones", "galaxy-s", 799m, 1));
        var contributions = new List<FeatureContribution>();

        var propensity = model.Predict(scope, contributions);

        // Bundle (1 > 0.5), cart 799 > 500 -> 1.1; 3 orders > 2 -> 0.4.
        Assert.Equal(TestEnsembles.Logistic(0.1 + 1.1 + 0.4), propensity, 12);
        Assert.Equal(propensity, model.Predict(scope, null));
        Assert.Equal(TreeEnsemblePropensityModel.BaselineFeature, contributions[0].Feature);
        Assert.Equal(propensity, contributions.Sum(c => c.Contribution), 12);
        Assert.Equal(["baseline", "action.kind.bundle", "cart.value", "orders.count"], contributions.Select(c => c.Feature));
        Assert.All(contributions.Skip(1), c => Assert.True(c.Contribution > 0));
    }

    [Fact]
    public void Engine_WithTheTrainedModel_ExplanationSumsToTheScore()
    {
        var engine = new DecisionEngine(new TreeEnsemblePropensityModel(Model()), new GreedyPolicy(), ProfileRules.Default);
        var profile = new CustomerProfile { CustomerId = "c", OrderCount = 3 };

        var decision = engine.Decide(new DecisionInput(profile, ContactHistory.Empty, "checkout", "web",
            [new EngineCartItem("p-1", "phones", "galaxy-s", 799m, 1)], TestEvents.Now, 2), TestCatalog.Load());

        Assert.Equal("test-1", engine.ModelVersion);
        Assert.All(decision.Actions, a => Assert.Equal(a.Score, a.Explanation.Sum(e => e.Contribution), 4));
    }
}
