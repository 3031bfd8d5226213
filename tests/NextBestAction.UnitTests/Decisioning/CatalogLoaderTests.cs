using System.Text;
using NextBestAction.Decisioning.Catalog;

namespace NextBestAction.UnitTests.Decisioning;

public sealed class CatalogLoaderTests
{
    private static CatalogValidationException Refused(string json) =>
        Assert.Throws<CatalogValidationException>(() => CatalogLoader.Parse(Encoding.UTF8.GetBytes(json), "actions.json"));

    private static string OneAction(string action, string extra = "") =>
        $$"""{"version":"1",{{extra}}"actions":[{{action}}]}""";

    [Fact]
    public void Load_ShippedCatalog_IsValidWithBothKindsAndAFallback()
    {
        var catalog = CatalogLoader.Load(Path.Combine(AppContext.BaseDirectory, "catalog", "actions.json"));

        Assert.Matches(@"^\S+\+[0-9a-f]{8}$", catalog.Version);
        Assert.Contains(catalog.Actions, a => a.Kind == ActionKinds.Bundle && a.ProductLine == "galaxy-s");
        Assert.Contains(catalog.Actions, a => a.Kind == ActionKinds.Service && a.Eligibility.Count == 1 && a.Eligibility[0].Text == "true");
        Assert.NotEmpty(catalog.Suppressions);
    }

    [Fact]
    public void Parse_SameBytes_SameVersion_EditedBytes_NewVersion()
    {
        var first = TestCatalog.Load();
        var again = TestCatalog.Load();
        var edited = TestCatalog.With("\"value\": 3", "\"value\": 4");

        Assert.Equal(first.Version, again.Version);
        Assert.StartsWith("test-1+", first.Version, StringComparison.Ordinal);
        Assert.NotEqual(first.Version, edited.Version);
    }

    [Fact]
    public void Parse_Defaults_AreAppliedWhereAnActionSetsNone()
    {
        var catalog = TestCatalog.Load();
        var bundle = catalog.ById["bundle-galaxy-s"];
        var service = catalog.ById["service-apology"];

        Assert.Equal((3, 6, TimeSpan.FromHours(72)), (bundle.MaxPerDay, bundle.MaxPerWeek, bundle.CooldownAfterDecline));
        Assert.True(bundle.Marketing);
        Assert.False(service.Marketing);
        Assert.Null(service.Channels);
        Assert.Equal(1.2, catalog.ContextWeight("checkout", ActionKinds.Bundle));
        Assert.Equal(1.0, catalog.ContextWeight("account", ActionKinds.Bundle));
    }

