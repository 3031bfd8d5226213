using System.Text.Json.Serialization;
using NextBestAction.Contracts;

namespace NextBestAction.Notifications;

/// <summary>Source-generated JSON for notifications on Kafka and the values kept in Redis.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(OutgoingCloudEvent<NotificationData>))]
[JsonSerializable(typeof(Notification))]
[JsonSerializable(typeof(FanoutJob))]
public sealed partial class NotificationsJsonContext : JsonSerializerContext;
