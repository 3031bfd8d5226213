using Confluent.Kafka;
using Microsoft.Extensions.Options;
using NextBestAction.Contracts;

namespace NextBestAction.Decisioning.Privacy;

/// <param name="CollectedVia">Where the customer gave or withdrew consent: <c>app-settings</c>, <c>checkout</c>, ...</param>
/// <param name="TextVersion">The version of the consent text the customer was shown.</param>
public sealed record ConsentRequest(bool? Marketing, bool? Profiling, bool? Location, string? CollectedVia, string? TextVersion)
{
    /// <summary>Explicit consent to special-category inferences (GDPR Art. 9), such as a pregnancy life stage.</summary>
    public bool? SpecialCategories { get; init; }
}

/// <param name="Restricted">True restricts processing of the customer's data (GDPR Art. 18); false lifts the restriction.</param>
/// <param name="Reason">Why, as the privacy desk records it (e.g. the ticket number); kept in the consent history.</param>
public sealed record RestrictionRequest(bool? Restricted, string? Reason);

/// <summary>The consent change was accepted and is on its way to the profile (through <c>nba.consent</c>, in order with the customer's other events).</summary>
public sealed record ConsentAccepted(string EventId, DateTimeOffset At);

/// <summary>
/// Consent given or withdrawn through the API (GDPR Art. 7): written as a <c>consent.changed</c> event on the consent
/// topic, so it reaches the profile through ingestion like every other change, in order and exactly once. The event's
/// source names the API key that sent it; with where it was collected and the text version it is kept in the profile's
/// consent history.
/// </summary>
public sealed class ConsentService(IProducer<string, byte[]> producer, IOptions<KafkaOptions> kafka, TimeProvider clock)
{
    private readonly string topic = kafka.Value.Topics.Consent;

    /// <summary>Field errors of a request, by field name; empty when it can be sent.</summary>
    public static Dictionary<string, string[]> Validate(ConsentRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var data = ToData(request);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(request.CollectedVia))
        {
            errors["collectedVia"] = ["collectedVia is required: where the customer gave or withdrew consent"];
        }

        if (string.IsNullOrWhiteSpace(request.TextVersion))
        {
            errors["textVersion"] = ["textVersion is required: the version of the consent text the customer was shown"];
        }

        if (errors.Count == 0 && data.Validate() is { } reason)
        {
            errors["consent"] = [reason.Replace("data.", "", StringComparison.Ordinal).Replace("data ", "the request ", StringComparison.Ordinal)];
        }

        return errors;
    }

    /// <summary>Field errors of a restriction request, by field name; empty when it can be sent.</summary>
    public static Dictionary<string, string[]> Validate(RestrictionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (request.Restricted is null)
        {
            errors["restricted"] = ["restricted is required: true restricts processing, false lifts the restriction"];
        }

        if (string.IsNullOrWhiteSpace(request.Reason) || request.Reason.Length > FieldLimits.Name || request.Reason.Any(char.IsControl))
        {
            errors["reason"] = [$"reason is required: why, e.g. the request's ticket number (at most {FieldLimits.Name} characters, no control characters)"];
        }

        return errors;
    }

    /// <param name="sender">The API key's name: which system sent the change.</param>
    public Task<ConsentAccepted> ChangeAsync(string customerId, ConsentRequest request, string sender, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ProduceAsync(customerId, ToData(request),
            sender, cancellationToken);
    }

    /// <summary>Restricts processing or lifts the restriction (GDPR Art. 18), as a consent statement the consent history keeps with its reason.</summary>
    public Task<ConsentAccepted> RestrictAsync(string customerId, RestrictionRequest request, string sender, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ProduceAsync(customerId, new ConsentChangedData(null, null, null, RestrictionCollectedVia) { Restricted = request.Restricted, Reason = request.Reason },
            sender, cancellationToken);
    }

    private static ConsentChangedData ToData(ConsentRequest request) =>
        new(request.Marketing, request.Profiling, request.Location, request.CollectedVia, request.TextVersion) { SpecialCategories = request.SpecialCategories };

    /// <summary>Where a restriction statement was "collected": a request to the privacy desk.</summary>
    public const string RestrictionCollectedVia = "privacy-request";

    private async Task<ConsentAccepted> ProduceAsync(string customerId, ConsentChangedData data, string sender, CancellationToken cancellationToken)
    {
        var at = clock.GetUtcNow();
        var id = Guid.CreateVersion7(at).ToString("N");
        // The CloudEvents source has a length limit; key names are the operator's and usually short.
        var source = $"/nba/api/{sender}";
        var e = new OutgoingCloudEvent<ConsentChangedData>(id, source[..Math.Min(source.Length, FieldLimits.EnvelopeAttribute)], EventTypes.ConsentChanged, at, customerId, data);
        await producer.ProduceAsync(topic, new Message<string, byte[]>
        {
            Key = customerId,
            Value = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(e, ContractsJsonContext.Default.OutgoingCloudEventConsentChangedData),
        }, cancellationToken);
        return new ConsentAccepted(id, at);
    }
}
