using System.Globalization;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace NextBestAction.Profiles;

/// <summary>A profile with the version it was read at, for a compare-and-set write.</summary>
public sealed record VersionedProfile(CustomerProfile Profile, long Version);

/// <summary>A profile encoded for its write, with the version the write expects; see <see cref="RedisProfileStore.Encode"/>.</summary>
public sealed record EncodedProfile(string CustomerId, long ExpectedVersion, byte[] DecisionPart, byte[] Bookkeeping, byte[]? Temporary, DateTimeOffset? TemporaryExpiresAt);

/// <summary>
/// The profile in four keys under the customer's hash tag (the parts and the version expire after
/// <see cref="ProfileRules.InactiveRetentionDays"/> without a write) (<see cref="ProfileKeys"/>), so they share a Redis Cluster
/// slot: <c>profile</c> (the decision part), <c>book</c> (the bookkeeping part), <c>temp</c> (temporary data, with a
/// Redis expiry at its latest expiresAt) and <c>ver</c> (a version counter); values in <see cref="ProfileFormat"/>. A
/// decision reads profile and temp with one MGET and decodes only the decision part. A write is one compare-and-set
/// script over the four keys: it lands only if the version is still the one that was read, so two writers (for example
/// a consumer that lost its partitions and the one that got them) never overwrite each other's work. Expired temporary
/// data is also hidden on every read, whatever Redis's expiry has done yet. A <c>profile</c> value that is release 1's
/// JSON holds the whole profile; it is read as such and replaced by the two parts on the next write.
/// </summary>
public sealed class RedisProfileStore(IConnectionMultiplexer redis, IOptions<RedisOptions> options, IOptions<ProfileRules>? rules = null)
{
    private readonly int maxProfileBytes = (rules?.Value ?? ProfileRules.Default).MaxProfileBytes;

    private readonly string retentionMs = ((long)TimeSpan.FromDays((rules?.Value ?? ProfileRules.Default).InactiveRetentionDays).TotalMilliseconds)
        .ToString(CultureInfo.InvariantCulture);

    private static readonly LuaScript CompareAndSet = LuaScript.Prepare(
        """
        local current = redis.call('GET', @ver)
        if (current == false and @expected == '0') or current == @expected then
          redis.call('SET', @profile, @decision, 'PX', @retentionMs)
          redis.call('SET', @book, @bookkeeping, 'PX', @retentionMs)
          if @tempDoc == '' then
            redis.call('DEL', @temp)
          else
            redis.call('SET', @temp, @tempDoc)
            redis.call('PEXPIREAT', @temp, @tempExpiresAtMs)
          end
          redis.call('INCR', @ver)
          redis.call('PEXPIRE', @ver, @retentionMs)
          return 1
        end
        return 0
        """);

    private readonly ProfileKeys keys = new(options.Value.KeyPrefix);

    public ProfileKeys Keys => keys;

    /// <summary>The database the profiles live in, for stores that keep more per-customer keys beside them.</summary>
    public IDatabase Database => redis.GetDatabase();

    public string KeyPrefix => options.Value.KeyPrefix;

    /// <summary>The whole profile as a reader at <paramref name="now"/> may see it, or null for an unknown customer.</summary>
    public async Task<CustomerProfile?> GetAsync(string customerId, DateTimeOffset now)
    {
        var values = await redis.GetDatabase().StringGetAsync([keys.Profile(customerId), keys.Bookkeeping(customerId), keys.Temporary(customerId)]);
        return values[0].IsNull ? null : Decode(customerId, values[0], values[1], values[2], now);
    }

    /// <summary>
    /// Queues the decision's read on <paramref name="db"/> (a batch, to send it with other reads in one round trip):
    /// the decision part and the temporary data. Turn the result into the profile with <see cref="FromRead"/>.
    /// </summary>
    public Task<RedisValue[]> QueueRead(IDatabaseAsync db, string customerId) =>
        db.StringGetAsync([keys.Profile(customerId), keys.Temporary(customerId)]);

    /// <summary>
    /// The profile from the values of <see cref="QueueRead"/>, or null for an unknown customer: the decision part and
    /// temporary data, without the bookkeeping part (decisions read none of it).
    /// </summary>
    /// <exception cref="InvalidDataException">A stored value is not in a format this release reads.</exception>
    public static CustomerProfile? FromRead(string customerId, RedisValue[] values, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values[0].IsNull)
        {
            return null;
        }

