using System.Text.Json.Serialization;

namespace NextBestAction.Contracts;

/// <summary>
/// Longest strings the contract accepts, in characters. Event data ends up in profiles (ids and names become keys of
/// bounded lists and maps), so a string past its limit dead-letters the event instead of growing a profile.
/// </summary>
public static class FieldLimits
{
    /// <summary>productId, orderId, ticketId, campaignId, notificationId, decisionId, actionId, sessionId.</summary>
    public const int Id = Identifiers.MaxLength;

    /// <summary>category, productLine, channel, topic, currency, preferredChannel, timeZone.</summary>
    public const int Name = 100;

    public const int Query = 500;

    public const int Url = 2048;

    /// <summary>order.returned reason.</summary>
    public const int Reason = 500;

    /// <summary>Items in one order.placed.</summary>
    public const int OrderItems = 100;

    /// <summary>The CloudEvents id and source attributes.</summary>
    public const int EnvelopeAttribute = 256;
}

/// <summary>
/// The typed <c>data</c> of a known event type. <see cref="Validate"/> returns a reason a person can
/// read when a required field is missing or out of range, or null when the data is valid.
/// </summary>
public abstract record EventData
{
    public abstract string? Validate();

    protected static string? Require(string? value, string field, int maxLength) =>
        string.IsNullOrWhiteSpace(value) ? $"data.{field} is required" : Optional(value, field, maxLength);

    protected static string? Optional(string? value, string field, int maxLength) =>
        value is not null && value.Length > maxLength ? $"data.{field} is {value.Length} characters long, at most {maxLength} are allowed" : null;

    protected static string? RequireNonNegative(decimal? value, string field) =>
        value switch
        {
            null => $"data.{field} is required",
            < 0 => $"data.{field} must not be negative",
            _ => null,
        };

    protected static string? FirstError(params string?[] errors) => errors.FirstOrDefault(e => e is not null);
}

public sealed record PageViewedData(string? Url, string? SessionId, string? Channel) : EventData
{
    public override string? Validate() => FirstError(
        Require(Url, "url", FieldLimits.Url), Optional(SessionId, "sessionId", FieldLimits.Id), Optional(Channel, "channel", FieldLimits.Name));
}

public sealed record ProductViewedData(string? ProductId, string? Category, string? ProductLine, decimal? Price, string? SessionId) : EventData
{
    public override string? Validate() => FirstError(
        Require(ProductId, "productId", FieldLimits.Id), Require(Category, "category", FieldLimits.Name), Require(ProductLine, "productLine", FieldLimits.Name),
        RequireNonNegative(Price, "price"), Optional(SessionId, "sessionId", FieldLimits.Id));
}

public sealed record SearchPerformedData(string? Query) : EventData
{
    public override string? Validate() => Require(Query, "query", FieldLimits.Query);
}

public sealed record CartItemAddedData(string? ProductId, string? Category, string? ProductLine, decimal? Price, int? Quantity) : EventData
{
    public override string? Validate() => FirstError(
        Require(ProductId, "productId", FieldLimits.Id), Require(Category, "category", FieldLimits.Name), Require(ProductLine, "productLine", FieldLimits.Name),
        RequireNonNegative(Price, "price"),
        Quantity is null or < 1 ? "data.quantity must be a whole number of at least 1" : null);
}

public sealed record ProductRefData(string? ProductId) : EventData
{
    public override string? Validate() => Require(ProductId, "productId", FieldLimits.Id);
}

public sealed record WishlistItemAddedData(string? ProductId, string? Category, string? ProductLine, decimal? Price) : EventData
{
    public override string? Validate() => FirstError(
        Require(ProductId, "productId", FieldLimits.Id), Require(Category, "category", FieldLimits.Name), Require(ProductLine, "productLine", FieldLimits.Name),
        RequireNonNegative(Price, "price"));
}

public sealed record CheckoutStartedData(decimal? CartValue) : EventData
{
    public override string? Validate() => RequireNonNegative(CartValue, "cartValue");
}

