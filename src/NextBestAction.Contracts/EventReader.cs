using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace NextBestAction.Contracts;

/// <summary>A CloudEvent that passed validation, with its typed data.</summary>
public sealed record ValidEvent(string Id, string Source, string Type, DateTimeOffset Time, string Subject, EventData Data)
{
    /// <summary>Identifies the event across redeliveries and re-productions (CloudEvents source + id).</summary>
    public string DedupKey => $"{Source}|{Id}";
}

public enum ReadOutcome
{
    Valid,
    UnknownType,
    Invalid,
}

public readonly record struct ReadResult(ReadOutcome Outcome, ValidEvent? Event, string? Type, string? Reason)
{
    public static ReadResult Valid(ValidEvent e) => new(ReadOutcome.Valid, e, e.Type, null);
    public static ReadResult Unknown(string type) => new(ReadOutcome.UnknownType, null, type, null);
    public static ReadResult Invalid(string reason, string? type = null) => new(ReadOutcome.Invalid, null, type, reason);
}

/// <summary>Limits applied to every incoming event.</summary>
public sealed record EventLimits(int MaxEventBytes, TimeSpan MaxClockSkew)
{
    public static EventLimits Default { get; } = new(64 * 1024, TimeSpan.FromMinutes(5));

    /// <summary>How far in the past an event's time may lie; older events are dead-lettered (raise it to replay history).</summary>
    public TimeSpan MaxEventAge { get; init; } = TimeSpan.FromDays(30);
}

/// <summary>
/// Turns the raw bytes of a Kafka message into a validated event. Pure: no I/O, the clock is passed in,
/// so every rule here is unit-tested.
/// </summary>
public static class EventReader
{
    private static readonly Dictionary<string, JsonTypeInfo> DataTypes = new(StringComparer.Ordinal)
    {
        [EventTypes.PageViewed] = ContractsJsonContext.Default.PageViewedData,
        [EventTypes.ProductViewed] = ContractsJsonContext.Default.ProductViewedData,
        [EventTypes.SearchPerformed] = ContractsJsonContext.Default.SearchPerformedData,
        [EventTypes.CartItemAdded] = ContractsJsonContext.Default.CartItemAddedData,
        [EventTypes.CartItemRemoved] = ContractsJsonContext.Default.ProductRefData,
        [EventTypes.WishlistItemAdded] = ContractsJsonContext.Default.WishlistItemAddedData,
        [EventTypes.WishlistItemRemoved] = ContractsJsonContext.Default.ProductRefData,
        [EventTypes.CheckoutStarted] = ContractsJsonContext.Default.CheckoutStartedData,
        [EventTypes.LocationReported] = ContractsJsonContext.Default.LocationReportedData,
        [EventTypes.CampaignResponded] = ContractsJsonContext.Default.CampaignRespondedData,
        [EventTypes.NotificationOpened] = ContractsJsonContext.Default.NotificationOpenedData,
        [EventTypes.OrderPlaced] = ContractsJsonContext.Default.OrderPlacedData,
        [EventTypes.OrderDelivered] = ContractsJsonContext.Default.OrderDeliveredData,
        [EventTypes.OrderReturned] = ContractsJsonContext.Default.OrderReturnedData,
        [EventTypes.OrderCancelled] = ContractsJsonContext.Default.OrderCancelledData,
        [EventTypes.ServiceContactOpened] = ContractsJsonContext.Default.ServiceContactOpenedData,
        [EventTypes.ServiceContactResolved] = ContractsJsonContext.Default.ServiceContactResolvedData,
        [EventTypes.ProductPriceChanged] = ContractsJsonContext.Default.ProductPriceChangedData,
        [EventTypes.ProductBackInStock] = ContractsJsonContext.Default.ProductRefData,
        [EventTypes.ProductVersionReleased] = ContractsJsonContext.Default.ProductVersionReleasedData,
        [EventTypes.OfferAccepted] = ContractsJsonContext.Default.OfferOutcomeData,
        [EventTypes.OfferDeclined] = ContractsJsonContext.Default.OfferOutcomeData,
        [EventTypes.OfferIgnored] = ContractsJsonContext.Default.OfferOutcomeData,
        [EventTypes.ConsentChanged] = ContractsJsonContext.Default.ConsentChangedData,
        [EventTypes.PreferencesChanged] = ContractsJsonContext.Default.PreferencesChangedData,
        [EventTypes.ErasureRequested] = ContractsJsonContext.Default.ErasureRequestedData,
        [EventTypes.CustomerErased] = ContractsJsonContext.Default.CustomerErasedData,
    };