    [Fact]
    public void Parse_MisspeltField_NamesFileActionAndField()
    {
        var ex = Refused(OneAction("""{"id":"a","kind":"service","title":"t","value":1,"eligibilty":["true"]}"""));

        Assert.Contains("actions.json: action \"a\": unknown field \"eligibilty\"", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownFieldInContactPolicy_IsNamed()
    {
        var ex = Refused(OneAction("""{"id":"a","kind":"service","title":"t","value":1,"eligibility":["true"],"contactPolicy":{"maxPerMonth":3}}"""));

        Assert.Contains("action \"a\": contactPolicy: unknown field \"maxPerMonth\"", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DuplicateIdsAndBadFields_ReportsEveryErrorByAction()
    {
        var ex = Refused(
            """
            {"version":"1","actions":[
              {"id":"a","kind":"service","title":"t","value":1,"eligibility":["true"]},
              {"id":"a","kind":"gift","title":"t","value":1,"eligibility":["true"]},
              {"id":"b","kind":"bundle","title":"t","value":-2,"eligibility":["true"],"lever":0},
              {"id":"c","kind":"service","title":"t","value":1,"eligibility":[]}
            ]}
            """);

        Assert.Contains("action \"a\": id is used by an earlier action", ex.Message, StringComparison.Ordinal);
        Assert.Contains("action \"a\": kind must be one of service, bundle, was \"gift\"", ex.Message, StringComparison.Ordinal);
        Assert.Contains("action \"b\": productLine is required", ex.Message, StringComparison.Ordinal);
        Assert.Contains("action \"b\": bundleProducts must list at least one product", ex.Message, StringComparison.Ordinal);
        Assert.Contains("action \"b\": value is required and must not be negative", ex.Message, StringComparison.Ordinal);
        Assert.Contains("action \"b\": lever must be greater than 0", ex.Message, StringComparison.Ordinal);
        Assert.Contains("action \"c\": eligibility must hold at least one rule", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cart.vaule >= 100", "unknown attribute \"cart.vaule\"", "did you mean \"cart.value\"")]
    [InlineData("promises.brokenInDays >= 1", "unknown attribute \"promises.brokenInDays\"", "promises.broken90d")]
    [InlineData("cart.value >= 'lots'", "cart.value", "number")]
    [InlineData("cart.value >= 100 and", "and", "column")]
    [InlineData("(orders.late > 0", "(", "column")]
    public void Parse_BadRule_NamesActionRuleIndexAndProblem(string rule, string fragment, string hint)
    {
        var ex = Refused(OneAction($$"""{"id":"a","kind":"service","title":"t","value":1,"eligibility":["true", "{{rule.Replace("'", "\\u0027", StringComparison.Ordinal)}}"]}"""));

        Assert.Contains("actions.json: action \"a\": eligibility[1]:", ex.Message, StringComparison.Ordinal);
        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
        Assert.Contains(hint, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BadSuppressionAndPolicy_AreNamed()
    {
        var ex = Refused(OneAction("""{"id":"a","kind":"service","title":"t","value":1,"eligibility":["true"]}""",
            """
            "contactPolicy":{"marketingConsent":"maybe","maxPerDayOverall":-1},
            "contextWeights":{"checkout":{"gift":2}},
            "suppressions":[{"id":"s","appliesTo":"everything","when":"orders.lat > 0"}],
            """));

        Assert.Contains("contactPolicy.marketingConsent must be optIn or optOut", ex.Message, StringComparison.Ordinal);
        Assert.Contains("contactPolicy.maxPerDayOverall must not be negative", ex.Message, StringComparison.Ordinal);
        Assert.Contains("contextWeights.checkout: \"gift\" is not an action kind", ex.Message, StringComparison.Ordinal);
        Assert.Contains("suppression \"s\": appliesTo must be service, bundle or any", ex.Message, StringComparison.Ordinal);
        Assert.Contains("suppression \"s\": reason is required", ex.Message, StringComparison.Ordinal);
        Assert.Contains("suppression \"s\": when: unknown attribute \"orders.lat\"", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NotJson_SaysSo()
    {
        var ex = Refused("{\"version\":\"1\",\"actions\":[");

        Assert.Contains("actions.json: not valid catalog JSON", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFile_NamesTheSetting()
    {
        var ex = Assert.Throws<CatalogValidationException>(() => CatalogLoader.Load("/nonexistent/actions.json"));

        Assert.Contains("Decisions:CatalogPath", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ShippedCatalog_DeclaresTheTouchpointsAndChannelsTheWebshopSends()
    {
        var catalog = CatalogLoader.Load(Path.Combine(AppContext.BaseDirectory, "catalog", "actions.json"));

        Assert.Superset(new HashSet<string> { "checkout", "cart", "account" }, catalog.Touchpoints.ToHashSet());
        Assert.Superset(new HashSet<string> { "web", "app" }, catalog.Channels.ToHashSet());
    }

    [Fact]
    public void Parse_DeclaredTouchpointsAndChannels_AreExactlyTheAllowedValues()
    {
        var catalog = CatalogLoader.Parse(Encoding.UTF8.GetBytes(OneAction(
            """{"id":"a","kind":"service","title":"t","value":1,"channels":["web"],"eligibility":["true"]}""",
            "\"touchpoints\":[\"checkout\",\"account\"],\"channels\":[\"web\",\"app\"],\"contextWeights\":{\"checkout\":{\"bundle\":1.2}},")), "actions.json");

        Assert.Equal(["checkout", "account"], catalog.Touchpoints);
        Assert.Equal(["web", "app"], catalog.Channels);
    }

    [Fact]
    public void Parse_WithoutDeclarations_TouchpointsComeFromContextWeights_AndChannelsFromTheActions()
    {
        var catalog = TestCatalog.Load();

        Assert.Equal(["checkout"], catalog.Touchpoints);
        Assert.Equal(["web", "app"], catalog.Channels);
    }

    [Fact]
    public void Parse_UndeclaredTouchpointOrChannelInUse_AndBadNames_AreRefused()
    {
        var ex = Refused(OneAction(
            """{"id":"a","kind":"service","title":"t","value":1,"channels":["web","sms"],"eligibility":["true"]}""",
            "\"touchpoints\":[\"checkout\",\"checkout\",\"bad name\"],\"channels\":[\"web\",\"\"],\"contextWeights\":{\"account\":{\"bundle\":1.2}},"));

        Assert.Contains("touchpoints: \"checkout\" is listed twice", ex.Message, StringComparison.Ordinal);
        Assert.Contains("touchpoints[2]: must be 1 to 32", ex.Message, StringComparison.Ordinal);
        Assert.Contains("channels[1]: must be 1 to 32", ex.Message, StringComparison.Ordinal);
        Assert.Contains("contextWeights.account: \"account\" is not one of the touchpoints", ex.Message, StringComparison.Ordinal);
        Assert.Contains("action \"a\": channels: \"sms\" is not one of the catalog's channels", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_EmptyTouchpointsOrChannels_AreRefused()
    {
        var ex = Refused(OneAction("""{"id":"a","kind":"service","title":"t","value":1,"eligibility":["true"]}""", "\"touchpoints\":[],\"channels\":[],"));

        Assert.Contains("touchpoints must name at least one touch point", ex.Message, StringComparison.Ordinal);
        Assert.Contains("channels must name at least one channel", ex.Message, StringComparison.Ordinal);
    }
}
