using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace NextBestAction.OperatorConsole.Models;

/// <summary>One change of the live model made through the console.</summary>
/// <param name="Action"><see cref="PromotionHistory.Promoted"/> or <see cref="PromotionHistory.RolledBack"/>.</param>
/// <param name="Version">The version made live.</param>
/// <param name="Previous">The version <c>current</c> named before; null when there was none (the prior served).</param>
/// <param name="Who">The console user (the API key's name).</param>
public sealed record PromotionEntry(DateTimeOffset At, string Action, string Version, string? Previous, string Who);

/// <summary>
/// The promotion history, a file in the registry directory beside <c>current</c>: one JSON line per promotion or roll
/// back, oldest first. It lives with the versions it names, so every instance and a restored copy of the registry see it.
/// </summary>
public static class PromotionHistory
{
    public const string FileName = "promotions.jsonl";
    public const string Promoted = "promote";
    public const string RolledBack = "roll-back";

    /// <summary>The entries, oldest first; none when the file does not exist. A line that cannot be read is skipped.</summary>
    public static IReadOnlyList<PromotionEntry> Read(string registryDirectory)
    {
        var path = Path.Combine(registryDirectory, FileName);
        if (!File.Exists(path))
        {
            return [];
        }

        var entries = new List<PromotionEntry>();
        foreach (var line in File.ReadLines(path).Where(l => l.Length > 0))
        {
            try
            {
                if (JsonSerializer.Deserialize(line, PromotionJsonContext.Default.PromotionEntry) is { } entry)
                {
                    entries.Add(entry);
                }
            }
            catch (JsonException)
            {
                // A line cut short by a crash mid-write: the other entries still tell the story.
            }
        }

        return entries;
    }

    public static void Append(string registryDirectory, PromotionEntry entry) =>
        File.AppendAllText(Path.Combine(registryDirectory, FileName),
            JsonSerializer.Serialize(entry, PromotionJsonContext.Default.PromotionEntry) + "\n", Encoding.UTF8);

    /// <summary>
    /// The version a roll back makes live: the one live before the latest promotion not yet rolled back, so rolling back
    /// twice undoes two promotions. Null when there is none to go back to (nothing promoted, or the promotion replaced the
    /// prior, which no pointer can name).
    /// </summary>
    public static string? RollbackTarget(IEnumerable<PromotionEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var undo = new Stack<string?>();
        foreach (var entry in entries)
        {
            if (entry.Action == Promoted)
            {
                undo.Push(entry.Previous);
            }
            else if (entry.Action == RolledBack && undo.Count > 0)
            {
                undo.Pop();
            }
        }

        return undo.Count > 0 ? undo.Peek() : null;
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(PromotionEntry))]
internal sealed partial class PromotionJsonContext : JsonSerializerContext;
