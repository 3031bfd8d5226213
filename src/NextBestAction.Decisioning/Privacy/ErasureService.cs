using Microsoft.Extensions.Logging;
using NextBestAction.Profiles.Privacy;
using NextBestAction.Telemetry;

namespace NextBestAction.Decisioning.Privacy;

/// <summary>Carries out an erasure request (GDPR Art. 17) and keeps its receipt; logs and counts it without the customer id.</summary>
public sealed partial class ErasureService(CustomerEraser eraser, PrivacyReceipts receipts, NbaTelemetry telemetry, TimeProvider clock, ILogger<ErasureService> logger)
{
    public async Task<PrivacyReceipt> EraseAsync(string customerId)
    {
        var receivedAt = clock.GetUtcNow();
        var requestId = Guid.CreateVersion7(receivedAt).ToString("N");
        var erasure = await eraser.EraseAsync(customerId, clock.GetUtcNow());
        var receipt = PrivacyReceipt.ForErasure(requestId, receivedAt, erasure);
        await receipts.SaveAsync(receipt);
        telemetry.PrivacyRequests.Add(1, new KeyValuePair<string, object?>("kind", receipt.Kind), new KeyValuePair<string, object?>("outcome", receipt.Outcome));
        LogErased(logger, requestId, receipt.Outcome, erasure.TotalRemoved);
        return receipt;
    }

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Privacy request {RequestId}: erasure {Outcome}, {Removed} keys, fields or memberships removed")]
    private static partial void LogErased(ILogger logger, string requestId, string outcome, long removed);
}