public sealed record LocationReportedData(double? Lat, double? Lon) : EventData
{
    public override string? Validate() => FirstError(
        Lat is null or < -90 or > 90 ? "data.lat must be a latitude between -90 and 90" : null,
        Lon is null or < -180 or > 180 ? "data.lon must be a longitude between -180 and 180" : null);
}

public sealed record CampaignRespondedData(string? CampaignId, string? Response) : EventData
{
    public override string? Validate() => FirstError(
        Require(CampaignId, "campaignId", FieldLimits.Id),
        Response is "opened" or "clicked" or "ignored" ? null : "data.response must be one of opened, clicked, ignored");
}

public sealed record NotificationOpenedData(string? NotificationId) : EventData
{
    public override string? Validate() => Require(NotificationId, "notificationId", FieldLimits.Id);
}

public sealed record OrderItem(string? ProductId, string? Category, string? ProductLine, decimal? Price, int? Quantity, bool? Gift);

public sealed record OrderPlacedData(string? OrderId, IReadOnlyList<OrderItem>? Items, decimal? Total, string? Currency, DateTimeOffset? PromisedDeliveryDate) : EventData
{
    public override string? Validate()
    {
        var error = FirstError(
            Require(OrderId, "orderId", FieldLimits.Id),
            Items is null || Items.Count == 0 ? "data.items must hold at least one item" : null,
            Items is { Count: > FieldLimits.OrderItems } ? $"data.items holds {Items.Count} items, at most {FieldLimits.OrderItems} are allowed" : null,
            RequireNonNegative(Total, "total"),
            Optional(Currency, "currency", FieldLimits.Name),
            PromisedDeliveryDate is null ? "data.promisedDeliveryDate is required" : null);
        if (error is not null)
        {
            return error;
        }

        for (var i = 0; i < Items!.Count; i++)
        {
            var item = Items[i];
            var itemError = FirstError(
                Require(item.ProductId, $"items[{i}].productId", FieldLimits.Id), Require(item.Category, $"items[{i}].category", FieldLimits.Name),
                Require(item.ProductLine, $"items[{i}].productLine", FieldLimits.Name), RequireNonNegative(item.Price, $"items[{i}].price"),
                item.Quantity is null or < 1 ? $"data.items[{i}].quantity must be a whole number of at least 1" : null);
            if (itemError is not null)
            {
                return itemError;
            }
        }

        return null;
    }
}

public sealed record OrderDeliveredData(string? OrderId, DateTimeOffset? DeliveredAt) : EventData
{
    public override string? Validate() => FirstError(
        Require(OrderId, "orderId", FieldLimits.Id), DeliveredAt is null ? "data.deliveredAt is required" : null);
}

public sealed record OrderReturnedData(string? OrderId, string? ProductId, string? Reason) : EventData
{
    public override string? Validate() => FirstError(
        Require(OrderId, "orderId", FieldLimits.Id), Require(ProductId, "productId", FieldLimits.Id), Optional(Reason, "reason", FieldLimits.Reason));
}

public sealed record OrderCancelledData(string? OrderId) : EventData
{
    public override string? Validate() => Require(OrderId, "orderId", FieldLimits.Id);
}

public sealed record ServiceContactOpenedData(string? TicketId, string? Channel, string? Topic) : EventData
{
    public override string? Validate() => FirstError(Require(TicketId, "ticketId", FieldLimits.Id), Require(Channel, "channel", FieldLimits.Name), Require(Topic, "topic", FieldLimits.Name));
}

public sealed record ServiceContactResolvedData(string? TicketId, int? Contacts) : EventData
{
    public override string? Validate() => FirstError(
        Require(TicketId, "ticketId", FieldLimits.Id), Contacts is null or < 1 ? "data.contacts must be a whole number of at least 1" : null);
}

