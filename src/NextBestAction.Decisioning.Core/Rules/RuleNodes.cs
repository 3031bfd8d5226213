namespace NextBestAction.Decisioning.Rules;

/// <summary>A parsed, not yet type-checked part of a rule; [Start, End) is its 0-based span in the rule text.</summary>
internal abstract record RuleNode(int Start, int End);

internal sealed record NumberNode(double Value, int Start, int End) : RuleNode(Start, End);

internal sealed record TextNode(string Value, int Start, int End) : RuleNode(Start, End);

internal sealed record BooleanNode(bool Value, int Start, int End) : RuleNode(Start, End);

internal sealed record ListNode(IReadOnlyList<string> Values, int Start, int End) : RuleNode(Start, End);

internal sealed record AttributeNode(string Name, int Start, int End) : RuleNode(Start, End);

internal sealed record NotNode(Token Operator, RuleNode Operand, int Start, int End) : RuleNode(Start, End);

/// <summary><c>and</c> or <c>or</c>.</summary>
internal sealed record LogicalNode(Token Operator, RuleNode Left, RuleNode Right, int Start, int End) : RuleNode(Start, End);

internal sealed record ComparisonNode(Token Operator, RuleNode Left, RuleNode Right, int Start, int End) : RuleNode(Start, End);
