namespace NextBestAction.Decisioning.Rules;

/// <summary>
/// Recursive-descent parser for the rule grammar, lowest precedence first:
/// <code>
/// rule       := or
/// or         := and ('or' and)*
/// and        := not ('and' not)*
/// not        := 'not' not | comparison
/// comparison := operand (op operand)?      op := == != &lt; &lt;= &gt; &gt;= contains in
/// operand    := number | text | true | false | attribute | '(' rule ')' | '[' (text (',' text)*)? ']'
/// </code>
/// </summary>
internal sealed class RuleParser
{
    // Far beyond any readable rule; keeps a pathological rule from exhausting the stack at catalog load.
    private const int MaxNesting = 32;

    private readonly string _rule;
    private readonly List<Token> _tokens;
    private int _next;
    private int _nesting;

    private RuleParser(string rule)
    {
        _rule = rule;
        _tokens = RuleTokenizer.Tokenize(rule);
    }

    private Token Current => _tokens[_next];

    public static RuleNode Parse(string rule)
    {
        var parser = new RuleParser(rule);
        if (parser.Current.Kind == TokenKind.End)
        {
            throw new RuleSyntaxException("the rule is empty", rule, 1);
        }

        var root = parser.ParseOr();
        if (parser.Current.Kind != TokenKind.End)
        {
            throw parser.Unexpected(parser.Current);
        }

        return root;
    }

    private Token Take() => _tokens[_next++];

    private RuleNode ParseOr()
    {
        var left = ParseAnd();
        while (Current.Is("or"))
        {
            var op = Take();
            var right = ParseAnd();
            left = new LogicalNode(op, left, right, left.Start, right.End);
        }

        return left;
    }

    private RuleNode ParseAnd()
    {
        var left = ParseNot();
        while (Current.Is("and"))
        {
            var op = Take();
            var right = ParseNot();
            left = new LogicalNode(op, left, right, left.Start, right.End);
        }

        return left;
    }

    private RuleNode ParseNot()
    {
        if (!Current.Is("not"))
        {
            return ParseComparison();
        }

        var op = Take();
        Nest(op);
        var operand = ParseNot();
        _nesting--;
        return new NotNode(op, operand, op.Position, operand.End);
    }

    private RuleNode ParseComparison()
    {
        var left = ParseOperand();
        if (!Current.IsComparison)
        {
            return left;
        }

        var op = Take();
        var right = ParseOperand();
        return new ComparisonNode(op, left, right, left.Start, right.End);
    }

    private RuleNode ParseOperand()
    {
        var token = Current;
        switch (token.Kind)
        {
            case TokenKind.Number:
                Take();
                return new NumberNode(token.Number, token.Position, token.End);
            case TokenKind.Text:
                Take();
                return new TextNode(token.Value, token.Position, token.End);
            case TokenKind.Name:
                Take();
                return new AttributeNode(token.Text, token.Position, token.End);
            case TokenKind.Keyword when token.Text is "true" or "false":
                Take();
                return new BooleanNode(token.Text == "true", token.Position, token.End);
            case TokenKind.Symbol when token.Text == "(":
                return ParseGroup();
            case TokenKind.Symbol when token.Text == "[":
                return ParseList();
            default:
                throw ExpectedOperand();
        }
    }

    private RuleNode ParseGroup()
    {
        var open = Take();
        Nest(open);
        var inner = ParseOr();
        _nesting--;
        if (!Current.Is(")"))
        {
            throw Current.Kind == TokenKind.End
                ? Error($"unbalanced parentheses: \"(\" at column {open.Column} is never closed", open)
                : Unexpected(Current);
        }

        var close = Take();
        // The span covers the parentheses so messages quote the group as written.
        return inner with { Start = open.Position, End = close.End };
    }

    private ListNode ParseList()
    {
        var open = Take();
        var values = new List<string>();
        if (!Current.Is("]"))
        {
            values.Add(ListItem(open));
            while (Current.Is(","))
            {
                Take();
                values.Add(ListItem(open));
            }
        }

        if (!Current.Is("]"))
        {
            throw ListError(open, "\",\" or \"]\"");
        }

        var close = Take();
        return new ListNode(values, open.Position, close.End);
    }

    private string ListItem(Token open) =>
        Current.Kind == TokenKind.Text ? Take().Value : throw ListError(open, "a text like 'a'");

    private RuleSyntaxException ListError(Token open, string wanted) =>
        Current.Kind == TokenKind.End
            ? Error($"unbalanced brackets: \"[\" at column {open.Column} is never closed", open)
            : Error($"expected {wanted} in the list but found \"{Current.Text}\" at column {Current.Column}", Current);

    private void Nest(Token token)
    {
        if (++_nesting > MaxNesting)
        {
            throw Error($"the rule nests too deeply at column {token.Column}; split it or remove parentheses", token);
        }
    }

    private RuleSyntaxException ExpectedOperand()
    {
        var found = Current;
        Token? after = _next > 0 ? _tokens[_next - 1] : null;
        var wanted = after is { IsComparison: true } ? "a value" : "a condition";
        if (found.Kind == TokenKind.End && after is { } last)
        {
            return last.IsLogical
                ? Error($"unexpected \"{last.Text}\" at end of rule; a condition must follow it", last)
                : Error($"expected {wanted} after \"{last.Text}\" at column {last.Column}", last);
        }

        var afterText = after is { } previous ? $" after \"{previous.Text}\"" : "";
        return Error($"expected {wanted}{afterText} but found \"{found.Text}\" at column {found.Column}", found);
    }

    private RuleSyntaxException Unexpected(Token token)
    {
        if (token.Is(")"))
        {
            return Error($"unbalanced parentheses: \")\" at column {token.Column} has no matching \"(\"", token);
        }

        var hint = token.IsComparison
            ? "; join comparisons with \"and\" or \"or\""
            : RuleTokenizer.KeywordIgnoringCase(token.Text) is { } keyword && token.Kind == TokenKind.Name
                ? $"; keywords are written in lower case: \"{keyword}\""
                : "";
        return Error($"unexpected \"{token.Text}\" at column {token.Column}{hint}", token);
    }

    private RuleSyntaxException Error(string message, Token token) => new(message, _rule, token.Column);
}
