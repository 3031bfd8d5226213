namespace NextBestAction.Contracts;

/// <summary>
/// Rules for customer and product ids. They become part of Redis keys inside a hash tag, so braces and
/// whitespace are refused, and their length is bounded.
/// </summary>
public static class Identifiers
{
    public const int MaxLength = 128;

    public static bool IsValid(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > MaxLength)
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':' or '@'))
            {
                return false;
            }
        }

        return true;
    }

    public const string Rule = "1 to 128 characters: letters, digits, '-', '_', '.', ':' or '@'";
}
