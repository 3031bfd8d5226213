using NextBestAction.OperatorConsole.Catalog;
using NextBestAction.Testing;

namespace NextBestAction.UnitTests.OperatorConsole;

/// <summary>A draft is checked by the catalog loader, with the loader's own messages.</summary>
public sealed class CatalogDraftCheckTests
{
    [Fact]
    public void Validate_ShippedCatalog_LoadsWithItsVersion()
    {
        var shipped = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "src", "NextBestAction.Decisioning", "catalog", "actions.json"));

        var check = CatalogDesk.Validate(shipped);

        Assert.Null(check.Errors);
        Assert.StartsWith("2026-", check.Catalog!.Version, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UnknownAttribute_GivesTheLoadersMessageNamingActionAndRule()
    {
        const string draft = """{"version":"d1","actions":[{"id":"advisor","kind":"service","title":"Advisor","value":3,"eligibility":["cart.vaule > 1"]}]}""";

        var check = CatalogDesk.Validate(draft);

        Assert.Null(check.Catalog);
        Assert.Contains("action \"advisor\": eligibility[0]: unknown attribute \"cart.vaule\"", check.Errors, StringComparison.Ordinal);
        Assert.StartsWith(CatalogDesk.DraftName, check.Errors, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Validate_Empty_AsksForACatalog(string draft) =>
        Assert.StartsWith("The draft is empty", CatalogDesk.Validate(draft).Errors, StringComparison.Ordinal);

    [Fact]
    public void Validate_OverTheLimit_RefusedWithoutParsing()
    {
        var draft = "{\"version\":\"" + new string('x', CatalogDesk.MaxDraftBytes) + "\"}";

        Assert.Contains("at most 1,000,000 bytes", CatalogDesk.Validate(draft).Errors, StringComparison.Ordinal);
    }
}
