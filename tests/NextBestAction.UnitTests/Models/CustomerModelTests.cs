using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NextBestAction.Decisioning.Engine;
using NextBestAction.Decisioning.Models;
using NextBestAction.Profiles;
using NextBestAction.UnitTests.Decisioning;

namespace NextBestAction.UnitTests.Models;

/// <summary>Churn and value models: the identity link, what a customer model may read, and deployment with the propensity model.</summary>
public sealed class CustomerModelTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), $"nba-customer-models-{Guid.NewGuid():N}");

    public CustomerModelTests() => Directory.CreateDirectory(directory);

    public void Dispose() => Directory.Delete(directory, recursive: true);

    /// <summary>A churn model: orders.count &lt;= 1 -> raw 2 (likely lapse), else raw -2.</summary>
    private static TreeEnsembleArtifact Churn(params string[] features) => TestEnsembles.Artifact(
        features.Length == 0 ? ["orders.count"] : features,
        new TreeArtifact { Weight = 1, SplitFeature = [0], Threshold = [1f], Left = [-1], Right = [-2], LeafValue = [2, -2] }) with
    {
        Version = "v-churn",
        Kind = CustomerModel.ChurnKind,
        Bias = 0,
        Link = new LinkArtifact { Type = TreeEnsembleModel.LogisticLink, Slope = -1, Offset = 0 },
    };

    /// <summary>A value model: 50 EUR for customers with at most one order, 450 EUR for the others; typical 250.</summary>
    private static TreeEnsembleArtifact Value() => TestEnsembles.Artifact(
        ["orders.count"],
        new TreeArtifact { Weight = 1, SplitFeature = [0], Threshold = [1f], Left = [-1], Right = [-2], LeafValue = [-200, 200] }) with
    {
        Version = "v-value",
        Kind = CustomerModel.ValueKind,
        Bias = 250,
        Link = new LinkArtifact { Type = TreeEnsembleModel.IdentityLink },
        Reference = 250,
    };

    private static DecisionFeatures Customer(int orders) => DecisionFeatures.Compute(
        new CustomerProfile { CustomerId = "c", OrderCount = orders }, ContactHistory.Empty, "checkout", "web", [], TestEvents.Now, TestCatalog.Load(), ProfileRules.Default);

    [Fact]
    public void IdentityLink_PredictsTheRawScore_AndContributionsSumToIt()
    {
        var model = TreeEnsembleModel.FromArtifact(Value());
        Span<double> shares = stackalloc double[1];

        var value = model.Probability([3], shares);

        Assert.Equal(450, value, 9);
        Assert.Equal(TreeEnsembleModel.IdentityLink, model.LinkType);
        Assert.Equal(250, model.BaselineProbability, 9);
        Assert.Equal(value, model.BaselineProbability + shares[0], 9);
    }

    [Fact]
    public void IdentityLinkWithSlope_IsRefused()
    {
        var artifact = Value() with { Link = new LinkArtifact { Type = TreeEnsembleModel.IdentityLink, Slope = -1, Offset = 0 } };

        var refused = Assert.Throws<ModelArtifactException>(() => TreeEnsembleModel.FromArtifact(artifact));

        Assert.Contains("takes no slope or offset", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("action.affinity", "describes an action")]
    [InlineData("action.kind.bundle", "describes an action")]
    [InlineData("churn.risk", "is itself predicted by the customer models")]
    [InlineData("customer.value", "is itself predicted by the customer models")]
    [InlineData("customer.shoeSize", "this service cannot compute it")]
    public void ChurnModel_ReadingWhatItMayNot_IsRefusedNamingTheFeature(string feature, string reason)
    {
        var refused = Assert.Throws<ModelArtifactException>(() => new CustomerModel(TreeEnsembleModel.FromArtifact(Churn(feature)), CustomerModel.ChurnKind));

        Assert.Contains($"\"{feature}\"", refused.Message, StringComparison.Ordinal);
        Assert.Contains(reason, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WrongKindLinkOrMissingReference_AreRefused()
    {
        var asValue = Assert.Throws<ModelArtifactException>(() => new CustomerModel(TreeEnsembleModel.FromArtifact(Churn()), CustomerModel.ValueKind));
        var noReference = Assert.Throws<ModelArtifactException>(() => new CustomerModel(TreeEnsembleModel.FromArtifact(Value() with { Reference = null }), CustomerModel.ValueKind));

        Assert.Contains("kind: expected \"value\", was \"churn\"", asValue.Message, StringComparison.Ordinal);
        Assert.Contains("a value model needs the \"identity\" link", asValue.Message, StringComparison.Ordinal);
        Assert.Contains("reference:", noReference.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_SetsChurnRiskValueAndWeight_FromTheCustomerFeatures()
    {
        var set = new CustomerModelSet(
            new CustomerModel(TreeEnsembleModel.FromArtifact(Churn()), CustomerModel.ChurnKind),
            new CustomerModel(TreeEnsembleModel.FromArtifact(Value()), CustomerModel.ValueKind));
        var newcomer = Customer(orders: 0);
        var loyal = Customer(orders: 5);

        set.Apply(new RuleScope(newcomer));
        set.Apply(new RuleScope(loyal));

        Assert.Equal(1 / (1 + Math.Exp(-2)), newcomer.ChurnRisk, 9);
        Assert.Equal(1 / (1 + Math.Exp(2)), loyal.ChurnRisk, 9);
        Assert.True(newcomer.ChurnFromModel);
        Assert.Equal((50, 0.5), (newcomer.CustomerValue, newcomer.ValueWeight));
        Assert.Equal(450, loyal.CustomerValue, 9);
        Assert.Equal(1.8, loyal.ValueWeight, 9);
        Assert.Equal("v-churn, v-value", set.Version);
    }

    [Fact]
    public void ValueWeight_ScalesTheChurnTermOfTheServiceSignal()
    {
        var withoutModel = Customer(orders: 0);
        var valuable = Customer(orders: 0);
        var ordinary = Customer(orders: 0);
        withoutModel.UseChurnModel(0.5);
        valuable.UseChurnModel(0.5);
        valuable.UseValueModel(1000, reference: 250);
        ordinary.UseChurnModel(0.5);
        ordinary.UseValueModel(250, reference: 250);

        Assert.Equal(0.1, FamilyArbitration.ServiceSignal(withoutModel), 9);
        Assert.Equal(0.2, FamilyArbitration.ServiceSignal(valuable), 9);
        Assert.Equal(0.1, FamilyArbitration.ServiceSignal(ordinary), 9);
    }

    [Fact]
    public void Registry_ServesChurnAndValueDeployedWithTheVersion_AndABadChurnFileRefusesTheWholeVersion()
    {
        Write("good", Churn(), Value());
        Write("bad", Churn("action.affinity"), Value());
        File.WriteAllText(Path.Combine(directory, ModelRegistry.CurrentFile), "good");
        var registry = new ModelRegistry(Options.Create(new ModelOptions { Directory = directory, ReloadSeconds = 0 }),
            new PriorPropensityModel(), NullLogger<ModelRegistry>.Instance);
        Assert.Equal("v-churn, v-value", registry.Current.CustomerModels?.Version);

        File.WriteAllText(Path.Combine(directory, ModelRegistry.CurrentFile), "bad");
        var refused = Assert.Throws<ModelArtifactException>(registry.Reload);

        Assert.Contains(ModelRegistry.ChurnFile, refused.Message, StringComparison.Ordinal);
        Assert.Contains("\"action.affinity\"", refused.Message, StringComparison.Ordinal);
        Assert.Equal("good", registry.Version);
        Assert.Equal("v-churn, v-value", registry.Current.CustomerModels?.Version);
    }

    private void Write(string version, TreeEnsembleArtifact churn, TreeEnsembleArtifact value)
    {
        var at = Path.Combine(directory, version);
        Directory.CreateDirectory(at);
        var propensity = TestEnsembles.Artifact(["cart.value"],
            new TreeArtifact { Weight = 1, SplitFeature = [0], Threshold = [100f], Left = [-1], Right = [-2], LeafValue = [-1, 1] }) with { Version = version };
        Save(Path.Combine(at, ModelRegistry.ModelFile), propensity);
        Save(Path.Combine(at, ModelRegistry.ChurnFile), churn);
        Save(Path.Combine(at, ModelRegistry.ValueFile), value);
    }

    private static void Save(string path, TreeEnsembleArtifact artifact) =>
        File.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(artifact, ModelJsonContext.Default.TreeEnsembleArtifact));
}
