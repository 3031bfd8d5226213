using NextBestAction.Decisioning.Engine;
using NextBestAction.Decisioning.Rules;
using NextBestAction.Profiles;
using NextBestAction.Testing;

namespace NextBestAction.UnitTests.Decisioning;

public sealed class DecisionAttributesTests
{
    [Fact]
    public void Readme_DocumentsEveryRuleAttribute()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "decisions.md"));

        var missing = DecisionAttributes.Schema.Attributes.Where(a => !readme.Contains($"| `{a.Name}` |", StringComparison.Ordinal)).Select(a => a.Name);

        Assert.Empty(missing);
    }

    [Fact]
    public void EveryAttribute_CanBeReadForAnUnknownCustomerAndEveryAction()
    {
        var catalog = TestCatalog.Load();
        var features = DecisionFeatures.Compute(null, ContactHistory.Empty, "checkout", "web", [], TestEvents.Now, catalog, ProfileRules.Default);
        var scope = new RuleScope(features);

        foreach (var action in catalog.Actions)
        {
            scope.Action = action;
            foreach (var attribute in DecisionAttributes.Schema.Attributes)
            {
                var rule = attribute.Type switch
                {
                    RuleValueType.Boolean => attribute.Name,
                    RuleValueType.Number => $"{attribute.Name} >= 0 or {attribute.Name} < 0",
                    RuleValueType.Text => $"{attribute.Name} != 'x' or {attribute.Name} == 'x'",
                    _ => $"{attribute.Name} contains 'x' or not ({attribute.Name} contains 'x')",
                };
                var compiled = RuleCompiler.Compile(rule, DecisionAttributes.Schema);

                var result = compiled.Evaluate(scope);

                Assert.True(attribute.Type == RuleValueType.Boolean || result, $"{attribute.Name} on {action.Id}");
            }
        }
    }

    [Fact]
    public void Numeric_CoversEveryNumberAndYesNoAttribute()
    {
        var numeric = DecisionAttributes.Schema.Attributes
            .Where(a => a.Type is RuleValueType.Number or RuleValueType.Boolean)
            .Select(a => a.Name);

        Assert.Equal(numeric.Order(), DecisionAttributes.Numeric.Select(n => n.Name).Order());
    }
}
