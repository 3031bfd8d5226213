using NextBestAction.Decisioning.Rules;

namespace NextBestAction.UnitTests.Decisioning.Rules;

public sealed class RuleCompilerTests
{
    private static CompiledRule<RuleTestScope> Compile(string rule) => RuleCompiler.Compile(rule, RuleTestScope.Schema);

    // The sample scope: cart.value 150, orders.late 0, promises.broken90d 2, consent.marketing true,
    // action.bundleInCart false, touchpoint 'checkout', action.productLine 'galaxy-s', customer.segment null,
    // cart.productLines {galaxy-s, pixel}, customer.tags {}.
    [Theory]
    // Numbers
    [InlineData("cart.value >= 100", true)]
    [InlineData("cart.value >= 150", true)]
    [InlineData("cart.value > 150", false)]
    [InlineData("cart.value <= 150", true)]
    [InlineData("cart.value < 150", false)]
    [InlineData("cart.value == 150", true)]
    [InlineData("cart.value == 150.0", true)]
    [InlineData("cart.value != 150", false)]
    [InlineData("cart.value > 0.5", true)]
    [InlineData("cart.value > -3", true)]
    [InlineData("cart.value>=100", true)]
    [InlineData("100 < cart.value", true)]
    [InlineData("cart.value > orders.late", true)]
    [InlineData("promises.broken90d >= 1", true)]
    // Booleans
    [InlineData("consent.marketing", true)]
    [InlineData("action.bundleInCart", false)]
    [InlineData("consent.marketing == true", true)]
    [InlineData("action.bundleInCart != false", false)]
    [InlineData("consent.marketing == action.bundleInCart", false)]
    [InlineData("true", true)]
    [InlineData("false", false)]
    // Texts compare ordinally; either quote works and may hold the other
    [InlineData("touchpoint == 'checkout'", true)]
    [InlineData("touchpoint == \"checkout\"", true)]
    [InlineData("touchpoint == 'Checkout'", false)]
    [InlineData("touchpoint != 'cart'", true)]
    [InlineData("'checkout' == touchpoint", true)]
    [InlineData("touchpoint == action.productLine", false)]
    [InlineData("touchpoint != \"it's\"", true)]
    // A null text equals nothing and is in no set
    [InlineData("customer.segment == 'gold'", false)]
    [InlineData("customer.segment != 'gold'", true)]
    [InlineData("customer.segment == customer.segment", false)]
    [InlineData("customer.segment in ['gold', 'silver']", false)]
    [InlineData("cart.productLines contains customer.segment", false)]
    [InlineData("not customer.segment in ['gold']", true)]
    // Sets and lists
    [InlineData("cart.productLines contains action.productLine", true)]
    [InlineData("cart.productLines contains 'pixel'", true)]
    [InlineData("cart.productLines contains 'iphone'", false)]
    [InlineData("customer.tags contains 'vip'", false)]
    [InlineData("action.productLine in cart.productLines", true)]
    [InlineData("touchpoint in ['checkout', 'cart']", true)]
    [InlineData("touchpoint in ['cart']", false)]
    [InlineData("touchpoint in []", false)]
    [InlineData("['checkout', 'cart'] contains touchpoint", true)]
    // not, and, or and precedence: not binds looser than a comparison, and binds tighter than or
    [InlineData("not consent.marketing", false)]
    [InlineData("not not consent.marketing", true)]
    [InlineData("not cart.value > 200", true)]
    [InlineData("cart.value >= 100 and not action.bundleInCart", true)]
    [InlineData("orders.late > 0 or promises.broken90d >= 1", true)]
    [InlineData("true or false and false", true)]
    [InlineData("(true or false) and false", false)]
    [InlineData("false and false or true", true)]
    [InlineData("not false and false", false)]
    [InlineData("not (false and false)", true)]
    [InlineData("((consent.marketing))", true)]
    [InlineData("(cart.value > 100) == consent.marketing", true)]
    // Short circuit: "boom" throws when read
    [InlineData("false and boom", false)]
    [InlineData("true or boom", true)]
    [InlineData("action.bundleInCart and boom", false)]
    [InlineData("consent.marketing or boom", true)]
    [InlineData("cart.value < 0 and (boom or boom)", false)]
    public void Evaluate_ValidRule_ReturnsExpected(string rule, bool expected)
    {
        var compiled = Compile(rule);

        Assert.Equal(rule, compiled.Text);
        Assert.Equal(expected, compiled.Evaluate(RuleTestScope.Sample));
    }

    [Fact]
    public void Evaluate_RuleReadingBoom_Throws()
    {
        // Proves the short-circuit rows above would fail if the right side were read.
        Assert.Throws<InvalidOperationException>(() => Compile("true and boom").Evaluate(RuleTestScope.Sample));
    }

