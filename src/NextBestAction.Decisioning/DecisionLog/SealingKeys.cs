using Microsoft.Extensions.Caching.Memory;
using NextBestAction.Profiles.Privacy;
using StackExchange.Redis;

namespace NextBestAction.Decisioning.DecisionLog;

/// <summary>A customer's part in sealing a batch: their subject hash, their last erasure, and the key to seal with (null: log nothing).</summary>
public sealed record SealingKey(string Subject, DateTimeOffset? ErasedAt, byte[]? Key);

/// <summary>
/// The keys the decision-log publisher seals a batch with. Per batch one look at the erasure list; a customer's key
/// (<see cref="DecisionLogKeys"/>) is fetched, or made, at most once per <see cref="KeepFor"/>, which also renews it in
/// Redis. A kept key is used only while the erasure list names no erasure of its customer since it was fetched: after
/// one, the next decision of a returning customer fetches a new key, and a record sealed in between with the deleted
/// key is unreadable, as erasure means it to be.
/// </summary>
public sealed class SealingKeys(
    IConnectionMultiplexer redis, SubjectHasher hasher, ErasureList erasures, DecisionLogKeys logKeys, TimeProvider clock) : IDisposable
{
    /// <summary>How long a fetched key is reused; its Redis expiry is renewed when it is fetched again.</summary>
    public static readonly TimeSpan KeepFor = TimeSpan.FromMinutes(10);

    // Keys of the customers decided on lately; bounded, so a burst of new customers cannot grow it without end.
    private readonly MemoryCache recent = new(new MemoryCacheOptions { SizeLimit = 100_000 });

    /// <summary>Each distinct customer of a batch of decisions (whose, when served) with their subject, erasure and key.</summary>
    /// <exception cref="RedisException">Redis could not be reached: nothing of the batch may be logged.</exception>
    public async Task<Dictionary<string, SealingKey>> ForBatchAsync(IReadOnlyList<(string CustomerId, DateTimeOffset At)> batch)
    {
        var now = clock.GetUtcNow();
        var customers = batch.Select(d => d.CustomerId).Distinct(StringComparer.Ordinal).ToArray();
        var subjects = await hasher.HashAllAsync(customers);
        var erasedAt = await erasures.LookUpAsync(redis.GetDatabase(), subjects);
        var result = new Dictionary<string, SealingKey>(customers.Length, StringComparer.Ordinal);
        var toFetch = new List<int>();
        for (var i = 0; i < customers.Length; i++)
        {
            var (customer, erased) = (customers[i], erasedAt[i]);
            // Decisions served before the erasure are not logged, so a customer with none after it needs no key.
            if (erased is { } at && !batch.Any(d => d.CustomerId == customer && d.At > at))
            {
                result[customer] = new SealingKey(subjects[i], erased, null);
            }
            else if (recent.TryGetValue(subjects[i], out Kept? kept) && kept is not null && !(erased >= kept.FetchedAt))
            {
                result[customer] = new SealingKey(subjects[i], erased, kept.Key);
            }
            else
            {
                toFetch.Add(i);
            }
        }

        var keys = await logKeys.GetOrCreateAsync([.. toFetch.Select(i => subjects[i])]);
        for (var j = 0; j < toFetch.Count; j++)
        {
            var i = toFetch[j];
            recent.Set(subjects[i], new Kept(keys[j], now), new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = KeepFor });
            result[customers[i]] = new SealingKey(subjects[i], erasedAt[i], keys[j]);
        }

        return result;
    }

    public void Dispose() => recent.Dispose();

    private sealed record Kept(byte[] Key, DateTimeOffset FetchedAt);
}
