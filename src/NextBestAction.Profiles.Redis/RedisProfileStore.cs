using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace NextBestAction.Profiles;

/// <summary>A profile with the version it was read at, for a compare-and-set write.</summary>
public sealed record VersionedProfile(CustomerProfile Profile, long Version);

/// <summary>
/// Three keys per customer, all with the customer's hash tag so they share a Redis Cluster slot:
/// <c>profile</c> (the JSON profile), <c>temp</c> (temporary data, with a Redis expiry at its latest
/// expiresAt) and <c>ver</c> (a version counter). A decision reads profile and temp with one MGET. A write
/// is one compare-and-set script over the three keys: it lands only if the version is still the one that
/// was read, so two writers (for example a consumer that lost its partitions and the one that got them)
/// never overwrite each other's work. Expired temporary data is also hidden on every read, whatever
/// Redis's expiry has done yet.
/// </summary>
public sealed class RedisProfileStore(IConnectionMultiplexer redis, IOptions<RedisOptions> options, IOptions<ProfileRules>? rules = null)
{
    private readonly int maxProfileBytes = (rules?.Value ?? ProfileRules.Default).MaxProfileBytes;

    private static readonly LuaScript CompareAndSet = LuaScript.Prepare(
        """
        local current = redis.call('GET', @ver)
        if (current == false and @expected == '0') or current == @expected then
          redis.call('SET', @profile, @doc)
          if @tempDoc == '' then
            redis.call('DEL', @temp)
          else
            redis.call('SET', @temp, @tempDoc)
            redis.call('PEXPIREAT', @temp, @tempExpiresAtMs)
          end
          redis.call('INCR', @ver)
          return 1
        end
        return 0
        """);

    private readonly ProfileKeys keys = new(options.Value.KeyPrefix);

    public ProfileKeys Keys => keys;

    /// <summary>The database the profiles live in, for stores that keep more per-customer keys beside them.</summary>
    public IDatabase Database => redis.GetDatabase();

    public string KeyPrefix => options.Value.KeyPrefix;

    /// <summary>The profile as a reader at <paramref name="now"/> may see it, or null for an unknown customer.</summary>
    public async Task<CustomerProfile?> GetAsync(string customerId, DateTimeOffset now) =>
        FromRead(await QueueRead(redis.GetDatabase(), customerId), now);

    /// <summary>
    /// Queues the profile read on <paramref name="db"/> (a batch, to send it with other reads in one round trip);
    /// turn the result into the profile with <see cref="FromRead"/>.
    /// </summary>
    public Task<RedisValue[]> QueueRead(IDatabaseAsync db, string customerId) =>
        db.StringGetAsync([keys.Profile(customerId), keys.Temporary(customerId)]);

    /// <summary>
    /// The profile from the values of <see cref="QueueRead"/>, or null for an unknown customer. A reader that needs
    /// only part of it passes a <paramref name="view"/> from <see cref="ViewWithout"/>: the left-out properties are
    /// skipped unparsed and stay empty.
    /// </summary>
    public static CustomerProfile? FromRead(RedisValue[] values, DateTimeOffset now, JsonTypeInfo<CustomerProfile>? view = null)
    {
        if (values[0].IsNull)
        {
            return null;
        }

        var profile = DeserializeProfile(values[0], view);
        profile.Temporary = DeserializeTemporary(values[1]).VisibleAt(now);
        return profile;
    }

    /// <summary>Loads many profiles in one pipelined round trip; missing ones come back empty at version 0.</summary>
    public async Task<IReadOnlyList<VersionedProfile>> LoadAsync(IReadOnlyList<string> customerIds, DateTimeOffset now)
    {
        var db = redis.GetDatabase();
        var reads = new Task<RedisValue[]>[customerIds.Count];
        for (var i = 0; i < customerIds.Count; i++)
        {
            var id = customerIds[i];
            reads[i] = db.StringGetAsync([keys.Profile(id), keys.Temporary(id), keys.Version(id)]);
        }

        await Task.WhenAll(reads);
        var result = new VersionedProfile[customerIds.Count];
        for (var i = 0; i < customerIds.Count; i++)
        {
            var values = reads[i].Result;
            var profile = values[0].IsNull ? new CustomerProfile { CustomerId = customerIds[i] } : DeserializeProfile(values[0]);
            profile.Temporary = DeserializeTemporary(values[1]).VisibleAt(now);
            result[i] = new VersionedProfile(profile, values[2].IsNull ? 0 : (long)values[2]);
        }

        return result;
    }

