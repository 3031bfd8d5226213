namespace NextBestAction.Decisioning.Rules;

/// <summary>
/// A parsed and type-checked rule, ready for the hot path: <see cref="Evaluate"/> only calls the compiled delegates and
/// the attribute getters, without allocation, lookups by name or boxing.
/// </summary>
public sealed class CompiledRule<TScope>
{
    private readonly Func<TScope, bool> _evaluate;

    internal CompiledRule(string text, Func<TScope, bool> evaluate, IReadOnlyList<string> attributes)
    {
        Text = text;
        _evaluate = evaluate;
        Attributes = attributes;
    }

    /// <summary>The rule as written.</summary>
    public string Text { get; }

    /// <summary>The attribute names the rule reads, each once, in order of first appearance; for explanations.</summary>
    public IReadOnlyList<string> Attributes { get; }

    public bool Evaluate(TScope scope) => _evaluate(scope);

    public override string ToString() => Text;
}
