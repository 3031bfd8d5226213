using Confluent.Kafka;
using NextBestAction.Contracts;
using NextBestAction.Decisioning.Privacy;
using NextBestAction.OperatorConsole.Auth;
using NextBestAction.Profiles.Privacy;
using StackExchange.Redis;

namespace NextBestAction.OperatorConsole.Privacy;

/// <summary>An erasure asked on the privacy desk: its receipt, or why there is none.</summary>
public sealed record ErasureAttempt(PrivacyReceipt? Receipt, string? Problem);

/// <summary>The latest requests' receipts, or why they could not be read.</summary>
public sealed record LatestRequests(IReadOnlyList<PrivacyReceipt> Receipts, string? Problem);

/// <summary>
/// What the privacy desk does: erasure through the same <see cref="ErasureService"/> as <c>DELETE /v1/customers/{id}</c>
/// (with its messages when Redis or Kafka is down), the receipts by request id and the latest requests. Every erasure
/// is in the console audit under its request id, never the customer id.
/// </summary>
public sealed class PrivacyDesk(ErasureService erasures, PrivacyReceipts receipts, ConsoleAudit audit, TimeProvider clock)
{
    /// <summary>How many of the latest requests the desk lists.</summary>
    public const int LatestShown = 25;

    public const string ErasedAudit = "privacy-erase";
    public const string ErasureFailedAudit = "privacy-erase-failed";
    public const string ExportedAudit = "privacy-export";

    public const string RedisDown =
        "Redis could not be reached while erasing. Part of the data may be gone already; erase again, which is safe.";

    public const string KafkaDown =
        "The data was erased and the receipt kept, but the customer.erased event could not be written to Kafka. Erase again: it removes nothing more and announces again.";

    public const string ReceiptsUnavailable = "Redis could not be reached: the receipts cannot be read right now. Reload the page to try again.";

    /// <summary>Why the erasure form cannot be carried out as filled in, or null when it can.</summary>
    public static string? CheckErasure(string? customerId, string? confirmation, bool identityVerified)
    {
        if (string.IsNullOrWhiteSpace(customerId))
        {
            return "Enter the customer id to erase.";
        }

        if (!Identifiers.IsValid(customerId))
        {
            return $"This is not a valid customer id ({Identifiers.Rule}).";
        }

        if (!string.Equals(customerId, confirmation, StringComparison.Ordinal))
        {
            return "The two customer ids differ: type the same id in both fields.";
        }

        return identityVerified ? null : "Confirm that you have verified the requester's identity.";
    }

    /// <summary>Erases <paramref name="customerId"/> for <paramref name="who"/> (the console user), as the API route does.</summary>
    public async Task<ErasureAttempt> EraseAsync(string customerId, string who)
    {
        try
        {
            var receipt = await erasures.EraseAsync(customerId, who);
            audit.Record(who, ErasedAudit, $"request {receipt.RequestId}, outcome {receipt.Outcome}");
            return new ErasureAttempt(receipt, null);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            audit.Record(who, ErasureFailedAudit, "Redis unreachable; to be repeated");
            return new ErasureAttempt(null, RedisDown);
        }
        catch (KafkaException)
        {
            audit.Record(who, ErasureFailedAudit, "erased and receipted, not announced on Kafka; to be repeated");
            return new ErasureAttempt(null, KafkaDown);
        }
    }

    /// <summary>The receipt of <paramref name="requestId"/>, or null and the reason there is none to show.</summary>
    public async Task<(PrivacyReceipt? Receipt, string? Problem)> FindAsync(string? requestId)
    {
        var id = requestId?.Trim().ToLowerInvariant() ?? "";
        if (!PrivacyReceipt.IsRequestId(id))
        {
            return (null, "A request id is the 32 hexadecimal characters a privacy request returned.");
        }

        try
        {
            return await receipts.GetAsync(id) is { } receipt
                ? (receipt, null)
                : (null, "No receipt is kept for this request id (unknown, or past its retention).");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return (null, ReceiptsUnavailable);
        }
    }

    public async Task<LatestRequests> LatestAsync()
    {
        try
        {
            return new LatestRequests(await receipts.LatestAsync(LatestShown, clock.GetUtcNow()), null);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return new LatestRequests([], ReceiptsUnavailable);
        }
    }
}
