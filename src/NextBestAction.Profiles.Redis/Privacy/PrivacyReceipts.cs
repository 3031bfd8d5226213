using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace NextBestAction.Profiles.Privacy;

/// <summary>
/// What the service did for one privacy request, kept as proof (<see cref="PrivacyOptions.ReceiptRetentionDays"/>).
/// It names the customer only by <see cref="SubjectHasher">subject hash</see>, so keeping it keeps nothing personal.
/// </summary>
/// <param name="Kind">What was asked: <c>erasure</c> (Art. 17) or <c>access</c> (an export, Art. 15 and 20).</param>
/// <param name="Outcome">Erasure: <c>erased</c>, <c>already_erased</c> (erased before and nothing held since) or
/// <c>nothing_held</c>; access: <c>exported</c> or <c>nothing_held</c>.</param>
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
    /// <summary>Who asked: the API key's name, the console user, or the privacy topic; null on receipts kept before it was recorded.</summary>
    public string? RequestedBy { get; init; }

    public const string Erasure = "erasure";
    public const string Access = "access";

    public const string Erased = "erased";
    public const string Exported = "exported";
    public const string AlreadyErased = "already_erased";
    public const string NothingHeld = "nothing_held";

    /// <summary>Whether <paramref name="requestId"/> has the form of a request id: 32 lowercase hexadecimal characters.</summary>
    public static bool IsRequestId(string requestId) => requestId is { Length: 32 } && requestId.All(char.IsAsciiHexDigitLower);

    /// <summary>The receipt of an erasure: its outcome in one word, and what it leaves for others to do.</summary>
    public static PrivacyReceipt ForErasure(string requestId, DateTimeOffset receivedAt, ErasureOutcome erasure, string? requestedBy = null)
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
        return new PrivacyReceipt(requestId, Erasure, erasure.SubjectHash, outcome, receivedAt, erasure.ErasedAt, erasure.PreviousErasureAt,
            [.. erasure.Families.Where(f => f.Removed > 0)], notes)
        {
            RequestedBy = requestedBy,
        };
    }
}

/// <summary>The receipts of access requests.</summary>
public static class AccessReceipts
{
    /// <summary>The receipt of an export handed out at <paramref name="completedAt"/>: what it held, never the data itself.</summary>
    public static PrivacyReceipt For(string requestId, DateTimeOffset receivedAt, DateTimeOffset completedAt, string subjectHash, bool heldAnything, string? requestedBy) =>
        new(requestId, PrivacyReceipt.Access, subjectHash, heldAnything ? PrivacyReceipt.Exported : PrivacyReceipt.NothingHeld, receivedAt, completedAt, null, [],
            [
                heldAnything
                    ? "A copy of everything held about this customer was handed out: profile, temporary data, contact history, decisions with their explanations and outcomes, notifications, consent history."
                    : "Nothing was stored about this customer; the export said so.",
                "The copy itself is not kept by the service.",
            ])
        {
            RequestedBy = requestedBy,
        };
}

/// <summary>
/// Privacy receipts in Redis: <c>{prefix}:privacy:request:{requestId}</c>, JSON, expiring after the retention; and their
/// index <c>{prefix}:privacy:requests</c>, request ids scored by the time the request arrived (Unix ms), so the privacy
/// desk can list the latest. Each save prunes index members past the retention, whose receipts have expired.
/// </summary>
public sealed class PrivacyReceipts(IConnectionMultiplexer redis, IOptions<RedisOptions> redisOptions, IOptions<PrivacyOptions> options)
{
    private readonly string prefix = redisOptions.Value.KeyPrefix;
    private readonly TimeSpan retention = TimeSpan.FromDays(options.Value.ReceiptRetentionDays);

    public async Task SaveAsync(PrivacyReceipt receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        // Not a transaction: receipt and index live in different slots on a cluster. A receipt without its index entry
        // is still found by its id; an index entry without a receipt is skipped when listing.
        var batch = redis.GetDatabase().CreateBatch();
        var saved = batch.StringSetAsync(Key(receipt.RequestId), JsonSerializer.SerializeToUtf8Bytes(receipt, PrivacyJsonContext.Default.PrivacyReceipt), retention);
        var indexed = batch.SortedSetAddAsync(IndexKey, receipt.RequestId, receipt.ReceivedAt.ToUnixTimeMilliseconds());
        var pruned = batch.SortedSetRemoveRangeByScoreAsync(IndexKey, double.NegativeInfinity, (receipt.ReceivedAt - retention).ToUnixTimeMilliseconds(), Exclude.Stop);
        batch.Execute();
        await Task.WhenAll(saved, indexed, pruned);
    }

    /// <summary>The receipt of <paramref name="requestId"/>, or null when unknown or past its retention.</summary>
    public async Task<PrivacyReceipt?> GetAsync(string requestId)
    {
        var stored = await redis.GetDatabase().StringGetAsync(Key(requestId));
        return stored.IsNull ? null : Parse(stored);
    }

    /// <summary>The receipts of the latest <paramref name="count"/> requests within the retention, newest first.</summary>
    public async Task<IReadOnlyList<PrivacyReceipt>> LatestAsync(int count, DateTimeOffset now)
    {
        var db = redis.GetDatabase();
        var ids = await db.SortedSetRangeByScoreAsync(IndexKey, (now - retention).ToUnixTimeMilliseconds(), double.PositiveInfinity,
            order: Order.Descending, take: count);
        if (ids.Length == 0)
        {
            return [];
        }

        // One GET per receipt, not MGET: the receipts' keys hash to different cluster slots.
        var reads = ids.Select(id => db.StringGetAsync(Key(id!))).ToArray();
        var stored = await Task.WhenAll(reads);
        return [.. stored.Where(s => !s.IsNull).Select(Parse)];
    }

    public static string IndexKeyName(string prefix) => $"{prefix}:privacy:requests";

    private string IndexKey => IndexKeyName(prefix);

    private string Key(string requestId) => $"{prefix}:privacy:request:{requestId}";

    private static PrivacyReceipt Parse(RedisValue stored) => JsonSerializer.Deserialize((byte[])stored!, PrivacyJsonContext.Default.PrivacyReceipt)!;
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(PrivacyReceipt))]
public sealed partial class PrivacyJsonContext : JsonSerializerContext;
