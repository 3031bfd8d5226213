using System.Globalization;

namespace NextBestAction.OperatorConsole.Customers;

/// <summary>How the customer viewer writes times, expiries, amounts and consent flags: invariant culture, UTC, words for what is unknown.</summary>
public static class CustomerFormat
{
    public const string NotStated = "not stated";
    public const string Never = "never";

    public static string Time(DateTimeOffset at) =>
        at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";

    public static string Time(DateTimeOffset? at) => at is { } t ? Time(t) : Never;

    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Amount(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);

    public static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    public static string Flag(bool? value) => value switch
    {
        true => "yes",
        false => "no",
        null => NotStated,
    };

    /// <summary>"expires in 25 min (2026-12-04 07:05:00 UTC)", or "expired 2026-12-04 07:05:00 UTC" once past.</summary>
    public static string Expiry(DateTimeOffset expiresAt, DateTimeOffset now) => expiresAt > now
        ? $"expires in {Duration(expiresAt - now)} ({Time(expiresAt)})"
        : $"expired {Time(expiresAt)}";

    /// <summary>A span in its two largest units, rounded down: "2 d 3 h", "1 h 5 min", "25 min", "40 s".</summary>
    public static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
        {
            span = TimeSpan.Zero;
        }

        return span switch
        {
            { TotalDays: >= 1 } => Two(span.Days, "d", span.Hours, "h"),
            { TotalHours: >= 1 } => Two(span.Hours, "h", span.Minutes, "min"),
            { TotalMinutes: >= 1 } => $"{span.Minutes} min",
            _ => $"{span.Seconds} s",
        };
    }

    private static string Two(int major, string majorUnit, int minor, string minorUnit) =>
        minor == 0 ? $"{major} {majorUnit}" : $"{major} {majorUnit} {minor} {minorUnit}";
}
