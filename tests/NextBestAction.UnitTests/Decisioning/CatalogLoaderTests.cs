using System.Text;
using NextBestAction.Decisioning.Catalog;

namespace NextBestAction.UnitTests.Decisioning;

public sealed class CatalogLoaderTests
{
    private static ActionCatalog Parse(string json) => CatalogLoader.Parse(Encoding.UTF8.GetBytes(json), "actions.json");

    [Fact]
    public void Load_ShippedCatalog_IsValid()
    {
        var catalog = CatalogLoader.Load(Path.Combine(AppContext.BaseDirectory, "catalog", "actions.json"));

        Assert.False(string.IsNullOrWhiteSpace(catalog.Version));
        Assert.Contains(catalog.Actions, a => a.Kind == ActionKinds.Bundle);
        Assert.Contains(catalog.Actions, a => a.Kind == ActionKinds.Service);
        Assert.True(catalog.BundlesByProductLine.ContainsKey("galaxy-s"));
    }

    [Fact]
    public void Parse_UnknownField_NamesFileAndField()
    {
        var ex = Assert.Throws<CatalogValidationException>(() => Parse(
            """{"version":"1","actions":[{"id":"a","kind":"service","title":"t","trigger":"always","value":1,"colour":"red"}]}"""));

        Assert.Contains("actions.json", ex.Message, StringComparison.Ordinal);
        Assert.Contains("colour", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DuplicateIdsAndBadFields_ReportsEveryErrorByAction()
    {
        var ex = Assert.Throws<CatalogValidationException>(() => Parse(
            """
            {"version":"1","actions":[
              {"id":"a","kind":"service","title":"t","trigger":"always","value":1},
              {"id":"a","kind":"gift","title":"t","trigger":"always","value":1},
              {"id":"b","kind":"bundle","title":"t","trigger":"cart_product_line","value":-2}
            ]}
            """));

        Assert.Contains("action \"a\": id is used by an earlier action", ex.Message, StringComparison.Ordinal);
        Assert.Contains("action \"a\": kind must be one of service, bundle, was \"gift\"", ex.Message, StringComparison.Ordinal);
        Assert.Contains("action \"b\": productLine is required", ex.Message, StringComparison.Ordinal);
        Assert.Contains("action \"b\": bundleProducts must list at least one product", ex.Message, StringComparison.Ordinal);
        Assert.Contains("action \"b\": value is required and must not be negative", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFile_NamesTheSetting()
    {
        var ex = Assert.Throws<CatalogValidationException>(() => CatalogLoader.Load("/nonexistent/actions.json"));

        Assert.Contains("Decisions:CatalogPath", ex.Message, StringComparison.Ordinal);
    }
}
