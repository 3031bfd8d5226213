using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using NextBestAction.Contracts;
using NextBestAction.Profiles;
using StackExchange.Redis;

namespace NextBestAction.Notifications;

/// <summary>What a claim found for a dedup key.</summary>
public enum ClaimResult
{
    /// <summary>New: recorded as pending (or deferred) and counted against the caps. Send it.</summary>
    Claimed,

    /// <summary>Claimed before but its sending was not confirmed (a crash in between): send the stored notification again, same id.</summary>
    Pending,

    /// <summary>Sent, deferred or withdrawn already: nothing to do.</summary>
    Duplicate,

    /// <summary>Over the customer's cap for this type.</summary>
    CappedType,

    /// <summary>Over the customer's overall cap.</summary>
    CappedOverall,
}

/// <summary>
/// Everything notifications keep in Redis. Per customer, under the customer's hash tag (one Redis Cluster slot):
/// one key per dedup key holding its state (<c>P</c> pending, <c>D</c> deferred, each with the notification;
/// <c>S</c> sent; <c>X</c> withdrawn) and the cap counters per local day and ISO week. Per product and shard, under
/// the product's own hash tag: the sets of customers with the product on their wishlist and who bought it, so one
/// popular product is spread over <see cref="NotificationOptions.IndexShards"/> slots. Globally: the schedule
/// (deferred notifications and orders to check at their promised date) and the fan-out jobs.
/// </summary>
public sealed class NotificationStore(IConnectionMultiplexer redis, IOptions<RedisOptions> redisOptions, IOptions<NotificationOptions> options)
{
    public const char Pending = 'P';
    public const char Deferred = 'D';
    public const char Sent = 'S';
    public const char Withdrawn = 'X';

    /// <summary>
    /// Dedup and caps in one step, so two writers can never both send one dedup key or both take the last slot of a cap.
    /// KEYS: dedup, day counters, week counters. ARGV: type, counts toward overall caps (1/0), max per day, max per week,
    /// max per day of the type, max per week of the type, state letter, notification JSON, dedup TTL in seconds.
    /// </summary>
    private static readonly LuaScript ClaimScript = LuaScript.Prepare(
        """
        local s = redis.call('GET', @dedup)
        if s then
          if string.sub(s, 1, 1) == 'P' then return 'pending' end
          return 'duplicate'
        end
        local dayType = tonumber(redis.call('HGET', @day, @type) or '0')
        local weekType = tonumber(redis.call('HGET', @week, @type) or '0')
        if dayType >= tonumber(@maxDayType) or weekType >= tonumber(@maxWeekType) then return 'capped_type' end
        if @overall == '1' then
          local day = tonumber(redis.call('HGET', @day, '*') or '0')
          local week = tonumber(redis.call('HGET', @week, '*') or '0')
          if day >= tonumber(@maxDay) or week >= tonumber(@maxWeek) then return 'capped' end
          redis.call('HINCRBY', @day, '*', 1)
          redis.call('HINCRBY', @week, '*', 1)
        end
        redis.call('HINCRBY', @day, @type, 1)
        redis.call('HINCRBY', @week, @type, 1)
        redis.call('EXPIRE', @day, 172800)
        redis.call('EXPIRE', @week, 1209600)
        redis.call('SET', @dedup, @state .. @doc, 'EX', @ttl)
        return 'claimed'
        """);

    /// <summary>Due members of the schedule, leased: their score moves to the lease end so a crashed handler's work comes back.</summary>
    private static readonly LuaScript LeaseDueScript = LuaScript.Prepare(
        """
        local due = redis.call('ZRANGEBYSCORE', @schedule, '-inf', @now, 'LIMIT', 0, tonumber(@limit))
        for _, member in ipairs(due) do
          redis.call('ZADD', @schedule, @leaseUntil, member)
        end
        return due
        """);

    private readonly string prefix = redisOptions.Value.KeyPrefix;
    private readonly NotificationOptions settings = options.Value;

    public IDatabase Database => redis.GetDatabase();

    public string DedupKey(string customerId, string dedupKey) =>
        string.Create(CultureInfo.InvariantCulture, $"{prefix}:{{{customerId}}}:ntf:{StableHash.Mixed(dedupKey):x16}");

    public string DayCounters(string customerId, string day) => $"{prefix}:{{{customerId}}}:ntfday:{day}";

    public string WeekCounters(string customerId, string week) => $"{prefix}:{{{customerId}}}:ntfweek:{week}";

    /// <summary>One shard of a product index: <c>{prefix}:{productId#07}:wishlist</c>.</summary>
    public string IndexShard(string productId, ProductIndex index, int shard) =>
        string.Create(CultureInfo.InvariantCulture, $"{prefix}:{{{productId}#{shard:D2}}}:{(index == ProductIndex.Wishlist ? "wishlist" : "buyers")}");

