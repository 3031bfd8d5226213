using System.Diagnostics;
using System.Globalization;

namespace NextBestAction.Training;

/// <summary>
/// Progress of one long step on the console: at most one line a second (and a last one when done), with a percentage
/// when the total is known.
/// </summary>
internal sealed class Progress(TextWriter output, string step, string unit, long? total = null)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly long started = Stopwatch.GetTimestamp();
    private long lastPrinted = Stopwatch.GetTimestamp();

    /// <summary>Set when the total becomes known after the step began (e.g. Kafka end offsets).</summary>
    public long? Total { get; set; } = total;

    /// <param name="done">Units handled so far.</param>
    /// <param name="position">Where in the total the step is, when that is not <paramref name="done"/> (e.g. bytes of a file).</param>
    public void Report(long done, long? position = null)
    {
        var now = Stopwatch.GetTimestamp();
        if (Stopwatch.GetElapsedTime(lastPrinted, now) < Interval)
        {
            return;
        }

        lastPrinted = now;
        output.WriteLine(Describe(done, position ?? done));
    }

    public void Done(long done, string? detail = null)
    {
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{step}: {done} {unit} in {seconds:0.0} s{(detail is null ? "" : $"; {detail}")}"));
    }

    private string Describe(long done, long position) => Total is > 0
        ? string.Create(CultureInfo.InvariantCulture, $"{step}: {100.0 * Math.Min(position, Total.Value) / Total.Value:0}% ({done} {unit})")
        : string.Create(CultureInfo.InvariantCulture, $"{step}: {done} {unit}");
}
