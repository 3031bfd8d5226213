using System.ComponentModel.DataAnnotations;

namespace NextBestAction.Profiles;

/// <summary>
/// Settings under <c>Profiles</c>: how events shape a profile. Adding one: a property here with its default
/// and range, and a line in the README's configuration reference.
/// </summary>
public sealed class ProfileRules
{
    public const string Section = "Profiles";

    public static ProfileRules Default { get; } = new();

    /// <summary>Half-life of long-term interest in a category or product line, in event time.</summary>
    [Range(1, 3650, ErrorMessage = "Profiles:InterestHalfLifeDays must be between 1 and 3650.")]
    public double InterestHalfLifeDays { get; set; } = 30;

    /// <summary>How far back a late delivery counts as a broken promise.</summary>
    [Range(1, 3650, ErrorMessage = "Profiles:BrokenPromiseWindowDays must be between 1 and 3650.")]
    public int BrokenPromiseWindowDays { get; set; } = 90;
}
