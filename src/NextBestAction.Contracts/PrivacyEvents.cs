using System.Text.Json;

namespace NextBestAction.Contracts;

/// <summary>The events this service writes to the privacy topic.</summary>
public static class PrivacyEvents
{
    /// <summary>
    /// <c>customer.erased</c>, keyed and subjected by the customer id so downstream systems can find their copies.
    /// The id is the request id: a retried announcement of the same erasure is recognisable as one.
    /// </summary>
    public static byte[] CustomerErased(string customerId, string requestId, DateTimeOffset erasedAt, string source) =>
        JsonSerializer.SerializeToUtf8Bytes(
            new OutgoingCloudEvent<CustomerErasedData>(requestId, source, EventTypes.CustomerErased, erasedAt, customerId, new CustomerErasedData(requestId, erasedAt)),
            ContractsJsonContext.Default.OutgoingCloudEventCustomerErasedData);
}
