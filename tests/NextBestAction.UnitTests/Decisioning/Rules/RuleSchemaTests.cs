using NextBestAction.Decisioning.Rules;

namespace NextBestAction.UnitTests.Decisioning.Rules;

public sealed class RuleSchemaTests
{
    [Fact]
    public void Attributes_AfterRegistration_ListNameTypeAndDescriptionInOrder()
    {
        var schema = new RuleSchema<RuleTestScope>()
            .Number("cart.value", s => s.CartValue, "Total value of the cart")
            .Boolean("consent.marketing", s => s.MarketingConsent, "Marketing consent")
            .Text("touchpoint", s => s.Touchpoint, "Where the decision is shown")
            .Set("cart.productLines", s => s.CartProductLines, "Product lines in the cart");

        Assert.Equal(
            [
                ("cart.value", RuleValueType.Number, "Total value of the cart"),
                ("consent.marketing", RuleValueType.Boolean, "Marketing consent"),
                ("touchpoint", RuleValueType.Text, "Where the decision is shown"),
                ("cart.productLines", RuleValueType.Set, "Product lines in the cart"),
            ],
            schema.Attributes.Select(a => (a.Name, a.Type, a.Description)));
    }

    [Fact]
    public void Register_DuplicateName_Throws()
    {
        var schema = new RuleSchema<RuleTestScope>().Number("cart.value", s => s.CartValue, "Total value of the cart");

        var ex = Assert.Throws<ArgumentException>(() => schema.Boolean("cart.value", s => s.BundleInCart, "Again"));

        Assert.Contains("\"cart.value\" is already registered", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Cart.value")]
    [InlineData("cart..value")]
    [InlineData("cart.")]
    [InlineData("1cart")]
    [InlineData("cart_value")]
    [InlineData("cart value")]
    [InlineData("cart.2nd")]
    [InlineData("")]
    [InlineData("and")]
    [InlineData("contains")]
    public void Register_InvalidName_Throws(string name)
    {
        var ex = Assert.Throws<ArgumentException>(() => new RuleSchema<RuleTestScope>().Number(name, s => s.CartValue, "Some number"));

        Assert.Contains("is not a valid attribute name", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Register_MissingDescription_Throws()
    {
        Assert.Throws<ArgumentException>(() => new RuleSchema<RuleTestScope>().Number("cart.value", s => s.CartValue, " "));
    }
}
