using System.Globalization;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace NextBestAction.Profiles.Kpis;

/// <summary>
/// Aggregate KPIs in Redis. Counters live in one hash per input partition, guarded by the highest offset they
/// include: a batch adds its deltas only if the stored offset is still the one read before the batch, so
/// redelivery after a crash never counts an event twice (the partition's single owner writes, a fenced-off
/// consumer is refused). Engaged customers are HyperLogLogs per day, idempotent by nature. All KPI keys share
/// the hash tag <c>{kpi}</c>, so the script and multi-key reads stay legal on Redis Cluster.
/// </summary>
public sealed class RedisKpiStore(IConnectionMultiplexer redis, IOptions<RedisOptions> options)
{
    private const string OffsetField = "offset";

    /// <summary>Engaged-customer days are kept a little longer than any window reads them.</summary>
    private const int EngagedDayTtlSeconds = 40 * 24 * 3600;

    private const string AddBatch =
        """
        local current = redis.call('HGET', KEYS[1], 'offset')
        if current == false then current = '-1' end
        if current ~= ARGV[1] then return 0 end
        local i = 4
        for _ = 1, tonumber(ARGV[3]) do
          redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1])
          i = i + 2
        end
        for k = 3, #KEYS do
          local count = tonumber(ARGV[i])
          i = i + 1
          for _ = 1, count do
            redis.call('PFADD', KEYS[k], ARGV[i])
            i = i + 1
          end
          redis.call('EXPIRE', KEYS[k], ARGV[i])
          i = i + 1
        end
        redis.call('HSET', KEYS[1], 'offset', ARGV[2])
        redis.call('SADD', KEYS[2], KEYS[1])
        return 1
        """;

    private readonly string prefix = options.Value.KeyPrefix;

    private string PartitionsKey => $"{prefix}:{{kpi}}:partitions";

    private string PartitionKey(string partition) => $"{prefix}:{{kpi}}:p:{partition}";

    private string EngagedKey(string day) => $"{prefix}:{{kpi}}:engaged:{day}";

    /// <summary>The highest offset each partition's counters include, or -1 when none yet.</summary>
    public async Task<Dictionary<string, long>> LoadOffsetsAsync(IReadOnlyCollection<string> partitions)
    {
        var db = redis.GetDatabase();
        var reads = partitions.ToDictionary(p => p, p => db.HashGetAsync(PartitionKey(p), OffsetField), StringComparer.Ordinal);
        await Task.WhenAll(reads.Values);
        return reads.ToDictionary(kv => kv.Key, kv => kv.Value.Result.IsNull ? -1 : (long)kv.Value.Result, StringComparer.Ordinal);
    }

    /// <summary>Adds each partition's batch if its offset is still <c>Expected</c>; returns how many were added.</summary>
    public async Task<int> AddAsync(IReadOnlyDictionary<string, (long Expected, KpiBatch Batch)> batches)
    {
        var db = redis.GetDatabase();
        var writes = new List<Task<RedisResult>>();
        foreach (var (partition, (expected, batch)) in batches)
        {
            if (batch.MaxOffset <= expected)
            {
                continue;
            }

            var keys = new List<RedisKey> { PartitionKey(partition), PartitionsKey };
            var args = new List<RedisValue>
            {
                expected.ToString(CultureInfo.InvariantCulture),
                batch.MaxOffset.ToString(CultureInfo.InvariantCulture),
                batch.Counters.Count,
            };
            foreach (var (field, delta) in batch.Counters)
            {
                args.Add(field);
                args.Add(delta);
            }

            foreach (var (day, customers) in batch.Engaged)
            {
                keys.Add(EngagedKey(day));
                args.Add(customers.Count);
                args.AddRange(customers.Select(c => (RedisValue)c));
                args.Add(EngagedDayTtlSeconds);
            }

            writes.Add(db.ScriptEvaluateAsync(AddBatch, [.. keys], [.. args]));
        }

        await Task.WhenAll(writes);
        return writes.Count(w => (int)w.Result == 1);
    }

    /// <summary>Counters summed over every partition, and distinct engaged customers over <paramref name="days"/>.</summary>
    public async Task<KpiTotals> ReadAsync(IReadOnlyList<string> days)
    {
        var db = redis.GetDatabase();
        var partitions = await db.SetMembersAsync(PartitionsKey);
        var reads = partitions.Select(p => db.HashGetAllAsync((string)p!)).ToList();
        var engaged = ReadEngagedAsync(days);
        await Task.WhenAll(reads);
        var totals = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var entry in reads.SelectMany(r => r.Result).Where(e => e.Name != OffsetField))
        {
            totals[(string)entry.Name!] = totals.GetValueOrDefault((string)entry.Name!) + (long)entry.Value;
        }

        return new KpiTotals(totals, await engaged);
    }

    /// <summary>Distinct engaged customers over <paramref name="days"/> alone, without the weekly counters.</summary>
    public Task<long> ReadEngagedAsync(IReadOnlyList<string> days) =>
        days.Count == 0 ? Task.FromResult(0L) : redis.GetDatabase().HyperLogLogLengthAsync([.. days.Select(d => (RedisKey)EngagedKey(d))]);
}
