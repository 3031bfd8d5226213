using System.Globalization;
using System.Text.Json.Nodes;
using NextBestAction.Decisioning.Serving;
using NextBestAction.Profiles;
using StackExchange.Redis;

namespace NextBestAction.Decisioning.Privacy;

/// <summary>Impressions of one action (or <c>*</c>: all marketing actions) on one day (UTC).</summary>
public sealed record ExportedImpressions(DateOnly Day, string ActionId, long Count);

public sealed record ExportedDecline(string ActionId, DateTimeOffset At);

/// <summary>A decision shown to the customer, with the outcome reported for each of its actions.</summary>
public sealed record ExportedDecision(string DecisionId, DateTimeOffset At, string Touchpoint, IReadOnlyList<string> ActionIds, IReadOnlyDictionary<string, string> Outcomes)
{
    /// <summary>Why the decision came out as it did: the actions' reasons and feature contributions, the arbitration, versions.</summary>
    public DecisionExplanation? Explanation { get; init; }
}

/// <param name="State"><c>pending</c>, <c>deferred</c>, <c>sent</c> or <c>withdrawn</c>.</param>
/// <param name="Notification">The notification as it will be sent (pending, deferred); null once sent or withdrawn, when only its state is kept (what was sent went to <c>nba.notifications</c>).</param>
public sealed record ExportedNotification(string State, JsonNode? Notification);

/// <summary>
/// Everything held about one customer (GDPR Art. 15 and 20), one machine-readable document: the profile (the HTTP API
/// shows it without ingestion's internals), temporary data with its expiry, the contact history,
/// the decisions within the outcome window with their outcomes, and the notifications kept for deduplication and caps.
/// </summary>
public sealed record CustomerExportDocument(
    string CustomerId,
    DateTimeOffset ExportedAt,
    CustomerProfile? Profile,
    TemporaryData Temporary,
    IReadOnlyList<ExportedImpressions> Impressions,
    IReadOnlyList<ExportedDecline> Declines,
    IReadOnlyList<ExportedDecision> Decisions,
    IReadOnlyList<ExportedNotification> Notifications)
{
    public bool HoldsAnything => Profile is not null || !Temporary.IsEmpty || Impressions.Count > 0 || Declines.Count > 0 || Decisions.Count > 0 || Notifications.Count > 0;
}

/// <summary>Reads a customer's data from every per-customer key family (<see cref="CustomerKeyFamilies"/>) for the export route.</summary>
public sealed class CustomerExport(RedisProfileStore profiles, IConnectionMultiplexer redis)
{
    private static readonly Dictionary<char, string> States = new() { ['P'] = "pending", ['D'] = "deferred", ['S'] = "sent", ['X'] = "withdrawn" };

    public async Task<CustomerExportDocument> ReadAsync(string customerId, DateTimeOffset now)
    {
        var keys = profiles.Keys;
        var db = redis.GetDatabase();
        var profileRead = profiles.GetAsync(customerId, now);
        var contactsRead = db.HashGetAllAsync(keys.Contacts(customerId));
        var decisionsRead = db.HashGetAllAsync(keys.Decisions(customerId));
        var notifications = await ReadNotificationsAsync(db, customerId);
        var profile = await profileRead;
        var contacts = await contactsRead;

        return new CustomerExportDocument(
            customerId,
            now,
            profile,
            profile?.Temporary ?? new TemporaryData(),
            [.. contacts.Select(Impression).OfType<ExportedImpressions>().OrderBy(i => i.Day).ThenBy(i => i.ActionId, StringComparer.Ordinal)],
            [.. contacts.Where(e => ((string)e.Name!).StartsWith("d:", StringComparison.Ordinal))
                .Select(e => new ExportedDecline(((string)e.Name!)[2..], DateTimeOffset.FromUnixTimeSeconds((long)e.Value)))],
            Decisions(await decisionsRead),
            notifications);
    }

    private static ExportedImpressions? Impression(HashEntry entry)
    {
        var field = (string)entry.Name!;
        var separator = field.IndexOf(':', 2);
        return field.StartsWith("i:", StringComparison.Ordinal) && separator > 2
            && int.TryParse(field.AsSpan(2, separator - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var day)
            ? new ExportedImpressions(DateOnly.FromDateTime(DateTime.UnixEpoch.AddDays(day)), field[(separator + 1)..], (long)entry.Value)
            : null;
    }

    /// <summary>Records (<c>r:{decisionId}</c> = <c>{unix ms}|{touchpoint}|{action ids}</c>) with their explanations (<c>x:{decisionId}</c>) and outcomes (<c>o:{decisionId}:{actionId}</c>).</summary>
    private static List<ExportedDecision> Decisions(HashEntry[] entries)
    {
        var outcomes = entries.Select(e => (Field: (string)e.Name!, Value: (string)e.Value!))
            .Where(e => e.Field.StartsWith("o:", StringComparison.Ordinal) && e.Field.IndexOf(':', 2) > 2)
            .GroupBy(e => e.Field[2..e.Field.IndexOf(':', 2)], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToDictionary(e => e.Field[(e.Field.IndexOf(':', 2) + 1)..], e => e.Value, StringComparer.Ordinal), StringComparer.Ordinal);
        var explanations = entries.Where(e => ((string)e.Name!).StartsWith("x:", StringComparison.Ordinal))
            .ToDictionary(e => (string)e.Name!, e => (string?)e.Value, StringComparer.Ordinal);
        var decisions = new List<ExportedDecision>();
        foreach (var entry in entries)
        {
            var field = (string)entry.Name!;
            if (field.StartsWith("r:", StringComparison.Ordinal) && ((string?)entry.Value)?.Split('|', 3) is [var at, var touchpoint, var actions]
                && long.TryParse(at, NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
            {
                var id = field[2..];
                decisions.Add(new ExportedDecision(id, DateTimeOffset.FromUnixTimeMilliseconds(ms), touchpoint,
                    actions.Length == 0 ? [] : actions.Split(','), outcomes.GetValueOrDefault(id) ?? [])
                {
                    Explanation = DecisionExplanation.FromJson(explanations.GetValueOrDefault(DecisionRecordStore.ExplanationField(id))),
                });
            }
        }

        return [.. decisions.OrderBy(d => d.At)];
    }

    /// <summary>The notification claims (<c>{customer}:ntf:*</c>): a state letter, then the notification's JSON where it is kept.</summary>
    private async Task<List<ExportedNotification>> ReadNotificationsAsync(IDatabase db, string customerId)
    {
        var pattern = $"{profiles.KeyPrefix}:{{{customerId}}}:ntf:*";
        var found = new List<ExportedNotification>();
        foreach (var endpoint in redis.GetEndPoints())
        {
            var server = redis.GetServer(endpoint);
            if (server.IsReplica)
            {
                continue;
            }

            await foreach (var key in server.KeysAsync(pattern: pattern, pageSize: 1000))
            {
                var value = (string?)await db.StringGetAsync(key);
                if (!string.IsNullOrEmpty(value))
                {
                    found.Add(new ExportedNotification(States.GetValueOrDefault(value[0], "unknown"), value.Length > 1 ? JsonNode.Parse(value[1..]) : null));
                }
            }
        }

        return found;
    }
}