    [Fact]
    public void Evaluate_SameRuleOnOtherScopes_ReadsEachScope()
    {
        var rule = Compile("cart.value >= 100 and not action.bundleInCart");

        Assert.True(rule.Evaluate(RuleTestScope.Sample));
        Assert.False(rule.Evaluate(RuleTestScope.Sample with { CartValue = 99.5 }));
        Assert.False(rule.Evaluate(RuleTestScope.Sample with { BundleInCart = true }));
    }

    [Fact]
    public void Evaluate_CompiledRule_DoesNotAllocate()
    {
        var rule = Compile(
            "cart.value >= 100 and not action.bundleInCart and touchpoint in ['checkout', 'cart'] "
            + "and (cart.productLines contains action.productLine or customer.segment == 'gold')");
        var scope = RuleTestScope.Sample;
        Assert.True(rule.Evaluate(scope));

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            rule.Evaluate(scope);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [InlineData("", "the rule is empty", 1)]
    [InlineData("   ", "the rule is empty", 1)]
    // Unknown attributes, with a suggestion when one is close
    [InlineData("cart.vaule >= 1", "unknown attribute \"cart.vaule\" at column 1; did you mean \"cart.value\"?", 1)]
    [InlineData("consent.Marketing", "did you mean \"consent.marketing\"?", 1)]
    [InlineData("productLines contains 'x'", "unknown attribute \"productLines\" at column 1; did you mean \"cart.productLines\"?", 1)]
    [InlineData("weather == 'sunny'", "unknown attribute \"weather\" at column 1; known attributes: cart.value, orders.late", 1)]
    [InlineData("True", "unknown attribute \"True\" at column 1; keywords are written in lower case: \"true\"", 1)]
    // Type errors
    [InlineData("cart.value == 'x'", "\"cart.value\" is a number and cannot be compared with the text 'x' (\"==\" at column 12)", 12)]
    [InlineData("'x' != cart.value", "\"cart.value\" is a number and cannot be compared with the text 'x' (\"!=\" at column 5)", 5)]
    [InlineData("consent.marketing == 1", "\"consent.marketing\" is a true/false value and cannot be compared with the number 1", 19)]
    [InlineData("touchpoint == cart.value", "\"touchpoint\" is a text and cannot be compared with \"cart.value\", which is a number", 12)]
    [InlineData("(cart.value > 1) == 5", "\"(cart.value > 1)\" is a true/false value and cannot be compared with the number 5", 18)]
    [InlineData("cart.productLines == 'x'", "cannot be compared with the text 'x' (\"==\" at column 19); did you mean \"contains\"?", 19)]
    [InlineData("touchpoint == cart.productLines", "did you mean \"in\"?", 12)]
    [InlineData("cart.productLines != customer.tags", "sets can only be used with \"contains\" and \"in\"", 19)]
    [InlineData("touchpoint < 'b'", "\"<\" at column 12 compares numbers only, but \"touchpoint\" is a text", 12)]
    [InlineData("cart.value >= consent.marketing", "\">=\" at column 12 compares numbers only, but \"consent.marketing\" is a true/false value", 12)]
    [InlineData("touchpoint contains 'x'", "\"contains\" at column 12 needs a set of texts on its left, but \"touchpoint\" is a text", 12)]
    [InlineData("touchpoint contains cart.productLines", "; did you mean \"in\"?", 12)]
    [InlineData("cart.productLines contains 5", "\"contains\" at column 19 needs a text on its right, but 5 is a number", 19)]
    [InlineData("cart.productLines in ['a']", "\"in\" at column 19 needs a text on its left, but \"cart.productLines\" is a set of texts", 19)]
    [InlineData("cart.productLines in touchpoint", "; did you mean \"contains\"?", 19)]
    [InlineData("touchpoint in 'checkout'", "needs a set of texts or a list like ['a', 'b'] on its right, but 'checkout' is a text", 12)]
    [InlineData("not cart.value", "\"not\" at column 1 needs a condition after it, but \"cart.value\" is a number", 1)]
    [InlineData("consent.marketing and touchpoint", "\"and\" at column 19 needs a condition on both sides, but \"touchpoint\" is a text", 19)]
    [InlineData("cart.value or true", "\"or\" at column 12 needs a condition on both sides, but \"cart.value\" is a number", 12)]
    // The whole rule must be a condition
    [InlineData("cart.value", "the rule must be a condition that is true or false, but \"cart.value\" is a number; compare it, e.g. cart.value > 0", 1)]
    [InlineData("touchpoint", "; compare it, e.g. touchpoint == 'some text'", 1)]
    [InlineData("cart.productLines", "; compare it, e.g. cart.productLines contains 'some text'", 1)]
    [InlineData("5", "the rule must be a condition that is true or false, but 5 is a number", 1)]
    [InlineData("['a']", "but ['a'] is a set of texts", 1)]
    // Comparing two fixed values is refused: always true or always false
    [InlineData("1 < 2", "\"<\" at column 3 compares two fixed values, 1 and 2; one side must be an attribute", 3)]
    [InlineData("'a' in ['a', 'b']", "compares two fixed values, 'a' and ['a', 'b']", 5)]
    [InlineData("(true and false) == true", "compares two fixed values", 18)]
    // Syntax
    [InlineData("cart.value >= ", "expected a value after \">=\" at column 12", 12)]
    [InlineData("cart.value >= and true", "expected a value after \">=\" but found \"and\" at column 15", 15)]
    [InlineData("cart.value >= 100 and", "unexpected \"and\" at end of rule; a condition must follow it", 19)]
    [InlineData("consent.marketing or not", "unexpected \"not\" at end of rule", 22)]
    [InlineData("and consent.marketing", "expected a condition but found \"and\" at column 1", 1)]
    [InlineData("()", "expected a condition after \"(\" but found \")\" at column 2", 2)]
    [InlineData("cart.value 100", "unexpected \"100\" at column 12", 12)]
    [InlineData("cart.value >= 1 AND consent.marketing", "unexpected \"AND\" at column 17; keywords are written in lower case: \"and\"", 17)]
    [InlineData("cart.value == 1 == 2", "unexpected \"==\" at column 17; join comparisons with \"and\" or \"or\"", 17)]
    [InlineData("cart.value = 1", "unexpected \"=\" at column 12; use \"==\" to compare", 12)]
    [InlineData("consent.marketing && true", "unexpected \"&\" at column 19; use \"and\"", 19)]
    [InlineData("! consent.marketing", "unexpected \"!\" at column 1; use \"!=\" or \"not\"", 1)]
    [InlineData("cart.value @ 1", "unexpected \"@\" at column 12", 12)]
    [InlineData("touchpoint == 'checkout", "unterminated text 'checkout at column 15; end it with '", 15)]
    [InlineData("touchpoint == \"checkout'", "unterminated text \"checkout' at column 15; end it with \"", 15)]
    [InlineData("cart.value > 1.2.3", "\"1.2.3\" at column 14 is not a number; write numbers like 100, 0.5 or -3", 14)]
    [InlineData("cart.value > 100abc", "\"100abc\" at column 14 is not a number", 14)]
    [InlineData("(cart.value > 1", "unbalanced parentheses: \"(\" at column 1 is never closed", 1)]
    [InlineData("((cart.value > 1)", "unbalanced parentheses: \"(\" at column 1 is never closed", 1)]
    [InlineData("cart.value > 1)", "unbalanced parentheses: \")\" at column 15 has no matching \"(\"", 15)]
    [InlineData("(cart.value > 1 consent.marketing)", "unexpected \"consent.marketing\" at column 17", 17)]
    [InlineData("touchpoint in ['a'", "unbalanced brackets: \"[\" at column 15 is never closed", 15)]
    [InlineData("touchpoint in ['a', 1]", "expected a text like 'a' in the list but found \"1\" at column 21", 21)]
    [InlineData("touchpoint in ['a',]", "expected a text like 'a' in the list but found \"]\" at column 20", 20)]
    [InlineData("touchpoint in ['a' 'b']", "expected \",\" or \"]\" in the list but found \"'b'\" at column 20", 20)]
    public void Compile_InvalidRule_ThrowsWithMessageAndColumn(string rule, string expectedMessage, int expectedColumn)
    {
        var ex = Assert.Throws<RuleSyntaxException>(() => Compile(rule));

        Assert.Contains(expectedMessage, ex.Message, StringComparison.Ordinal);
        Assert.Equal(expectedColumn, ex.Column);
        Assert.Equal(rule, ex.Rule);
    }

    [Fact]
    public void Compile_DeeplyNestedRule_IsRefused()
    {
        var rule = new string('(', 40) + "true" + new string(')', 40);

        var ex = Assert.Throws<RuleSyntaxException>(() => Compile(rule));

        Assert.Contains("the rule nests too deeply at column 33", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cart.value >= 100 and touchpoint in ['a'] or cart.value < 5 and not consent.marketing",
        new[] { "cart.value", "touchpoint", "consent.marketing" })]
    [InlineData("cart.productLines contains action.productLine", new[] { "cart.productLines", "action.productLine" })]
    [InlineData("true", new string[0])]
    public void Attributes_Rule_ListsEachNameReadOnceInOrder(string rule, string[] expected)
    {
        Assert.Equal(expected, Compile(rule).Attributes);
    }

    [Fact]
    public void Compile_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => RuleCompiler.Compile(null!, RuleTestScope.Schema));
        Assert.Throws<ArgumentNullException>(() => RuleCompiler.Compile<RuleTestScope>("true", null!));
    }
}
