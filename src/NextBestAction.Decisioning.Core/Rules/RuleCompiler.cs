using System.Collections.Frozen;

namespace NextBestAction.Decisioning.Rules;

/// <summary>
/// Compiles eligibility rules such as <c>cart.value &gt;= 100 and not action.bundleInCart</c> against a
/// <see cref="RuleSchema{TScope}"/>. All parsing and type checking happens here, once, at catalog load.
/// </summary>
public static class RuleCompiler
{
    /// <exception cref="RuleSyntaxException">The rule has a syntax error, names an unknown attribute, mixes types or is not a condition.</exception>
    public static CompiledRule<TScope> Compile<TScope>(string text, RuleSchema<TScope> schema)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(schema);

        var root = RuleParser.Parse(text);
        var compilation = new Compilation<TScope>(text, schema);
        var rule = compilation.Compile(root);
        if (rule.Type != RuleValueType.Boolean)
        {
            throw compilation.NotACondition(rule);
        }

        return new CompiledRule<TScope>(text, (Func<TScope, bool>)rule.Read, compilation.Attributes);
    }

    /// <summary>
    /// A type-checked part of a rule. <see cref="Read"/> is a <c>Func&lt;TScope, T&gt;</c> with T matching
    /// <see cref="Type"/>; <see cref="IsConstant"/> is true when the part reads no attribute.
    /// </summary>
    private readonly record struct Part(RuleNode Node, RuleValueType Type, Delegate Read, bool IsConstant);

    private sealed class Compilation<TScope>(string rule, RuleSchema<TScope> schema)
    {
        private readonly List<string> _attributes = [];

        public IReadOnlyList<string> Attributes => _attributes;

        public Part Compile(RuleNode node) => node switch
        {
            NumberNode n => new Part(n, RuleValueType.Number, Constant(n.Value), true),
            TextNode t => new Part(t, RuleValueType.Text, Constant<string?>(t.Value), true),
            BooleanNode b => new Part(b, RuleValueType.Boolean, Constant(b.Value), true),
            // The list becomes a frozen set once, here; evaluation only looks it up.
            ListNode l => new Part(l, RuleValueType.Set, Constant<IReadOnlySet<string>>(l.Values.ToFrozenSet(StringComparer.Ordinal)), true),
            AttributeNode a => Attribute(a),
            NotNode n => Not(n),
            LogicalNode l => Logical(l),
            ComparisonNode c => Comparison(c),
            _ => throw new InvalidOperationException($"unhandled rule node {node.GetType().Name}"),
        };

        public RuleSyntaxException NotACondition(Part part)
        {
            var example = part.Node is AttributeNode a
                ? part.Type switch
                {
                    RuleValueType.Number => $"; compare it, e.g. {a.Name} > 0",
                    RuleValueType.Text => $"; compare it, e.g. {a.Name} == 'some text'",
                    _ => $"; compare it, e.g. {a.Name} contains 'some text'",
                }
                : "";
            return new RuleSyntaxException(
                $"the rule must be a condition that is true or false, but {Is(part)}{example}", rule, part.Node.Start + 1);
        }

        private static Func<TScope, T> Constant<T>(T value) => _ => value;

        private Part Attribute(AttributeNode node)
        {
            var attribute = schema.Find(node.Name) ?? throw UnknownAttribute(node);
            if (!_attributes.Contains(node.Name))
            {
                _attributes.Add(node.Name);
            }

            return new Part(node, attribute.Type, attribute.Read, false);
        }

        private Part Not(NotNode node)
        {
            var operand = Compile(node.Operand);
            var test = Condition(operand, node.Operator, "a condition after it");
            return new Part(node, RuleValueType.Boolean, (Func<TScope, bool>)(s => !test(s)), operand.IsConstant);
        }

        private Part Logical(LogicalNode node)
        {
            var left = Compile(node.Left);
            var right = Compile(node.Right);
            var l = Condition(left, node.Operator, "a condition on both sides");
            var r = Condition(right, node.Operator, "a condition on both sides");
            // && and || short-circuit, so the right side is not read when the left decides.
            Func<TScope, bool> test = node.Operator.Text == "and" ? s => l(s) && r(s) : s => l(s) || r(s);
            return new Part(node, RuleValueType.Boolean, test, left.IsConstant && right.IsConstant);
        }

        private Part Comparison(ComparisonNode node)
        {
            var left = Compile(node.Left);
            var right = Compile(node.Right);
            var op = node.Operator;
            var test = op.Text switch
            {
                "==" or "!=" => Equality(op, left, right),
                "contains" => Contains(op, left, right),
                "in" => In(op, left, right),
                _ => Ordering(op, left, right),
            };

            // Such a comparison is always true or always false, which is almost certainly a mistake.
            if (left.IsConstant && right.IsConstant)
            {
                throw Error(
                    $"\"{op.Text}\" at column {op.Column} compares two fixed values, {Show(left)} and {Show(right)}; one side must be an attribute",
                    op.Column);
            }

            return new Part(node, RuleValueType.Boolean, test, false);
        }

        private Func<TScope, bool> Equality(Token op, Part left, Part right)
        {
            if (left.Type != right.Type || left.Type == RuleValueType.Set)
            {
                throw Mismatch(op, left, right);
            }

            Func<TScope, bool> equal = left.Type switch
            {
                RuleValueType.Number => NumbersEqual((Func<TScope, double>)left.Read, (Func<TScope, double>)right.Read),
                RuleValueType.Text => TextsEqual((Func<TScope, string?>)left.Read, (Func<TScope, string?>)right.Read),
                _ => BooleansEqual((Func<TScope, bool>)left.Read, (Func<TScope, bool>)right.Read),
            };
            return op.Text == "==" ? equal : s => !equal(s);
        }

        private static Func<TScope, bool> NumbersEqual(Func<TScope, double> l, Func<TScope, double> r) => s => l(s) == r(s);

        // A null (unknown) text equals nothing, not even another null.
        private static Func<TScope, bool> TextsEqual(Func<TScope, string?> l, Func<TScope, string?> r) =>
            s => l(s) is { } a && r(s) is { } b && string.Equals(a, b, StringComparison.Ordinal);

        private static Func<TScope, bool> BooleansEqual(Func<TScope, bool> l, Func<TScope, bool> r) => s => l(s) == r(s);

        private Func<TScope, bool> Ordering(Token op, Part left, Part right)
        {
            if (left.Type != RuleValueType.Number || right.Type != RuleValueType.Number)
            {
                var wrong = left.Type != RuleValueType.Number ? left : right;
                throw Error($"\"{op.Text}\" at column {op.Column} compares numbers only, but {Is(wrong)}", op.Column);
            }

            var l = (Func<TScope, double>)left.Read;
            var r = (Func<TScope, double>)right.Read;
            return op.Text switch
            {
                "<" => s => l(s) < r(s),
                "<=" => s => l(s) <= r(s),
                ">" => s => l(s) > r(s),
                _ => s => l(s) >= r(s),
            };
        }

        private Func<TScope, bool> Contains(Token op, Part left, Part right)
        {
            if (left.Type != RuleValueType.Set)
            {
                var hint = left.Type == RuleValueType.Text && right.Type == RuleValueType.Set ? "; did you mean \"in\"?" : "";
                throw Error($"\"contains\" at column {op.Column} needs a set of texts on its left, but {Is(left)}{hint}", op.Column);
            }

            if (right.Type != RuleValueType.Text)
            {
                throw Error($"\"contains\" at column {op.Column} needs a text on its right, but {Is(right)}", op.Column);
            }

            return Membership((Func<TScope, string?>)right.Read, (Func<TScope, IReadOnlySet<string>>)left.Read);
        }

        private Func<TScope, bool> In(Token op, Part left, Part right)
        {
            if (left.Type != RuleValueType.Text)
            {
                var hint = left.Type == RuleValueType.Set && right.Type == RuleValueType.Text ? "; did you mean \"contains\"?" : "";
                throw Error($"\"in\" at column {op.Column} needs a text on its left, but {Is(left)}{hint}", op.Column);
            }

            if (right.Type != RuleValueType.Set)
            {
                throw Error(
                    $"\"in\" at column {op.Column} needs a set of texts or a list like ['a', 'b'] on its right, but {Is(right)}",
                    op.Column);
            }

            return Membership((Func<TScope, string?>)left.Read, (Func<TScope, IReadOnlySet<string>>)right.Read);
        }

        // A null (unknown) text is in no set.
        private static Func<TScope, bool> Membership(Func<TScope, string?> item, Func<TScope, IReadOnlySet<string>> set) =>
            s => item(s) is { } text && set(s).Contains(text);

        private Func<TScope, bool> Condition(Part part, Token op, string needs) =>
            part.Type == RuleValueType.Boolean
                ? (Func<TScope, bool>)part.Read
                : throw Error($"\"{op.Text}\" at column {op.Column} needs {needs}, but {Is(part)}", op.Column);

        private RuleSyntaxException Mismatch(Token op, Part left, Part right)
        {
            // Name the attribute first: "cart.value" is a number and cannot be compared with the text 'x'.
            var (subject, other) = left.Node is AttributeNode || right.Node is not AttributeNode ? (left, right) : (right, left);
            var hint = (left.Type, right.Type) switch
            {
                (RuleValueType.Set, RuleValueType.Text) => "; did you mean \"contains\"?",
                (RuleValueType.Text, RuleValueType.Set) => "; did you mean \"in\"?",
                (RuleValueType.Set, _) or (_, RuleValueType.Set) => "; sets can only be used with \"contains\" and \"in\"",
                _ => "",
            };
            return Error(
                $"{Is(subject)} and cannot be compared with {Phrase(other)} (\"{op.Text}\" at column {op.Column}){hint}", op.Column);
        }

        private RuleSyntaxException UnknownAttribute(AttributeNode node)
        {
            var column = node.Start + 1;
            var hint = RuleTokenizer.KeywordIgnoringCase(node.Name) is { } keyword
                ? $"; keywords are written in lower case: \"{keyword}\""
                : ClosestName(node.Name) is { } closest
                    ? $"; did you mean \"{closest}\"?"
                    : $"; known attributes: {string.Join(", ", schema.Attributes.Select(a => a.Name))}";
            return Error($"unknown attribute \"{node.Name}\" at column {column}{hint}", column);
        }

        private string? ClosestName(string name)
        {
            var closest = schema.Attributes
                .Select(a => (a.Name, Distance: EditDistance(name, a.Name)))
                .OrderBy(c => c.Distance)
                .FirstOrDefault();
            if (closest.Name is not null && closest.Distance <= Math.Clamp(name.Length / 3, 1, 3))
            {
                return closest.Name;
            }

            // "productLines" for "cart.productLines": the author left out the prefix.
            return schema.Attributes.FirstOrDefault(a => a.Name.EndsWith("." + name, StringComparison.OrdinalIgnoreCase))?.Name;
        }

        private string Source(RuleNode node) => rule[node.Start..node.End];

        /// <summary>How a message names a part: attributes and groups in double quotes, literals as written.</summary>
        private string Show(Part part) => part.Node switch
        {
            AttributeNode a => $"\"{a.Name}\"",
            NumberNode or TextNode or BooleanNode or ListNode => Source(part.Node),
            _ => $"\"{Source(part.Node)}\"",
        };

        private string Is(Part part) => $"{Show(part)} is a {Noun(part.Type)}";

        private string Phrase(Part part) => part.Node switch
        {
            NumberNode => $"the number {Source(part.Node)}",
            TextNode => $"the text {Source(part.Node)}",
            BooleanNode => $"the value {Source(part.Node)}",
            ListNode => $"the list {Source(part.Node)}",
            _ => $"{Show(part)}, which is a {Noun(part.Type)}",
        };

        private RuleSyntaxException Error(string message, int column) => new(message, rule, column);
    }

    private static string Noun(RuleValueType type) => type switch
    {
        RuleValueType.Boolean => "true/false value",
        RuleValueType.Number => "number",
        RuleValueType.Text => "text",
        _ => "set of texts",
    };

    /// <summary>
    /// Optimal string alignment distance, ignoring case: inserting, deleting or replacing a letter or swapping two
    /// neighbours costs 1 each, so the typo "vaule" is one edit away from "value".
    /// </summary>
    private static int EditDistance(string a, string b)
    {
        var beforePrevious = new int[b.Length + 1];
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var replace = previous[j - 1] + (Same(a[i - 1], b[j - 1]) ? 0 : 1);
                current[j] = Math.Min(replace, Math.Min(previous[j], current[j - 1]) + 1);
                if (i > 1 && j > 1 && Same(a[i - 1], b[j - 2]) && Same(a[i - 2], b[j - 1]))
                {
                    current[j] = Math.Min(current[j], beforePrevious[j - 2] + 1);
                }
            }

            (beforePrevious, previous, current) = (previous, current, beforePrevious);
        }

        return previous[b.Length];
    }

    private static bool Same(char x, char y) => char.ToLowerInvariant(x) == char.ToLowerInvariant(y);
}
