using System.Globalization;

namespace NextBestAction.OperatorConsole.Metrics;

/// <summary>How the overview writes its figures: invariant culture, and words where there is no number.</summary>
public static class FigureFormat
{
    public const string NotMeasuredHere = "not measured here";
    public const string NoDecisions = "no decisions";
    public const string NoSampleYet = "no sample yet";

    public static string Number(double? value, string format, string whenNull) =>
        value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : whenNull;

    public static string Percent(double? share, string whenNull) =>
        share is { } s ? (s * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %" : whenNull;

    public static string Time(DateTimeOffset at) => at.ToString("HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";
}
