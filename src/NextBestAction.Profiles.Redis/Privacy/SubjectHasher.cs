using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace NextBestAction.Profiles.Privacy;

/// <summary>
/// The keyed hash (HMAC-SHA256, first 128 bits, hex) that stands for a customer wherever the service must remember
/// one after erasing them: the erasure list and privacy receipts. Without the key a hash cannot be tied to an id. The
/// key comes from <see cref="PrivacyOptions.SubjectHashKey"/>, or is made once at random and kept in Redis (shared by
/// every instance); in that case whoever can read Redis can also test a guessed id against the list.
/// </summary>
public sealed class SubjectHasher(IConnectionMultiplexer redis, IOptions<PrivacyOptions> options, IOptions<RedisOptions> redisOptions)
{
    private const int KeyBytes = 32;

    private byte[]? key = Configured(options.Value.SubjectHashKey);

    /// <summary>The Redis key that holds the generated hash key when none is configured.</summary>
    public static string KeyName(string prefix) => $"{prefix}:privacy:subject-key";

    /// <summary>The hash of <paramref name="customerId"/>; loads or makes the key on first use.</summary>
    public async ValueTask<string> HashAsync(string customerId)
    {
        var k = key ?? await LoadKeyAsync();
        return Hash(k, customerId);
    }

    /// <summary>Hashes of many ids with one key load.</summary>
    public async ValueTask<string[]> HashAllAsync(IReadOnlyList<string> customerIds)
    {
        ArgumentNullException.ThrowIfNull(customerIds);
        var k = key ?? await LoadKeyAsync();
        var hashes = new string[customerIds.Count];
        for (var i = 0; i < hashes.Length; i++)
        {
            hashes[i] = Hash(k, customerIds[i]);
        }

        return hashes;
    }

    private static string Hash(byte[] k, string customerId)
    {
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(k, Encoding.UTF8.GetBytes(customerId), mac);
        return Convert.ToHexStringLower(mac[..16]);
    }

    /// <summary>
    /// The generated key, made on first use by whichever instance comes first (SET NX) and read back by all. Two callers
    /// loading at once both read the same stored key, so no lock is needed.
    /// </summary>
    private async Task<byte[]> LoadKeyAsync()
    {
        var db = redis.GetDatabase();
        var name = KeyName(redisOptions.Value.KeyPrefix);
        await db.StringSetAsync(name, RandomNumberGenerator.GetBytes(KeyBytes), when: When.NotExists);
        var stored = (byte[]?)await db.StringGetAsync(name);
        if (stored is not { Length: KeyBytes })
        {
            throw new InvalidOperationException($"Redis key {name} does not hold a {KeyBytes}-byte subject hash key.");
        }

        return key = stored;
    }

    private static byte[]? Configured(string base64)
    {
        if (string.IsNullOrWhiteSpace(base64))
        {
            return null;
        }

        var bytes = Convert.FromBase64String(base64);
        return bytes.Length >= KeyBytes ? bytes : throw new ArgumentException("Privacy:SubjectHashKey must hold at least 32 bytes.");
    }
}
