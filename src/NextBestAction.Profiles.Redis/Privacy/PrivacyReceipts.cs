using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace NextBestAction.Profiles.Privacy;

/// <summary>
/// What the service did for one privacy request, kept as proof (<see cref="PrivacyOptions.ReceiptRetentionDays"/>).
/// It names the customer only by <see cref="SubjectHasher">subject hash</see>, so keeping it keeps nothing personal.
/// </summary>
/// <param name="Kind">What was asked: <c>erasure</c>.</param>
/// <param name="Outcome"><c>erased</c>, <c>already_erased</c> (erased before and nothing held since) or <c>nothing_held</c>.</param>
/// <param name="Removed">Per key family, the keys, fields or memberships removed.</param>
/// <param name="Notes">What else follows from the request, in plain words (for example what Kafka still holds).</param>
public sealed record PrivacyReceipt(
    string RequestId,
    string Kind,
    string Subject,
    string Outcome,
    DateTimeOffset ReceivedAt,
    DateTimeOffset CompletedAt,
    DateTimeOffset? PreviousErasureAt,
    IReadOnlyList<ErasedFamily> Removed,
    IReadOnlyList<string> Notes)
{
    public const string Erased = "erased";
    public const string AlreadyErased = "already_erased";
    public const string NothingHeld = "nothing_held";

    /// <summary>The receipt of an erasure: its outcome in one word, and what it leaves for others to do.</summary>
    public static PrivacyReceipt ForErasure(string requestId, DateTimeOffset receivedAt, ErasureOutcome erasure)
    {
        ArgumentNullException.ThrowIfNull(erasure);
        var outcome = erasure.TotalRemoved > 0 ? Erased : erasure.PreviousErasureAt is null ? NothingHeld : AlreadyErased;
        List<string> notes =
        [
            outcome switch
            {
                Erased => "Every key, field and index membership that held this customer's data in Redis was removed.",
                AlreadyErased => "This customer was erased before and nothing has been stored about them since; nothing more was removed.",
                _ => "Nothing was stored about this customer in Redis.",
            },
            $"Kafka input topics keep their records until the topics' retention; ingestion drops this customer's events with an event time up to {erasure.ErasedAt:O}, so a replay does not bring them back. A later event starts a new profile.",
        ];
        return new PrivacyReceipt(requestId, "erasure", erasure.SubjectHash, outcome, receivedAt, erasure.ErasedAt, erasure.PreviousErasureAt,
            [.. erasure.Families.Where(f => f.Removed > 0)], notes);
    }
}

/// <summary>Privacy receipts in Redis: <c>{prefix}:privacy:request:{requestId}</c>, JSON, expiring after the retention.</summary>
public sealed class PrivacyReceipts(IConnectionMultiplexer redis, IOptions<RedisOptions> redisOptions, IOptions<PrivacyOptions> options)
{
    private readonly string prefix = redisOptions.Value.KeyPrefix;
    private readonly TimeSpan retention = TimeSpan.FromDays(options.Value.ReceiptRetentionDays);

    public Task SaveAsync(PrivacyReceipt receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        return redis.GetDatabase().StringSetAsync(Key(receipt.RequestId), JsonSerializer.SerializeToUtf8Bytes(receipt, PrivacyJsonContext.Default.PrivacyReceipt), retention);
    }

    /// <summary>The receipt of <paramref name="requestId"/>, or null when unknown or past its retention.</summary>
    public async Task<PrivacyReceipt?> GetAsync(string requestId)
    {
        var stored = await redis.GetDatabase().StringGetAsync(Key(requestId));
        return stored.IsNull ? null : JsonSerializer.Deserialize((byte[])stored!, PrivacyJsonContext.Default.PrivacyReceipt);
    }

    private string Key(string requestId) => $"{prefix}:privacy:request:{requestId}";
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(PrivacyReceipt))]
public sealed partial class PrivacyJsonContext : JsonSerializerContext;