public sealed record ProductPriceChangedData(string? ProductId, decimal? OldPrice, decimal? NewPrice) : EventData
{
    public override string? Validate() => FirstError(
        Require(ProductId, "productId", FieldLimits.Id), RequireNonNegative(OldPrice, "oldPrice"), RequireNonNegative(NewPrice, "newPrice"));
}

public sealed record ProductVersionReleasedData(string? ProductId, string? NewProductId) : EventData
{
    public override string? Validate() => FirstError(Require(ProductId, "productId", FieldLimits.Id), Require(NewProductId, "newProductId", FieldLimits.Id));
}

public sealed record OfferOutcomeData(string? DecisionId, string? ActionId) : EventData
{
    public override string? Validate() => FirstError(Require(DecisionId, "decisionId", FieldLimits.Id), Require(ActionId, "actionId", FieldLimits.Id));
}

/// <param name="CollectedVia">Where the customer gave or withdrew consent (for example <c>app-settings</c>, <c>checkout</c>, <c>service-desk</c>).</param>
/// <param name="TextVersion">The version of the consent text the customer was shown.</param>
public sealed record ConsentChangedData(bool? Marketing, bool? Profiling, bool? Location, string? CollectedVia = null, string? TextVersion = null) : EventData
{
    /// <summary>
    /// Restriction of processing (GDPR Art. 18), set and lifted by the privacy desk: while true the data is kept but
    /// used for nothing (no profiling, personalised decisions, notifications or training).
    /// </summary>
    public bool? Restricted { get; init; }

    /// <summary>
    /// Explicit consent to inferences about special categories of data (GDPR Art. 9(2)(a)), such as a pregnancy from
    /// what the customer looks at; without it they are not made.
    /// </summary>
    public bool? SpecialCategories { get; init; }

    /// <summary>Why the statement was made, where the privacy desk records one (e.g. a request's ticket number).</summary>
    public string? Reason { get; init; }

    public override string? Validate() => FirstError(
        Optional(Reason, "reason", FieldLimits.Name),
        Marketing is null && Profiling is null && Location is null && Restricted is null && SpecialCategories is null
            ? "data must set at least one of marketing, profiling, location, specialCategories, restricted" : null,
        Optional(CollectedVia, "collectedVia", FieldLimits.Name),
        Optional(TextVersion, "textVersion", FieldLimits.Name));
}

/// <summary>
/// Notification preferences (absent = unchanged): the customer's IANA time zone for quiet hours, the channel they
/// prefer, whether push and e-mail reach them, whether they want service notifications (delivery delays), and
/// whether they buy as a business (B2B).
/// </summary>
public sealed record PreferencesChangedData(string? TimeZone, string? PreferredChannel, bool? Push, bool? Email, bool? ServiceNotifications, bool? B2b) : EventData
{
    public static IReadOnlyList<string> Channels { get; } = ["push", "email", "account_manager"];

    public override string? Validate() => FirstError(
        TimeZone is null && PreferredChannel is null && Push is null && Email is null && ServiceNotifications is null && B2b is null
            ? "data must set at least one of timeZone, preferredChannel, push, email, serviceNotifications, b2b"
            : null,
        Optional(TimeZone, "timeZone", FieldLimits.Name),
        TimeZone is not null && !TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out _)
            ? "data.timeZone must be an IANA time zone, for example Europe/Amsterdam"
            : null,
        PreferredChannel is not null && !Channels.Contains(PreferredChannel)
            ? "data.preferredChannel must be one of push, email, account_manager"
            : null);
}

/// <summary><c>customer.erasure_requested</c>: the subject is the customer; the request carries nothing else.</summary>
public sealed record ErasureRequestedData : EventData
{
    public override string? Validate() => null;
}

/// <param name="RequestId">The receipt of the erasure (<c>GET /v1/privacy/requests/{requestId}</c>).</param>
public sealed record CustomerErasedData(string? RequestId, DateTimeOffset? ErasedAt) : EventData
{
    public override string? Validate() => FirstError(
        Require(RequestId, "requestId", FieldLimits.Id),
        ErasedAt is null ? "data.erasedAt is required" : null);
}