    /// <summary>Every event type the contract defines.</summary>
    public static IReadOnlyCollection<string> KnownTypes => DataTypes.Keys;

    public static ReadResult Read(ReadOnlySpan<byte> utf8Json, DateTimeOffset now, EventLimits limits)
    {
        if (utf8Json.Length == 0)
        {
            return ReadResult.Invalid("empty message: expected a CloudEvents JSON object");
        }

        if (utf8Json.Length > limits.MaxEventBytes)
        {
            return ReadResult.Invalid($"event is {utf8Json.Length} bytes, over the limit of {limits.MaxEventBytes} bytes");
        }

        CloudEvent? envelope;
        try
        {
            envelope = JsonSerializer.Deserialize(utf8Json, ContractsJsonContext.Default.CloudEvent);
        }
        catch (JsonException ex)
        {
            return ReadResult.Invalid($"not a CloudEvents JSON object: {ex.Message}");
        }

        if (envelope is null)
        {
            return ReadResult.Invalid("not a CloudEvents JSON object: null");
        }

        var envelopeError = ValidateEnvelope(envelope, now, limits);
        if (envelopeError is not null)
        {
            return ReadResult.Invalid(envelopeError, envelope.Type);
        }

        if (!DataTypes.TryGetValue(envelope.Type!, out var dataType))
        {
            return ReadResult.Unknown(envelope.Type!);
        }

        if (envelope.Data.ValueKind != JsonValueKind.Object)
        {
            return ReadResult.Invalid("data must be a JSON object", envelope.Type);
        }

        EventData? data;
        try
        {
            data = (EventData?)envelope.Data.Deserialize(dataType);
        }
        catch (JsonException ex)
        {
            return ReadResult.Invalid($"data does not match {envelope.Type}: {ex.Message}", envelope.Type);
        }

        var dataError = data is null ? "data must be a JSON object" : data.Validate();
        return dataError is not null
            ? ReadResult.Invalid(dataError, envelope.Type)
            : ReadResult.Valid(new ValidEvent(envelope.Id!, envelope.Source!, envelope.Type!, envelope.Time!.Value, envelope.Subject!, data!));
    }

    private static string? ValidateEnvelope(CloudEvent e, DateTimeOffset now, EventLimits limits)
    {
        if (e.SpecVersion != "1.0")
        {
            return $"specversion must be \"1.0\", was {(e.SpecVersion is null ? "missing" : $"\"{e.SpecVersion}\"")}";
        }

        if (string.IsNullOrWhiteSpace(e.Id))
        {
            return "id is required";
        }

        if (e.Id.Length > FieldLimits.EnvelopeAttribute)
        {
            return $"id is {e.Id.Length} characters long, at most {FieldLimits.EnvelopeAttribute} are allowed";
        }

        if (string.IsNullOrWhiteSpace(e.Source))
        {
            return "source is required";
        }

        if (e.Source.Length > FieldLimits.EnvelopeAttribute)
        {
            return $"source is {e.Source.Length} characters long, at most {FieldLimits.EnvelopeAttribute} are allowed";
        }

        if (string.IsNullOrWhiteSpace(e.Type))
        {
            return "type is required";
        }

        if (string.IsNullOrWhiteSpace(e.Subject))
        {
            return "subject (the customer or product id) is required";
        }

        if (!Identifiers.IsValid(e.Subject))
        {
            return $"subject must be {Identifiers.Rule}";
        }

        if (e.Time is null)
        {
            return "time is required";
        }

        if (e.Time.Value > now + limits.MaxClockSkew)
        {
            return $"time {e.Time.Value:O} is more than {limits.MaxClockSkew.TotalSeconds:0} s in the future";
        }

        if (e.Time.Value < now - limits.MaxEventAge)
        {
            return $"time {e.Time.Value:O} is more than {limits.MaxEventAge.TotalDays:0.##} days in the past (Ingestion:MaxEventAgeDays)";
        }

        if (e.DataContentType is not null && !e.DataContentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return $"datacontenttype must be application/json, was \"{e.DataContentType}\"";
        }

        return null;
    }
}
