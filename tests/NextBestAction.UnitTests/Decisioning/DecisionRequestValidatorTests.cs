using NextBestAction.Decisioning.Api;

namespace NextBestAction.UnitTests.Decisioning;

public sealed class DecisionRequestValidatorTests
{
    [Fact]
    public void Validate_ContractExample_HasNoErrors()
    {
        var request = new DecisionRequest("cust-42", "checkout", "web",
            new DecisionContext([new RequestCartItem("p-100", "phones", "galaxy-s", 799m, 1)]), 1);

        Assert.Empty(DecisionRequestValidator.Validate(request));
    }

    [Fact]
    public void Validate_MissingCustomerAndBadFields_NamesEachField()
    {
        var request = new DecisionRequest(null, "checkout", "web",
            new DecisionContext([new RequestCartItem(null, "phones", "", -1m, 0)]), 50);

        var errors = DecisionRequestValidator.Validate(request);

        Assert.Contains("customerId", errors.Keys);
        Assert.Contains("maxActions", errors.Keys);
        var cartErrors = errors["context.cart[0]"];
        Assert.Contains(cartErrors, e => e.Contains("productId", StringComparison.Ordinal));
        Assert.Contains(cartErrors, e => e.Contains("productLine", StringComparison.Ordinal));
        Assert.Contains(cartErrors, e => e.Contains("price", StringComparison.Ordinal));
        Assert.Contains(cartErrors, e => e.Contains("quantity", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_CustomerIdWithHashTagBraces_IsRefused()
    {
        Assert.Contains("customerId", DecisionRequestValidator.Validate(new DecisionRequest("cust-{1}", null, null, null, null)).Keys);
    }

    [Fact]
    public void Validate_TouchpointOrChannelNotInTheCatalog_NamesTheAllowedValues()
    {
        var catalog = TestCatalog.Load();
        var request = new DecisionRequest("cust-42", "checkout-" + new string('x', 1000), "fax", null, 1);

        var errors = DecisionRequestValidator.Validate(request, catalog);

        Assert.Equal(["touchpoint must be one of: checkout"], errors["touchpoint"]);
        Assert.Equal(["channel must be one of: web, app"], errors["channel"]);
    }

    [Fact]
    public void Validate_CatalogTouchpointAndChannel_OrNone_HaveNoErrors()
    {
        var catalog = TestCatalog.Load();

        Assert.Empty(DecisionRequestValidator.Validate(new DecisionRequest("cust-42", "checkout", "app", null, 1), catalog));
        Assert.Empty(DecisionRequestValidator.Validate(new DecisionRequest("cust-42", null, null, null, 1), catalog));
    }
}
