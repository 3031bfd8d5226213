using System.Collections.Frozen;
using System.Globalization;

namespace NextBestAction.Decisioning.Rules;

internal enum TokenKind
{
    Number,
    Text,
    Name,
    Keyword,
    Symbol,
    End,
}

/// <summary>
/// One token: <see cref="Text"/> as written (texts keep their quotes), <see cref="Value"/> the content of a text and
/// <see cref="Number"/> the value of a number. <see cref="Position"/> is 0-based.
/// </summary>
internal readonly record struct Token(TokenKind Kind, string Text, int Position, string Value = "", double Number = 0)
{
    public int Column => Position + 1;

    public int End => Position + Text.Length;

    public bool IsComparison =>
        (Kind == TokenKind.Symbol && Text is "==" or "!=" or "<" or "<=" or ">" or ">=")
        || (Kind == TokenKind.Keyword && Text is "contains" or "in");

    public bool IsLogical => Kind == TokenKind.Keyword && Text is "and" or "or" or "not";

    public bool Is(string text) => Kind is TokenKind.Keyword or TokenKind.Symbol && Text == text;
}

/// <summary>Splits a rule into tokens; the list always ends with an <see cref="TokenKind.End"/> token.</summary>
internal static class RuleTokenizer
{
    private static readonly FrozenSet<string> Keywords =
        new[] { "and", "or", "not", "contains", "in", "true", "false" }.ToFrozenSet(StringComparer.Ordinal);

    // Longer symbols first so "<=" is not read as "<" followed by "=".
    private static readonly string[] Symbols = ["==", "!=", "<=", ">=", "<", ">", "(", ")", "[", "]", ","];

    public static bool IsKeyword(string word) => Keywords.Contains(word);

    /// <summary>The keyword <paramref name="word"/> spells in the wrong case ("AND" gives "and"), else null.</summary>
    public static string? KeywordIgnoringCase(string word) =>
        Keywords.FirstOrDefault(k => string.Equals(k, word, StringComparison.OrdinalIgnoreCase));

    public static List<Token> Tokenize(string rule)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < rule.Length)
        {
            var c = rule[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            var token = c switch
            {
                '\'' or '"' => ReadText(rule, i),
                _ when char.IsAsciiDigit(c) || (c == '-' && i + 1 < rule.Length && char.IsAsciiDigit(rule[i + 1])) => ReadNumber(rule, i),
                _ when char.IsAsciiLetter(c) => ReadWord(rule, i),
                _ => ReadSymbol(rule, i),
            };
            tokens.Add(token);
            i = token.End;
        }

        tokens.Add(new Token(TokenKind.End, "", rule.Length));
        return tokens;
    }

    private static Token ReadText(string rule, int start)
    {
        var quote = rule[start];
        var close = rule.IndexOf(quote, start + 1);
        if (close < 0)
        {
            throw new RuleSyntaxException(
                $"unterminated text {rule[start..]} at column {start + 1}; end it with {quote}", rule, start + 1);
        }

        return new Token(TokenKind.Text, rule[start..(close + 1)], start, Value: rule[(start + 1)..close]);
    }

    private static Token ReadNumber(string rule, int start)
    {
        // Read everything that could belong to the number so "100abc" or "1.2.3" is refused as a whole.
        var end = start + 1;
        while (end < rule.Length && (char.IsAsciiLetterOrDigit(rule[end]) || rule[end] is '.' or '_'))
        {
            end++;
        }

        var text = rule[start..end];
        if (!double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            throw new RuleSyntaxException(
                $"\"{text}\" at column {start + 1} is not a number; write numbers like 100, 0.5 or -3", rule, start + 1);
        }

        return new Token(TokenKind.Number, text, start, Number: number);
    }

    private static Token ReadWord(string rule, int start)
    {
        // Dots are part of the word: attribute names are dotted, e.g. cart.productLines.
        var end = start + 1;
        while (end < rule.Length && (char.IsAsciiLetterOrDigit(rule[end]) || rule[end] is '.' or '_'))
        {
            end++;
        }

        var word = rule[start..end];
        return new Token(IsKeyword(word) ? TokenKind.Keyword : TokenKind.Name, word, start);
    }

    private static Token ReadSymbol(string rule, int start)
    {
        foreach (var symbol in Symbols)
        {
            if (string.CompareOrdinal(rule, start, symbol, 0, symbol.Length) == 0)
            {
                return new Token(TokenKind.Symbol, symbol, start);
            }
        }

        var c = rule[start];
        var hint = c switch
        {
            '=' => "; use \"==\" to compare",
            '!' => "; use \"!=\" or \"not\"",
            '&' => "; use \"and\"",
            '|' => "; use \"or\"",
            _ => "",
        };
        throw new RuleSyntaxException($"unexpected \"{c}\" at column {start + 1}{hint}", rule, start + 1);
    }
}
