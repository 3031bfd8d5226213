using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace NextBestAction.Profiles;

/// <summary>A profile with the version it was read at, for a compare-and-set write.</summary>
public sealed record VersionedProfile(CustomerProfile Profile, long Version);

/// <summary>
/// Stores each profile as a Redis hash with two fields: <c>doc</c> (the JSON profile) and <c>ver</c>
/// (a version counter). Reads are one HGET. Writes are a compare-and-set script: the new document is
/// written only if the version is still the one that was read, so two writers (for example a consumer
/// that lost its partitions and the one that got them) can never overwrite each other's work.
/// </summary>
public sealed class RedisProfileStore(IConnectionMultiplexer redis, IOptions<RedisOptions> options)
{
    private const string DocField = "doc";
    private const string VersionField = "ver";

    private static readonly LuaScript CompareAndSet = LuaScript.Prepare(
        """
        local current = redis.call('HGET', @key, 'ver')
        if (current == false and @expected == '0') or current == @expected then
          redis.call('HSET', @key, 'doc', @doc, 'ver', @next)
          return 1
        end
        return 0
        """);

    private readonly ProfileKeys keys = new(options.Value.KeyPrefix);

    public ProfileKeys Keys => keys;

    public async Task<CustomerProfile?> GetAsync(string customerId)
    {
        var value = await redis.GetDatabase().HashGetAsync(keys.Profile(customerId), DocField);
        return value.IsNull ? null : Deserialize(value);
    }

    /// <summary>Loads many profiles in one pipelined round trip; missing ones come back empty at version 0.</summary>
    public async Task<IReadOnlyList<VersionedProfile>> LoadAsync(IReadOnlyList<string> customerIds)
    {
        var db = redis.GetDatabase();
        var fields = new RedisValue[] { DocField, VersionField };
        var reads = new Task<RedisValue[]>[customerIds.Count];
        for (var i = 0; i < customerIds.Count; i++)
        {
            reads[i] = db.HashGetAsync(keys.Profile(customerIds[i]), fields);
        }

        await Task.WhenAll(reads);
        var result = new VersionedProfile[customerIds.Count];
        for (var i = 0; i < customerIds.Count; i++)
        {
            var values = reads[i].Result;
            result[i] = values[0].IsNull
                ? new VersionedProfile(new CustomerProfile { CustomerId = customerIds[i] }, 0)
                : new VersionedProfile(Deserialize(values[0]), (long)values[1]);
        }

        return result;
    }

    /// <summary>
    /// Writes many profiles in one pipelined round trip. Each write succeeds only if the stored version
    /// still equals <see cref="VersionedProfile.Version"/>; the result says which ones did.
    /// </summary>
    public async Task<IReadOnlyList<bool>> TryWriteAsync(IReadOnlyList<VersionedProfile> updates)
    {
        var db = redis.GetDatabase();
        var writes = new Task<RedisResult>[updates.Count];
        for (var i = 0; i < updates.Count; i++)
        {
            var update = updates[i];
            writes[i] = db.ScriptEvaluateAsync(CompareAndSet, new
            {
                key = (RedisKey)keys.Profile(update.Profile.CustomerId),
                expected = update.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
                next = (update.Version + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
                doc = (RedisValue)JsonSerializer.SerializeToUtf8Bytes(update.Profile, ProfilesJsonContext.Default.CustomerProfile),
            });
        }

        await Task.WhenAll(writes);
        return writes.Select(w => (int)w.Result == 1).ToArray();
    }

    private static CustomerProfile Deserialize(RedisValue value) =>
        JsonSerializer.Deserialize((byte[])value!, ProfilesJsonContext.Default.CustomerProfile)
        ?? throw new InvalidDataException("stored profile is JSON null");
}
