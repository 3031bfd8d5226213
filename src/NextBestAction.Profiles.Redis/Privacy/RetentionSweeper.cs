using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace NextBestAction.Profiles.Privacy;

/// <summary>What one sweep did.</summary>
/// <param name="ProfilesGivenExpiry">Profile values without an expiry (release 1's JSON, never written again) that got one.</param>
/// <param name="IndexMembershipsRemoved">Product-index members whose profile had expired.</param>
public sealed record SweepResult(long ProfilesGivenExpiry, long IndexMembershipsRemoved);

/// <summary>
/// Storage limitation for what Redis expiry cannot reach by itself (GDPR Art. 5(1)(e)), every
/// <see cref="PrivacyOptions.RetentionSweepHours"/> in the ingestion worker: a release 1 profile that was never written
/// again has no expiry, so it gets <see cref="ProfileRules.InactiveRetentionDays"/>; and a customer whose profile
/// expired is still a member of the product indexes (wishlist, buyers), so those memberships go. A member without a
/// profile may also be a new customer whose first write is a moment behind the index (ingestion adds memberships just
/// before it writes profiles), so a member is removed only if its profile is still missing on a second look after
/// <see cref="PrivacyOptions.RetentionRecheckSeconds"/>.
/// </summary>
public sealed partial class RetentionSweeper(
    IConnectionMultiplexer redis,
    IOptions<RedisOptions> redisOptions,
    IOptions<ProfileRules> rules,
    IOptions<PrivacyOptions> options,
    TimeProvider clock,
    ILogger<RetentionSweeper> logger) : BackgroundService
{
    private static readonly TimeSpan FirstSweepAfter = TimeSpan.FromMinutes(10);

    private readonly string prefix = redisOptions.Value.KeyPrefix;
    private readonly ProfileKeys keys = new(redisOptions.Value.KeyPrefix);

    public async Task<SweepResult> SweepAsync(CancellationToken cancellationToken)
    {
        var db = redis.GetDatabase();
        var retention = TimeSpan.FromDays(rules.Value.InactiveRetentionDays);
        long expiring = 0;
        foreach (var part in new[] { "profile", "book", "ver" })
        {
            await foreach (var page in PagesAsync($"{prefix}:{{*}}:{part}", cancellationToken))
            {
                var ttls = await Task.WhenAll(page.Select(key => db.KeyTimeToLiveAsync(key)));
                var lasting = page.Where((_, i) => ttls[i] is null).ToArray();
                // A write between the two calls sets the same expiry, so no NX is needed (nor asked of servers without it).
                var set = await Task.WhenAll(lasting.Select(key => db.KeyExpireAsync(key, retention)));
                expiring += part == "profile" ? set.Count(s => s) : 0;
            }
        }

        long removed = 0;
        foreach (var index in new[] { "wishlist", "buyers" })
        {
            await foreach (var page in PagesAsync($"{prefix}:{{*}}:{index}", cancellationToken))
            {
                foreach (var key in page)
                {
                    removed += await RemoveExpiredMembersAsync(db, key, cancellationToken);
                }
            }
        }

        return new SweepResult(expiring, removed);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromHours(options.Value.RetentionSweepHours);
        // Start-up and the catch-up of the input topics go first.
        await Task.Delay(FirstSweepAfter, clock, stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var result = await SweepAsync(stoppingToken);
                LogSwept(logger, result.ProfilesGivenExpiry, result.IndexMembershipsRemoved);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                LogFailed(logger, ex.GetType().Name);
            }

            await Task.Delay(interval, clock, stoppingToken);
        }
    }

    private async Task<long> RemoveExpiredMembersAsync(IDatabase db, RedisKey index, CancellationToken cancellationToken)
    {
        var suspects = new List<RedisValue>();
        await foreach (var member in db.SetScanAsync(index, pageSize: options.Value.ScanPageSize))
        {
            suspects.Add(member);
            if (suspects.Count >= options.Value.ScanPageSize)
            {
                suspects = await StillWithoutProfileAsync(db, suspects);
            }
        }

        suspects = await StillWithoutProfileAsync(db, suspects);
        if (suspects.Count == 0)
        {
            return 0;
        }

        await Task.Delay(TimeSpan.FromSeconds(options.Value.RetentionRecheckSeconds), clock, cancellationToken);
        var gone = await StillWithoutProfileAsync(db, suspects);
        return gone.Count == 0 ? 0 : await db.SetRemoveAsync(index, [.. gone]);
    }

    private async Task<List<RedisValue>> StillWithoutProfileAsync(IDatabase db, List<RedisValue> members)
    {
        // The decision part: release 1's profiles (one JSON value) have it too, and no version key.
        var exists = await Task.WhenAll(members.Select(m => db.KeyExistsAsync(keys.Profile(m!))));
        return [.. members.Where((_, i) => !exists[i])];
    }

    /// <summary>Keys matching <paramref name="pattern"/> on every primary, a SCAN page at a time.</summary>
    private async IAsyncEnumerable<RedisKey[]> PagesAsync(string pattern, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var endpoint in redis.GetEndPoints())
        {
            var server = redis.GetServer(endpoint);
            if (server.IsReplica)
            {
                continue;
            }

            var page = new List<RedisKey>(options.Value.ScanPageSize);
            await foreach (var key in server.KeysAsync(pattern: pattern, pageSize: options.Value.ScanPageSize).WithCancellation(cancellationToken))
            {
                page.Add(key);
                if (page.Count == options.Value.ScanPageSize)
                {
                    yield return [.. page];
                    page.Clear();
                }
            }

            if (page.Count > 0)
            {
                yield return [.. page];
            }
        }
    }

    [LoggerMessage(EventId = 8301, Level = LogLevel.Information,
        Message = "Retention sweep: {Profiles} profile(s) without an expiry got one, {Memberships} product-index membership(s) of expired customers removed")]
    private static partial void LogSwept(ILogger logger, long profiles, long memberships);

    [LoggerMessage(EventId = 8302, Level = LogLevel.Warning, Message = "Retention sweep failed ({ErrorType}); it runs again at the next interval")]
    private static partial void LogFailed(ILogger logger, string errorType);
}
