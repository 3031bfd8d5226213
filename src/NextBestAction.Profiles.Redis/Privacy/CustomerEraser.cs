using System.Text;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace NextBestAction.Profiles.Privacy;

/// <summary>What one erasure removed from one key family (<see cref="CustomerKeyFamilies"/>).</summary>
/// <param name="Removed">Keys deleted, or memberships and fields removed from shared keys.</param>
public sealed record ErasedFamily(string Family, long Removed);

/// <summary>The outcome of erasing one customer from Redis.</summary>
/// <param name="PreviousErasureAt">When the same customer was erased before, if ever.</param>
public sealed record ErasureOutcome(string SubjectHash, DateTimeOffset ErasedAt, DateTimeOffset? PreviousErasureAt, IReadOnlyList<ErasedFamily> Families)
{
    public long TotalRemoved => Families.Sum(f => f.Removed);
}

/// <summary>
/// Erases one customer from Redis, family by family as <see cref="CustomerKeyFamilies"/> lists them. First the
/// customer joins the <see cref="ErasureList"/>, so ingestion stops applying their older events while the keys go.
/// Then: the customer's decision-log key (their records on <c>nba.decisions</c> can no longer be read); the
/// decision-owner keys of the decisions in the customer's decisions hash; every key under the customer's hash tag
/// (profile parts, temporary data, version, contacts, decisions, notification claims and caps); the customer's
/// memberships of the product indexes and the notification schedule; and release 1's decision records that name the
/// customer. Keys under the hash tag and index memberships are found with SCAN on every primary, so an erasure
/// reads the key names of the whole keyspace once: a cost paid per request, not per event. Running it again is harmless.
/// </summary>
public sealed class CustomerEraser(
    IConnectionMultiplexer redis, ErasureList erasures, SubjectHasher hasher, IOptions<RedisOptions> redisOptions, IOptions<PrivacyOptions> options)
{
    private readonly string prefix = redisOptions.Value.KeyPrefix;
    private readonly ProfileKeys keys = new(redisOptions.Value.KeyPrefix);
    private readonly int pageSize = options.Value.ScanPageSize;

    public async Task<ErasureOutcome> EraseAsync(string customerId, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(customerId);

        // The erasure list keeps milliseconds; the receipt says the same time.
        now = DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds());
        var subject = await hasher.HashAsync(customerId);
        var previous = await erasures.MarkAsync(subject, now);
        var db = redis.GetDatabase();
        var removed = new Dictionary<string, long>(StringComparer.Ordinal);

        // Crypto-shredding: without this key the customer's records on nba.decisions can no longer be opened.
        Add(removed, "decision-log-key", await db.KeyDeleteAsync(DecisionLogKeys.KeyName(prefix, subject)) ? 1 : 0);

        // Before the decisions hash goes: it is the only list of the customer's decision-owner keys.
        var decisionIds = (await db.HashKeysAsync(keys.Decisions(customerId)))
            .Select(field => field.ToString())
            .Where(field => field.StartsWith("r:", StringComparison.Ordinal))
            .Select(field => (RedisKey)keys.DecisionOwner(field[2..]))
            .ToArray();
        Add(removed, "decision-owner", decisionIds.Length == 0 ? 0 : await db.KeyDeleteAsync(decisionIds));

        await foreach (var key in ScanAsync($"{prefix}:{{{Glob(customerId)}}}:*"))
        {
            if (await db.KeyDeleteAsync(key))
            {
                Add(removed, CustomerKeyFamilies.Match(prefix, key.ToString())?.Family.Name ?? "other", 1);
            }
        }

        foreach (var index in new[] { "wishlist", "buyers" })
        {
            await foreach (var key in ScanAsync($"{prefix}:{{*}}:{index}"))
            {
                Add(removed, CustomerKeyFamilies.Match(prefix, key.ToString())?.Family.Name ?? index, await db.SetRemoveAsync(key, customerId) ? 1 : 0);
            }
        }

        Add(removed, "notification-schedule", await RemoveScheduledAsync(db, customerId));
        Add(removed, "release1-decision", await DeleteRelease1DecisionsAsync(db, customerId));

        var families = removed.Select(kv => new ErasedFamily(kv.Key, kv.Value)).OrderBy(f => f.Family, StringComparer.Ordinal).ToArray();
        return new ErasureOutcome(subject, now, previous, families);
    }

    private async Task<long> RemoveScheduledAsync(IDatabase db, string customerId)
    {
        var schedule = (RedisKey)$"{prefix}:notify:schedule";
        long removed = 0;
        foreach (var pattern in new[] { $"d|{prefix}:{{{Glob(customerId)}}}:ntf:*", $"o|{Glob(customerId)}|*" })
        {
            var members = new List<RedisValue>();
            await foreach (var entry in db.SortedSetScanAsync(schedule, pattern, pageSize))
            {
                members.Add(entry.Element);
            }

            removed += members.Count == 0 ? 0 : await db.SortedSetRemoveAsync(schedule, [.. members]);
        }

        return removed;
    }

    private async Task<long> DeleteRelease1DecisionsAsync(IDatabase db, string customerId)
    {
        long removed = 0;
        await foreach (var key in ScanAsync($"{prefix}:decision:*"))
        {
            if (await db.HashGetAsync(key, "customer") == customerId && await db.KeyDeleteAsync(key))
            {
                removed++;
            }
        }

        return removed;
    }

    /// <summary>Every key matching <paramref name="pattern"/> on every primary (one on a single server, each shard's on a cluster).</summary>
    private async IAsyncEnumerable<RedisKey> ScanAsync(string pattern)
    {
        foreach (var endpoint in redis.GetEndPoints())
        {
            var server = redis.GetServer(endpoint);
            if (server.IsReplica)
            {
                continue;
            }

            if (!server.IsConnected)
            {
                // A shard left out would leave the customer's keys there: fail, and let the caller retry the whole erasure.
                throw new RedisException($"Redis server {endpoint} is not connected; the erasure cannot see all keys");
            }

            await foreach (var key in server.KeysAsync(pattern: pattern, pageSize: pageSize))
            {
                yield return key;
            }
        }
    }

    private static void Add(Dictionary<string, long> removed, string family, long count) =>
        removed[family] = removed.GetValueOrDefault(family) + count;

    /// <summary>A customer id as a literal in a SCAN pattern (valid ids hold none of these characters; this is a second guard).</summary>
    private static string Glob(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '*' or '?' or '[' or ']' or '\\')
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return escaped.ToString();
    }
}
