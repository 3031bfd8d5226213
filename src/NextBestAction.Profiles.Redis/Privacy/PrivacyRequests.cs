namespace NextBestAction.Profiles.Privacy;

/// <summary>
/// Carries out a privacy request and keeps its receipt: the one path for an erasure asked over HTTP and one asked on
/// the privacy topic. Announcing it downstream (<c>customer.erased</c>) is the caller's, which holds the Kafka producer.
/// </summary>
public sealed class PrivacyRequests(CustomerEraser eraser, PrivacyReceipts receipts, TimeProvider clock)
{
    /// <param name="requestedBy">Who asked, for the receipt: an API key's or console user's name, or the privacy topic; never the customer.</param>
    public async Task<PrivacyReceipt> EraseAsync(string customerId, string? requestedBy = null)
    {
        var receivedAt = clock.GetUtcNow();
        var requestId = Guid.CreateVersion7(receivedAt).ToString("N");
        var erasure = await eraser.EraseAsync(customerId, clock.GetUtcNow());
        var receipt = PrivacyReceipt.ForErasure(requestId, receivedAt, erasure, requestedBy);
        await receipts.SaveAsync(receipt);
        return receipt;
    }
}
