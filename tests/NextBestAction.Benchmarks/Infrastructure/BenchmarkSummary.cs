using System.Text;
using System.Text.Json;
using NextBestAction.Testing;

namespace NextBestAction.Benchmarks.Infrastructure;

/// <summary>
/// The machine-readable summary of one run: <c>{"bench":name, figure:number, ...}</c> with snake_case keys that end
/// in their unit (<c>_ms</c>, <c>_per_s</c>, <c>_bytes</c>) or are plain ratios and counts. It is printed as the
/// last line of the output and appended to <c>results/&lt;name&gt;.jsonl</c> under the repository root.
/// </summary>
internal sealed class BenchmarkSummary(string bench)
{
    private readonly List<(string Key, double Value)> figures = [];

    public BenchmarkSummary Add(string key, double value, int decimals = 3)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, $"{key} must be a finite number for the JSON summary.");
        }

        figures.Add((key, Math.Round(value, decimals)));
        return this;
    }

    public string ToJsonLine()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("bench", bench);
            foreach (var (key, value) in figures)
            {
                writer.WriteNumber(key, value);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Appends the line to the results file, then prints it as the very last line.</summary>
    public async Task PublishAsync(TextWriter output)
    {
        var line = ToJsonLine();
        var directory = Path.Combine(RepositoryPaths.FindRoot() ?? Directory.GetCurrentDirectory(), "results");
        Directory.CreateDirectory(directory);
        var file = Path.Combine(directory, $"{bench}.jsonl");
        await File.AppendAllTextAsync(file, line + "\n");
        await output.WriteLineAsync($"summary appended to {file}");
        await output.WriteLineAsync(line);
        await output.FlushAsync();
    }
}
