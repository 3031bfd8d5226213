using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace NextBestAction.Profiles.Privacy;

/// <summary>
/// Each customer's key for their decision-log records (<c>{prefix}:privacy:logkey:{subject hash}</c>, 32 random
/// bytes). The key is named by the subject hash, not the id, because a reader of the topic sees only the hash. It
/// lives <see cref="PrivacyOptions.DecisionLogKeyDays"/> after the customer's last decision, as long as the topic
/// keeps records sealed with it; erasure deletes it, and with it every record it sealed becomes unreadable.
/// </summary>
public sealed class DecisionLogKeys(IConnectionMultiplexer redis, IOptions<RedisOptions> redisOptions, IOptions<PrivacyOptions> options)
{
    private const int KeyBytes = 32;

    // Makes the key on first use; later uses extend its life, but only once a day has passed, so the key is not
    // rewritten (and appended to the AOF) for every decision.
    private static readonly LuaScript GetOrCreate = LuaScript.Prepare(
        """
        local key = redis.call('GET', @name)
        if not key then
          redis.call('SET', @name, @fresh, 'PX', @lifetimeMs)
          return @fresh
        end
        if redis.call('PTTL', @name) < tonumber(@renewBelowMs) then
          redis.call('PEXPIRE', @name, @lifetimeMs)
        end
        return key
        """);

    private readonly string prefix = redisOptions.Value.KeyPrefix;
    private readonly TimeSpan lifetime = TimeSpan.FromDays(options.Value.DecisionLogKeyDays);

    public static string KeyName(string prefix, string subjectHash) => $"{prefix}:privacy:logkey:{subjectHash}";

    /// <summary>The key of each subject, made where missing; one round trip for the lot.</summary>
    public async Task<byte[][]> GetOrCreateAsync(IReadOnlyList<string> subjectHashes)
    {
        ArgumentNullException.ThrowIfNull(subjectHashes);
        var lifetimeMs = ((long)lifetime.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        var renewBelowMs = ((long)(lifetime - TimeSpan.FromDays(1)).TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        var batch = redis.GetDatabase().CreateBatch();
        var pending = subjectHashes.Select(subject => batch.ScriptEvaluateAsync(GetOrCreate, new
        {
            name = (RedisKey)KeyName(prefix, subject),
            fresh = (RedisValue)RandomNumberGenerator.GetBytes(KeyBytes),
            lifetimeMs,
            renewBelowMs,
        })).ToArray();
        batch.Execute();
        var results = await Task.WhenAll(pending);
        return [.. results.Select(r => Checked((byte[]?)r))];
    }

    /// <summary>The subject's key without making one, or null when there is none (never had a decision logged, or erased): what a reader of the log uses.</summary>
    public byte[]? Get(string subjectHash)
    {
        var value = redis.GetDatabase().StringGet(KeyName(prefix, subjectHash));
        return value.IsNull ? null : Checked(value);
    }

    private static byte[] Checked(byte[]? key) =>
        key is { Length: KeyBytes } ? key : throw new RedisException($"A decision-log key in Redis does not hold {KeyBytes} bytes.");
}
