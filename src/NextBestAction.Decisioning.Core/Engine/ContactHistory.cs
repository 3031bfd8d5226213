using System.Globalization;

namespace NextBestAction.Decisioning.Engine;

/// <summary>
/// What the contact policy counts for one customer: impressions per action for today and the last 7 days,
/// marketing impressions overall, and the last decline per action. Built from the customer's contact hash
/// in Redis (see <c>Serving.ContactHistoryStore</c> in the web project).
/// </summary>
public sealed class ContactHistory
{
    public const int WeekDays = 7;

    private readonly Dictionary<string, (int Today, int Week)> perAction;
    private readonly Dictionary<string, DateTimeOffset> lastDeclined;

    public ContactHistory(Dictionary<string, (int Today, int Week)> perAction, int overallToday, int overallWeek, Dictionary<string, DateTimeOffset> lastDeclined)
    {
        this.perAction = perAction;
        this.lastDeclined = lastDeclined;
        OverallToday = overallToday;
        OverallWeek = overallWeek;
    }

    public static ContactHistory Empty { get; } = new([], 0, 0, []);

    /// <summary>Marketing impressions today (UTC day).</summary>
    public int OverallToday { get; }

    /// <summary>Marketing impressions in the last 7 days including today.</summary>
    public int OverallWeek { get; }

    public (int Today, int Week) Shown(string actionId) => perAction.GetValueOrDefault(actionId);

    public DateTimeOffset? LastDeclined(string actionId) => lastDeclined.TryGetValue(actionId, out var at) ? at : null;

    /// <summary>Days since the Unix epoch, the unit the counters are kept in (UTC days, fixed width for years to come).</summary>
    public static int DayNumber(DateTimeOffset time) => (int)(time.ToUnixTimeSeconds() / 86_400);

    /// <summary>The field that counts impressions of <paramref name="actionId"/> (or <see cref="OverallField"/>) on a day.</summary>
    public static string ImpressionField(int day, string actionId) => string.Create(CultureInfo.InvariantCulture, $"i:{day}:{actionId}");

    public static string DeclineField(string actionId) => "d:" + actionId;

    /// <summary>The pseudo action id under which marketing impressions are counted overall.</summary>
    public const string OverallField = "*";

    /// <summary>Reads the hash fields; unknown or malformed fields are skipped, old days ignored.</summary>
    public static ContactHistory FromFields(IEnumerable<KeyValuePair<string, long>> fields, DateTimeOffset now)
    {
        var reader = new FieldReader(now);
        foreach (var (field, value) in fields)
        {
            reader.Add(field, value);
        }

        return reader.ToHistory();
    }

    /// <summary>The counters, added up field by field; public so a store can feed its own entry type without a copy.</summary>
    public struct FieldReader(DateTimeOffset now)
    {
        private readonly int today = DayNumber(now);
        private readonly Dictionary<string, (int Today, int Week)> perAction = new(StringComparer.Ordinal);
        private readonly Dictionary<string, DateTimeOffset> declined = new(StringComparer.Ordinal);
        private int overallToday;
        private int overallWeek;

        public void Add(string field, long value)
        {
            if (field.StartsWith("d:", StringComparison.Ordinal))
            {
                declined[field[2..]] = DateTimeOffset.FromUnixTimeSeconds(value);
                return;
            }

            var separator = field.IndexOf(':', 2);
            if (!field.StartsWith("i:", StringComparison.Ordinal) || separator < 0
                || !int.TryParse(field.AsSpan(2, separator - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var day)
                || day > today || today - day >= WeekDays)
            {
                return;
            }

            var count = (int)Math.Min(value, int.MaxValue);
            var actionId = field[(separator + 1)..];
            if (actionId == OverallField)
            {
                overallWeek += count;
                overallToday += day == today ? count : 0;
                return;
            }

            var (t, w) = perAction.GetValueOrDefault(actionId);
            perAction[actionId] = (t + (day == today ? count : 0), w + count);
        }

        public readonly ContactHistory ToHistory() => new(perAction, overallToday, overallWeek, declined);
    }
}
