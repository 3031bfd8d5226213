using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NextBestAction.Contracts;
using NextBestAction.Profiles;

namespace NextBestAction.IntegrationTests.Reliability;

/// <summary>
/// What the profiles must be after ingestion: the produced log replayed in memory, partition by partition in
/// offset order, through the same <see cref="ProfileUpdater"/> the service uses, with every event (CloudEvents
/// source + id) applied exactly once and records the service would refuse left out.
/// </summary>
internal sealed class ProfileOracle
{
    private readonly Dictionary<string, CustomerProfile> profiles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string PartitionKey, long Offset)> lastValid = new(StringComparer.Ordinal);

    private ProfileOracle()
    {
    }

    public IReadOnlyDictionary<string, CustomerProfile> Profiles => profiles;

    /// <summary>Records the service must accept (valid, key equal to the subject), duplicates included.</summary>
    public int ValidRecords { get; private set; }

    /// <summary>Distinct events among <see cref="ValidRecords"/>.</summary>
    public int DistinctEvents { get; private set; }

    /// <summary>Records the service must dead-letter.</summary>
    public int RejectedRecords { get; private set; }

    public static ProfileOracle Replay(IEnumerable<ProducedRecord> records, DateTimeOffset now)
    {
        var oracle = new ProfileOracle();
        var updater = new ProfileUpdater(ProfileRules.Default);
        var applied = new HashSet<string>(StringComparer.Ordinal);
        foreach (var record in records.OrderBy(r => r.Topic, StringComparer.Ordinal).ThenBy(r => r.Partition).ThenBy(r => r.Offset))
        {
            var read = EventReader.Read(record.Value, now, EventLimits.Default);
            if (read.Outcome == ReadOutcome.UnknownType)
            {
                continue;
            }

            if (read.Outcome == ReadOutcome.Invalid || read.Event!.Subject != record.Key)
            {
                oracle.RejectedRecords++;
                continue;
            }

            var e = read.Event;
            oracle.ValidRecords++;
            // Even a duplicate moves the stored applied offset of its partition forward.
            oracle.lastValid[e.Subject] = (record.PartitionKey, record.Offset);
            if (!applied.Add($"{e.Subject}\n{e.DedupKey}"))
            {
                continue;
            }

            oracle.DistinctEvents++;
            if (!oracle.profiles.TryGetValue(e.Subject, out var profile))
            {
                oracle.profiles[e.Subject] = profile = new CustomerProfile { CustomerId = e.Subject };
            }

            updater.Apply(profile, e, record.PartitionKey, record.Offset);
        }

        return oracle;
    }

    /// <summary>Customers whose last valid record is not yet reflected in their stored applied offsets.</summary>
    public async Task<int> CountPendingAsync(RedisProfileStore store)
    {
        var customers = lastValid.Keys.ToList();
        var loaded = await store.LoadAsync(customers, DateTimeOffset.UtcNow);
        var pending = 0;
        for (var i = 0; i < customers.Count; i++)
        {
            var (partitionKey, offset) = lastValid[customers[i]];
            if (!loaded[i].Profile.AppliedOffsets.TryGetValue(partitionKey, out var stored) || stored < offset)
            {
                pending++;
            }
        }

        return pending;
    }

    /// <summary>
    /// Every customer whose stored profile (or its absence) differs from the oracle's; the first
    /// <paramref name="describe"/> of them with both canonical forms around the first difference.
    /// </summary>
    public async Task<List<string>> FindMismatchesAsync(RedisProfileStore store, bool includeBookkeeping, int describe = 3)
    {
        var now = DateTimeOffset.UtcNow;
        var customers = profiles.Keys.ToList();
        var stored = await Task.WhenAll(customers.Select(c => store.GetAsync(c, now)));
        var mismatches = new List<string>();
        for (var i = 0; i < customers.Count; i++)
        {
            var expected = ProfileJson.Canonical(profiles[customers[i]], includeBookkeeping, now);
            var actual = stored[i] is { } profile ? ProfileJson.Canonical(profile, includeBookkeeping, now) : "(no profile stored)";
            if (expected != actual)
            {
                mismatches.Add(mismatches.Count < describe ? Describe(customers[i], expected, actual) : customers[i]);
            }
        }

        return mismatches;
    }

    /// <summary>Both canonical forms from a little before the first character where they differ.</summary>
    private static string Describe(string customer, string expected, string actual)
    {
        var at = 0;
        while (at < expected.Length && at < actual.Length && expected[at] == actual[at])
        {
            at++;
        }

        var from = Math.Max(0, at - 120);
        string Excerpt(string text) => text[from..Math.Min(text.Length, at + 240)];
        return $"{customer}, from character {from}:\n  expected {Excerpt(expected)}\n  actual   {Excerpt(actual)}";
    }
}

/// <summary>
/// A profile as comparable text: serialized with the service's own <see cref="ProfilesJsonContext"/>, together
/// with its temporary data as a reader would see it, object properties sorted (dictionary order is not content),
/// non-integral numbers rounded to 9 significant digits (floating-point noise is not a difference), and optionally
/// without the ingestion bookkeeping.
/// </summary>
internal static class ProfileJson
{
    private static readonly string[] Bookkeeping =
    [
        JsonNamingPolicy.CamelCase.ConvertName(nameof(CustomerProfile.AppliedOffsets)),
        JsonNamingPolicy.CamelCase.ConvertName(nameof(CustomerProfile.RecentEvents)),
        JsonNamingPolicy.CamelCase.ConvertName(nameof(CustomerProfile.ForgottenEventsUpTo)),
        JsonNamingPolicy.CamelCase.ConvertName(nameof(CustomerProfile.RecentEventHashes)),
    ];

    public static string Canonical(CustomerProfile profile, bool includeBookkeeping, DateTimeOffset now)
    {
        var node = JsonSerializer.SerializeToNode(profile, ProfilesJsonContext.Default.CustomerProfile)!.AsObject();
        // Stored apart from the profile document, but part of what the profile says.
        node["(temporary)"] = JsonSerializer.SerializeToNode(profile.Temporary.VisibleAt(now), ProfilesJsonContext.Default.TemporaryData);
        if (!includeBookkeeping)
        {
            foreach (var name in Bookkeeping)
            {
                node.Remove(name);
            }
        }

        var text = new StringBuilder();
        Write(node, text);
        return text.ToString();
    }

    private static void Write(JsonNode? node, StringBuilder text)
    {
        switch (node)
        {
            case JsonObject o:
                text.Append('{');
                foreach (var (name, value) in o.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    text.Append(JsonSerializer.Serialize(name)).Append(':');
                    Write(value, text);
                    text.Append(',');
                }

                text.Append('}');
                break;
            case JsonArray a:
                text.Append('[');
                foreach (var item in a)
                {
                    Write(item, text);
                    text.Append(',');
                }

                text.Append(']');
                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.Number:
                var raw = v.ToJsonString();
                text.Append(long.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var whole)
                    ? whole.ToString(CultureInfo.InvariantCulture)
                    : double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture).ToString("G9", CultureInfo.InvariantCulture));
                break;
            default:
                text.Append(node?.ToJsonString() ?? "null");
                break;
        }
    }
}
