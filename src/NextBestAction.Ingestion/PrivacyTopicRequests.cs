using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NextBestAction.Contracts;
using NextBestAction.Profiles.Privacy;
using NextBestAction.Telemetry;

namespace NextBestAction.Ingestion;

/// <summary>
/// Erasure requests from the privacy topic (<c>customer.erasure_requested</c>): each customer is erased and receipted as
/// over HTTP (<see cref="PrivacyRequests"/>), and the erasure is announced as <c>customer.erased</c> on the same topic.
/// Runs before the batch's customer events are applied, so those from before the erasure are dropped with the rest.
/// A redelivered request erases again, which is harmless, and announces again under a new request id.
/// </summary>
public sealed partial class PrivacyTopicRequests(
    PrivacyRequests requests, IProducer<byte[]?, byte[]?> producer, IOptions<KafkaOptions> kafka, NbaTelemetry telemetry, ILogger<PrivacyTopicRequests> logger)
{
    public const string Source = "/nba/privacy";

    /// <summary>Who asked, in the receipt of an erasure requested on the topic.</summary>
    public const string RequestedBy = "privacy topic";

    private readonly string topic = kafka.Value.Topics.Privacy;

    public async Task HandleAsync(IReadOnlyList<ValidEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var e in events.Where(e => e.Type == EventTypes.ErasureRequested))
        {
            var receipt = await requests.EraseAsync(e.Subject, RequestedBy);
            telemetry.PrivacyRequests.Add(1, new KeyValuePair<string, object?>("kind", receipt.Kind), new KeyValuePair<string, object?>("outcome", receipt.Outcome));
            LogErased(logger, receipt.RequestId, receipt.Outcome);
            await producer.ProduceAsync(topic, new Message<byte[]?, byte[]?>
            {
                Key = Encoding.UTF8.GetBytes(e.Subject),
                Value = PrivacyEvents.CustomerErased(e.Subject, receipt.RequestId, receipt.CompletedAt, Source),
            }, cancellationToken);
        }
    }

    [LoggerMessage(EventId = 2201, Level = LogLevel.Information, Message = "Privacy request {RequestId} from the privacy topic: erasure {Outcome}")]
    private static partial void LogErased(ILogger logger, string requestId, string outcome);
}
