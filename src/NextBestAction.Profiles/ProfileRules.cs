using System.Collections.Frozen;
using System.ComponentModel.DataAnnotations;

namespace NextBestAction.Profiles;

/// <summary>
/// Settings under <c>Profiles</c>: how events shape a profile. Adding one: a property here with its default
/// and range, and a line in docs/configuration.md.
/// </summary>
public sealed class ProfileRules
{
    public const string Section = "Profiles";

    public static ProfileRules Default { get; } = new();

    /// <summary>Half-life of long-term interest in a category or product line, in event time.</summary>
    [Range(1, 3650, ErrorMessage = "Profiles:InterestHalfLifeDays must be between 1 and 3650.")]
    public double InterestHalfLifeDays { get; set; } = 30;

    /// <summary>Half-life of the seasonal bucket (gifts, out-of-pattern seasonal buys).</summary>
    [Range(0.1, 365, ErrorMessage = "Profiles:SeasonalHalfLifeDays must be between 0.1 and 365.")]
    public double SeasonalHalfLifeDays { get; set; } = 7;

    /// <summary>Months (1-12) in which a purchase far outside the customer's pattern counts as seasonal.</summary>
    public List<int> SeasonalMonths { get; set; } = [11, 12];

    /// <summary>A category below this share of the customer's long-term interest is "outside the pattern".</summary>
    [Range(0.0, 1.0, ErrorMessage = "Profiles:OutOfPatternShare must be between 0 and 1.")]
    public double OutOfPatternShare { get; set; } = 0.05;

    /// <summary>Long-term interest needed before a purchase can be judged against the pattern at all.</summary>
    [Range(0.0, 10_000, ErrorMessage = "Profiles:PatternMinimumInterest must be between 0 and 10000.")]
    public double PatternMinimumInterest { get; set; } = 10;

    /// <summary>Life-stage categories and how many days after their first event they stop counting.</summary>
    public Dictionary<string, int> LifeStageHorizonDays { get; set; } = new(StringComparer.Ordinal)
    {
        ["baby"] = 270,
        ["pregnancy"] = 270,
    };

    /// <summary>
    /// Categories whose inference is special-category data (GDPR Art. 9: a pregnancy is health data), comma-separated:
    /// built only with the customer's explicit consent (<c>specialCategories</c>), and removed once their life-stage
    /// horizon has passed.
    /// </summary>
    public string SpecialCategories { get; set; } = "pregnancy";

    private ParsedCategories? specialCategories;

    /// <summary>Whether <paramref name="category"/> is one of <see cref="SpecialCategories"/> (parsed once per value: ingestion asks per event).</summary>
    public bool IsSpecialCategory(string category)
    {
        var parsed = specialCategories;
        if (parsed is null || !ReferenceEquals(parsed.Source, SpecialCategories))
        {
            parsed = new ParsedCategories(SpecialCategories,
                SpecialCategories.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToFrozenSet(StringComparer.Ordinal));
            specialCategories = parsed;
        }

        return parsed.Set.Contains(category);
    }

    private sealed record ParsedCategories(string Source, FrozenSet<string> Set);

    /// <summary>How far back a late delivery counts as a broken promise.</summary>
    [Range(1, 3650, ErrorMessage = "Profiles:BrokenPromiseWindowDays must be between 1 and 3650.")]
    public int BrokenPromiseWindowDays { get; set; } = 90;

    /// <summary>How long a reported location stays visible.</summary>
    [Range(1, 10_080, ErrorMessage = "Profiles:LocationTtlMinutes must be between 1 and 10080.")]
    public int LocationTtlMinutes { get; set; } = 60;

    /// <summary>How long a browsing session stays visible after its last activity.</summary>
    [Range(1, 1_440, ErrorMessage = "Profiles:SessionTtlMinutes must be between 1 and 1440.")]
    public int SessionTtlMinutes { get; set; } = 30;

    /// <summary>A customer who responded within this many days counts as engaged.</summary>
    [Range(1, 365, ErrorMessage = "Profiles:EngagedWindowDays must be between 1 and 365.")]
    public int EngagedWindowDays { get; set; } = 30;

    /// <summary>How long, in the customer's event time, a re-produced event (same CloudEvents source+id) is still recognised.</summary>
    [Range(1, 720, ErrorMessage = "Profiles:DuplicateWindowHours must be between 1 and 720.")]
    public double DuplicateWindowHours { get; set; } = 24;

    /// <summary>Most events the duplicate window keeps per customer; past it the oldest are forgotten first.</summary>
    [Range(32, 10_000, ErrorMessage = "Profiles:DuplicateWindowMaxEvents must be between 32 and 10000.")]
    public int DuplicateWindowMaxEvents { get; set; } = 500;

    /// <summary>
    /// Storage limitation (GDPR Art. 5(1)(e)): a profile without a write for this long expires from Redis with its
    /// version; every write starts the period again.
    /// </summary>
    [Range(1, 3650, ErrorMessage = "Profiles:InactiveRetentionDays must be between 1 and 3650.")]
    public int InactiveRetentionDays { get; set; } = 730;

    /// <summary>Largest stored profile (both encoded parts together); a bigger one is trimmed by its bounded lists, least useful first.</summary>
    [Range(MinProfileBytes, 16 * 1024 * 1024, ErrorMessage = "Profiles:MaxProfileBytes must be between 65536 and 16777216.")]
    public int MaxProfileBytes { get; set; } = 256 * 1024;

    public const int MinProfileBytes = 64 * 1024;

    /// <summary>
    /// Room a profile needs that trimming never takes: the duplicate window at its cap (about 45 bytes an entry), the
    /// consent history at its cap (proof of consent; at most about 470 bytes a statement with every string at its
    /// limit) and the scalar fields, consent, preferences and applied offsets (well under 16 KiB).
    /// </summary>
    public int UntrimmableBytes => (DuplicateWindowMaxEvents * 48) + (ProfileLimits.ConsentHistory * 480) + (16 * 1024);

    public TimeSpan DuplicateWindow => TimeSpan.FromHours(DuplicateWindowHours);

    public TimeSpan InterestHalfLife => TimeSpan.FromDays(InterestHalfLifeDays);

    public TimeSpan SeasonalHalfLife => TimeSpan.FromDays(SeasonalHalfLifeDays);

    public TimeSpan EngagedWindow => TimeSpan.FromDays(EngagedWindowDays);
}
