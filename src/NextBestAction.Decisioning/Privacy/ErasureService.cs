using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NextBestAction.Contracts;
using NextBestAction.Profiles.Privacy;
using NextBestAction.Telemetry;

namespace NextBestAction.Decisioning.Privacy;

/// <summary>
/// An erasure asked over HTTP (GDPR Art. 17): carried out and receipted by <see cref="PrivacyRequests"/>, then announced
/// as <c>customer.erased</c> on the privacy topic. Logs and counts it without the customer id.
/// </summary>
public sealed partial class ErasureService(
    PrivacyRequests requests, IProducer<string, byte[]> producer, IOptions<KafkaOptions> kafka, NbaTelemetry telemetry, ILogger<ErasureService> logger)
{
    public const string Source = "/nba/privacy";

    private readonly string topic = kafka.Value.Topics.Privacy;

    /// <exception cref="KafkaException">The erasure is done and receipted, but its announcement was not delivered.</exception>
    /// <param name="requestedBy">Who asked (the API key's or console user's name), kept in the receipt.</param>
    public async Task<PrivacyReceipt> EraseAsync(string customerId, string? requestedBy)
    {
        var receipt = await requests.EraseAsync(customerId, requestedBy);
        telemetry.PrivacyRequests.Add(1, new KeyValuePair<string, object?>("kind", receipt.Kind), new KeyValuePair<string, object?>("outcome", receipt.Outcome));
        LogErased(logger, receipt.RequestId, receipt.Outcome, receipt.Removed.Count);
        await producer.ProduceAsync(topic, new Message<string, byte[]>
        {
            Key = customerId,
            Value = PrivacyEvents.CustomerErased(customerId, receipt.RequestId, receipt.CompletedAt, Source),
        });
        return receipt;
    }

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Privacy request {RequestId}: erasure {Outcome}, data removed from {Families} key families")]
    private static partial void LogErased(ILogger logger, string requestId, string outcome, int families);
}