    public int ShardOf(string customerId) => (int)(StableHash.Mixed(customerId) % (ulong)settings.IndexShards);

    public string Schedule => $"{prefix}:notify:schedule";

    public string FanoutJobs => $"{prefix}:notify:fanout:jobs";

    public string FanoutProgress => $"{prefix}:notify:fanout:progress";

    public string FanoutLock(string jobId) => $"{prefix}:notify:fanout:lock:{jobId}";

    /// <summary>Queues the claim of <paramref name="decision"/>'s notification on <paramref name="db"/> (a batch).</summary>
    public Task<RedisResult> QueueClaim(IDatabaseAsync db, PolicyDecision decision)
    {
        var n = decision.Notification!;
        var type = NotificationTypes.ShortName(n.Type);
        return db.ScriptEvaluateAsync(ClaimScript, new
        {
            dedup = (RedisKey)DedupKey(n.CustomerId, n.Data.DedupKey),
            day = (RedisKey)DayCounters(n.CustomerId, decision.CapDay),
            week = (RedisKey)WeekCounters(n.CustomerId, decision.CapWeek),
            type,
            overall = NotificationTypes.IsService(n.Type) ? "0" : "1",
            maxDay = settings.MaxPerDay.ToString(CultureInfo.InvariantCulture),
            maxWeek = settings.MaxPerWeek.ToString(CultureInfo.InvariantCulture),
            maxDayType = settings.MaxPerDayPerType.ToString(CultureInfo.InvariantCulture),
            maxWeekType = settings.MaxPerWeekPerType.ToString(CultureInfo.InvariantCulture),
            state = (decision.Outcome == PolicyOutcome.Defer ? Deferred : Pending).ToString(),
            doc = (RedisValue)Serialize(n),
            ttl = ((long)TimeSpan.FromDays(settings.DedupRetentionDays).TotalSeconds).ToString(CultureInfo.InvariantCulture),
        });
    }

    public static ClaimResult ParseClaim(RedisResult result) => (string?)result switch
    {
        "claimed" => ClaimResult.Claimed,
        "pending" => ClaimResult.Pending,
        "capped_type" => ClaimResult.CappedType,
        "capped" => ClaimResult.CappedOverall,
        _ => ClaimResult.Duplicate,
    };

    /// <summary>Sets a dedup key's state, keeping its expiry.</summary>
    public Task QueueState(IDatabaseAsync db, string customerId, string dedupKey, char state, Notification? notification = null) =>
        db.StringSetAsync(DedupKey(customerId, dedupKey),
            notification is null ? state.ToString() : state + Serialize(notification), expiry: null, keepTtl: true);

    /// <summary>The state letter and stored notification of a dedup key (by its Redis key).</summary>
    public async Task<(char State, Notification? Notification)> GetStateAsync(string dedupRedisKey)
    {
        var value = (string?)await Database.StringGetAsync(dedupRedisKey);
        if (string.IsNullOrEmpty(value))
        {
            return ('\0', null);
        }

        return value.Length > 1
            ? (value[0], JsonSerializer.Deserialize(value.AsSpan(1), NotificationsJsonContext.Default.Notification))
            : (value[0], null);
    }

    /// <summary>Leases up to <paramref name="limit"/> schedule members due at <paramref name="now"/>.</summary>
    public async Task<string[]> LeaseDueAsync(DateTimeOffset now, TimeSpan lease, int limit)
    {
        var result = await Database.ScriptEvaluateAsync(LeaseDueScript, new
        {
            schedule = (RedisKey)Schedule,
            now = now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            leaseUntil = (now + lease).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            limit = limit.ToString(CultureInfo.InvariantCulture),
        });
        return [.. ((RedisValue[]?)result ?? []).Select(v => v.ToString())];
    }

    public Task QueueSchedule(IDatabaseAsync db, string member, DateTimeOffset at) =>
        db.SortedSetAddAsync(Schedule, member, at.ToUnixTimeMilliseconds());

    public Task<bool> RemoveScheduledAsync(string member) => Database.SortedSetRemoveAsync(Schedule, member);

    /// <summary>Schedule member of a deferred notification: <c>d|{redis key of its dedup key}</c>.</summary>
    public static string DeferredMember(string dedupRedisKey) => $"d|{dedupRedisKey}";

    /// <summary>Schedule member of an order to check at its promised date: <c>o|{customer}|{order}</c>.</summary>
    public static string OrderMember(string customerId, string orderId) => $"o|{customerId}|{orderId}";

    public static string Serialize(Notification notification) =>
        JsonSerializer.Serialize(notification, NotificationsJsonContext.Default.Notification);
}
