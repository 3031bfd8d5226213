using System.Text.Json.Serialization;

namespace NextBestAction.Contracts;

/// <summary>Source-generated JSON for the event contract: no reflection on the ingestion hot path.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(CloudEvent))]
[JsonSerializable(typeof(PageViewedData))]
[JsonSerializable(typeof(ProductViewedData))]
[JsonSerializable(typeof(SearchPerformedData))]
[JsonSerializable(typeof(CartItemAddedData))]
[JsonSerializable(typeof(ProductRefData))]
[JsonSerializable(typeof(WishlistItemAddedData))]
[JsonSerializable(typeof(CheckoutStartedData))]
[JsonSerializable(typeof(LocationReportedData))]
[JsonSerializable(typeof(CampaignRespondedData))]
[JsonSerializable(typeof(NotificationOpenedData))]
[JsonSerializable(typeof(OrderPlacedData))]
[JsonSerializable(typeof(OrderDeliveredData))]
[JsonSerializable(typeof(OrderReturnedData))]
[JsonSerializable(typeof(OrderCancelledData))]
[JsonSerializable(typeof(ServiceContactOpenedData))]
[JsonSerializable(typeof(ServiceContactResolvedData))]
[JsonSerializable(typeof(ProductPriceChangedData))]
[JsonSerializable(typeof(ProductVersionReleasedData))]
[JsonSerializable(typeof(OfferOutcomeData))]
[JsonSerializable(typeof(ConsentChangedData))]
[JsonSerializable(typeof(PreferencesChangedData))]
[JsonSerializable(typeof(ErasureRequestedData))]
[JsonSerializable(typeof(CustomerErasedData))]
[JsonSerializable(typeof(OutgoingCloudEvent<CustomerErasedData>))]
[JsonSerializable(typeof(OutgoingCloudEvent<ConsentChangedData>))]
public sealed partial class ContractsJsonContext : JsonSerializerContext;