        var stored = (ReadOnlyMemory<byte>)values[0];
        var profile = ProfileFormat.IsLegacyJson(stored.Span)
            ? ProfileFormat.DecodeLegacyJson(stored.Span, LegacyJsonView.DecisionPart)
            : new CustomerProfile(customerId, ProfileFormat.DecodeDecisionPart(stored.Span));
        profile.Temporary = DecodeTemporary(values[1]).VisibleAt(now);
        return profile;
    }

    /// <summary>Loads many whole profiles in one pipelined round trip; missing ones come back empty at version 0.</summary>
    public async Task<IReadOnlyList<VersionedProfile>> LoadAsync(IReadOnlyList<string> customerIds, DateTimeOffset now)
    {
        var db = redis.GetDatabase();
        var reads = new Task<RedisValue[]>[customerIds.Count];
        for (var i = 0; i < customerIds.Count; i++)
        {
            var id = customerIds[i];
            reads[i] = db.StringGetAsync([keys.Profile(id), keys.Bookkeeping(id), keys.Temporary(id), keys.Version(id)]);
        }

        await Task.WhenAll(reads);
        var result = new VersionedProfile[customerIds.Count];
        for (var i = 0; i < customerIds.Count; i++)
        {
            var values = reads[i].Result;
            var profile = values[0].IsNull
                ? new CustomerProfile { CustomerId = customerIds[i] }
                : Decode(customerIds[i], values[0], values[1], values[2], now);
            result[i] = new VersionedProfile(profile, values[3].IsNull ? 0 : (long)values[3]);
        }

        return result;
    }

    /// <summary>
    /// Encodes a profile for <see cref="TryWriteAsync(IReadOnlyList{EncodedProfile})"/>. Temporary data already expired at
    /// <paramref name="now"/> is left out. A profile over <see cref="ProfileRules.MaxProfileBytes"/> (both parts) is
    /// trimmed first (<see cref="ProfileTrimmer"/>), in place, so the caller holds what is stored.
    /// </summary>
    public EncodedProfile Encode(VersionedProfile update, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(update);
        var profile = update.Profile;
        ProfileUpdater.MigrateLegacyEventHashes(profile);
        var decision = ProfileFormat.Encode(profile.Decision);
        var bookkeeping = ProfileFormat.Encode(profile.Bookkeeping);
        if (decision.Length + bookkeeping.Length > maxProfileBytes)
        {
            ProfileTrimmer.TrimToFit(profile, maxProfileBytes, EncodedSize);
            decision = ProfileFormat.Encode(profile.Decision);
            bookkeeping = ProfileFormat.Encode(profile.Bookkeeping);
        }

        var temporary = profile.Temporary.VisibleAt(now);
        return new EncodedProfile(profile.CustomerId, update.Version, decision, bookkeeping,
            temporary.IsEmpty ? null : ProfileFormat.Encode(temporary), temporary.ExpiresAt);
    }

    /// <summary>
    /// Writes many profiles in one pipelined round trip. Each write succeeds only if the stored version still equals
    /// <see cref="VersionedProfile.Version"/>; the result says which ones did. See <see cref="Encode"/>.
    /// </summary>
    public Task<IReadOnlyList<bool>> TryWriteAsync(IReadOnlyList<VersionedProfile> updates, DateTimeOffset now) =>
        TryWriteAsync([.. updates.Select(u => Encode(u, now))]);

    /// <summary>Writes encoded profiles in one pipelined round trip, each a compare-and-set on its expected version.</summary>
    public async Task<IReadOnlyList<bool>> TryWriteAsync(IReadOnlyList<EncodedProfile> encoded)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        var db = redis.GetDatabase();
        var writes = new Task<RedisResult>[encoded.Count];
        for (var i = 0; i < encoded.Count; i++)
        {
            var e = encoded[i];
            var id = e.CustomerId;
            writes[i] = db.ScriptEvaluateAsync(CompareAndSet, new
            {
                profile = (RedisKey)keys.Profile(id),
                book = (RedisKey)keys.Bookkeeping(id),
                temp = (RedisKey)keys.Temporary(id),
                ver = (RedisKey)keys.Version(id),
                expected = e.ExpectedVersion.ToString(CultureInfo.InvariantCulture),
                decision = e.DecisionPart,
                bookkeeping = e.Bookkeeping,
                tempDoc = e.Temporary is null ? RedisValue.EmptyString : (RedisValue)e.Temporary,
                tempExpiresAtMs = (e.TemporaryExpiresAt ?? DateTimeOffset.UnixEpoch).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
                retentionMs,
            });
        }

        await Task.WhenAll(writes);
        return writes.Select(w => (int)w.Result == 1).ToArray();
    }

    /// <summary>The values <see cref="QueueRead"/> would return for <paramref name="profile"/> once written at <paramref name="now"/>.</summary>
    public static RedisValue[] ToStored(CustomerProfile profile, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var temporary = profile.Temporary.VisibleAt(now);
        return [ProfileFormat.Encode(profile.Decision), temporary.IsEmpty ? RedisValue.Null : ProfileFormat.Encode(temporary)];
    }

    private static int EncodedSize(CustomerProfile profile) =>
        ProfileFormat.Encode(profile.Decision).Length + ProfileFormat.Encode(profile.Bookkeeping).Length;

    /// <summary>A whole profile from its stored values: release 1's JSON, or the two binary parts.</summary>
    private static CustomerProfile Decode(string customerId, RedisValue profileValue, RedisValue bookkeepingValue, RedisValue temporaryValue, DateTimeOffset now)
    {
        var stored = (ReadOnlyMemory<byte>)profileValue;
        var profile = ProfileFormat.IsLegacyJson(stored.Span)
            ? ProfileFormat.DecodeLegacyJson(stored.Span)
            : new CustomerProfile(
                customerId,
                ProfileFormat.DecodeDecisionPart(stored.Span),
                bookkeepingValue.IsNull ? new ProfileBookkeeping() : ProfileFormat.DecodeBookkeeping(((ReadOnlyMemory<byte>)bookkeepingValue).Span));
        profile.Temporary = DecodeTemporary(temporaryValue).VisibleAt(now);
        return profile;
    }

    private static TemporaryData DecodeTemporary(RedisValue value) =>
        value.IsNull ? new TemporaryData() : ProfileFormat.DecodeTemporary(((ReadOnlyMemory<byte>)value).Span);
}