    /// <summary>
    /// Writes many profiles in one pipelined round trip. Each write succeeds only if the stored version
    /// still equals <see cref="VersionedProfile.Version"/>; the result says which ones did. Temporary data
    /// already expired at <paramref name="now"/> is not written back. A profile over <see cref="ProfileRules.MaxProfileBytes"/>
    /// is trimmed first (<see cref="ProfileTrimmer"/>), in place, so the caller holds what was stored.
    /// </summary>
    public async Task<IReadOnlyList<bool>> TryWriteAsync(IReadOnlyList<VersionedProfile> updates, DateTimeOffset now)
    {
        var db = redis.GetDatabase();
        var writes = new Task<RedisResult>[updates.Count];
        for (var i = 0; i < updates.Count; i++)
        {
            var (profile, version) = updates[i];
            var id = profile.CustomerId;
            var temporary = profile.Temporary.VisibleAt(now);
            writes[i] = db.ScriptEvaluateAsync(CompareAndSet, new
            {
                profile = (RedisKey)keys.Profile(id),
                temp = (RedisKey)keys.Temporary(id),
                ver = (RedisKey)keys.Version(id),
                expected = version.ToString(CultureInfo.InvariantCulture),
                doc = SerializeWithinLimit(profile),
                tempDoc = temporary.IsEmpty ? RedisValue.EmptyString : SerializeTemporary(temporary),
                tempExpiresAtMs = (temporary.ExpiresAt ?? now).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            });
        }

        await Task.WhenAll(writes);
        return writes.Select(w => (int)w.Result == 1).ToArray();
    }

    /// <summary>
    /// A way of reading stored profiles that leaves out the named properties (by their C# names): parsing skips
    /// their JSON, which is cheaper than building the lists and maps a reader would ignore.
    /// </summary>
    /// <exception cref="ArgumentException">A name is not a stored property of <see cref="CustomerProfile"/>.</exception>
    public static JsonTypeInfo<CustomerProfile> ViewWithout(params IReadOnlyCollection<string> propertyNames)
    {
        var stored = ProfilesJsonContext.Default.CustomerProfile.Properties.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var left = propertyNames.Select(JsonNamingPolicy.CamelCase.ConvertName).ToHashSet(StringComparer.Ordinal);
        if (left.FirstOrDefault(name => !stored.Contains(name)) is { } unknown)
        {
            throw new ArgumentException($"{unknown} is not a stored property of {nameof(CustomerProfile)}", nameof(propertyNames));
        }

        var options = new JsonSerializerOptions(ProfilesJsonContext.Default.Options)
        {
            TypeInfoResolver = ProfilesJsonContext.Default.WithAddedModifier(info =>
            {
                if (info.Type == typeof(CustomerProfile))
                {
                    foreach (var property in info.Properties.Where(p => left.Contains(p.Name)).ToList())
                    {
                        info.Properties.Remove(property);
                    }
                }
            }),
        };
        return (JsonTypeInfo<CustomerProfile>)options.GetTypeInfo(typeof(CustomerProfile));
    }

    /// <summary>The values <see cref="QueueRead"/> would return for <paramref name="profile"/> once written at <paramref name="now"/>.</summary>
    public static RedisValue[] ToStored(CustomerProfile profile, DateTimeOffset now)
    {
        var temporary = profile.Temporary.VisibleAt(now);
        return [SerializeProfile(profile), temporary.IsEmpty ? RedisValue.Null : SerializeTemporary(temporary)];
    }

    private byte[] SerializeWithinLimit(CustomerProfile profile)
    {
        var doc = JsonSerializer.SerializeToUtf8Bytes(profile, ProfilesJsonContext.Default.CustomerProfile);
        if (doc.Length <= maxProfileBytes)
        {
            return doc;
        }

        ProfileTrimmer.TrimToFit(profile, maxProfileBytes, p => JsonSerializer.SerializeToUtf8Bytes(p, ProfilesJsonContext.Default.CustomerProfile).Length);
        return JsonSerializer.SerializeToUtf8Bytes(profile, ProfilesJsonContext.Default.CustomerProfile);
    }

    private static RedisValue SerializeProfile(CustomerProfile profile) =>
        JsonSerializer.SerializeToUtf8Bytes(profile, ProfilesJsonContext.Default.CustomerProfile);

    private static RedisValue SerializeTemporary(TemporaryData temporary) =>
        JsonSerializer.SerializeToUtf8Bytes(temporary, ProfilesJsonContext.Default.TemporaryData);

    private static CustomerProfile DeserializeProfile(RedisValue value, JsonTypeInfo<CustomerProfile>? view = null) =>
        JsonSerializer.Deserialize((byte[])value!, view ?? ProfilesJsonContext.Default.CustomerProfile)
        ?? throw new InvalidDataException("stored profile is JSON null");

    private static TemporaryData DeserializeTemporary(RedisValue value) =>
        value.IsNull ? new TemporaryData() : JsonSerializer.Deserialize((byte[])value!, ProfilesJsonContext.Default.TemporaryData) ?? new TemporaryData();
}
