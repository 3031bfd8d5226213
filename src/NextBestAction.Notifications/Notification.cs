using System.Globalization;
using System.Text.Json.Serialization;
using NextBestAction.Contracts;

namespace NextBestAction.Notifications;

/// <summary>What a trigger wants to tell a customer, before the policy chose the channel and the moment.</summary>
/// <param name="DedupKey">Deterministic per customer and occasion: the same occasion seen again (redelivery, a second identical event) has the same key.</param>
public sealed record NotificationCandidate(
    string Type, string CustomerId, string DedupKey, string Title, string Body, IReadOnlyList<string> Reasons,
    DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);

/// <summary>
/// The <c>data</c> of a notification CloudEvent on <c>nba.notifications</c> (the contract's fields plus
/// <c>notificationId</c>, <c>kind</c> and <c>createdAt</c>).
/// </summary>
public sealed record NotificationData(
    string NotificationId,
    string CustomerId,
    string Channel,
    string Title,
    string Body,
    IReadOnlyList<string> Reasons,
    string DedupKey,
    DateTimeOffset ExpiresAt,
    string Kind,
    DateTimeOffset CreatedAt);

/// <summary>A notification ready to send: its deterministic id, type and data.</summary>
public sealed record Notification(string Type, NotificationData Data)
{
    [JsonIgnore]
    public string Id => Data.NotificationId;

    [JsonIgnore]
    public string CustomerId => Data.CustomerId;

    /// <summary>The span of the event that caused the notification; its send span continues that trace. Not stored.</summary>
    [JsonIgnore]
    public System.Diagnostics.ActivityContext Trace { get; init; }

    /// <summary>
    /// <c>ntf-{channel}-{16 hex digits}</c> from the dedup key: the same occasion always has the same id (a consumer
    /// may drop repeats by id), and an open (<c>notification.opened</c>) tells which channel reached the customer.
    /// </summary>
    public static string IdFor(string channel, string dedupKey) =>
        string.Create(CultureInfo.InvariantCulture, $"ntf-{channel}-{StableHash.Mixed(dedupKey):x16}");
}
