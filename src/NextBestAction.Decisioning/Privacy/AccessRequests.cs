using NextBestAction.Profiles.Privacy;

namespace NextBestAction.Decisioning.Privacy;

/// <summary>
/// An access request (GDPR Art. 15 and 20) through the export route or the console's privacy desk: the export read by
/// <see cref="CustomerExport"/>, receipted like an erasure (request id, who asked, when, whether anything was held; never
/// the data), so the privacy desk lists every request it answered.
/// </summary>
public sealed class AccessRequests(CustomerExport export, SubjectHasher hasher, PrivacyReceipts receipts, TimeProvider clock)
{
    public async Task<(CustomerExportDocument Document, PrivacyReceipt Receipt)> ExportAsync(string customerId, string? requestedBy)
    {
        var received = clock.GetUtcNow();
        var document = await export.ReadAsync(customerId, received);
        var receipt = AccessReceipts.For(Guid.CreateVersion7(received).ToString("N"), received, clock.GetUtcNow(), await hasher.HashAsync(customerId),
            document.HoldsAnything, requestedBy);
        await receipts.SaveAsync(receipt);
        return (document, receipt);
    }
}
