namespace NextBestAction.Decisioning.Rules;

/// <summary>
/// A rule cannot be compiled: bad syntax, an unknown attribute or mismatched types. The message is written for the rule
/// author and quotes the offending part; <see cref="Column"/> points at it.
/// </summary>
public sealed class RuleSyntaxException(string message, string rule, int column) : Exception(message)
{
    /// <summary>The rule text as given.</summary>
    public string Rule { get; } = rule;

    /// <summary>1-based position in <see cref="Rule"/> of the offending part (one past the end for a missing part).</summary>
    public int Column { get; } = column;
}
