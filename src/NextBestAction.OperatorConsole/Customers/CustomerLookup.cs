using Microsoft.AspNetCore.Http;
using NextBestAction.Decisioning.Catalog;
using NextBestAction.Decisioning.Privacy;
using StackExchange.Redis;

namespace NextBestAction.OperatorConsole.Customers;

/// <summary>Everything held about one customer as the viewer shows it, read at <paramref name="Now"/>.</summary>
public sealed record CustomerRecord(CustomerExportDocument Document, ContactHistoryView Contacts, DateTimeOffset Now);

/// <summary>
/// The viewer's read: the export reader (every per-customer key family, as the export route reads them) and the live
/// catalog's cool-downs, each read written first to the personal-data audit as the API's profile route does.
/// </summary>
public sealed class CustomerLookup(CustomerExport export, CatalogProvider catalogs, PersonalDataAudit audit, TimeProvider clock)
{
    public const string UnavailableMessage = "The customer's data (Redis) cannot be read right now; nothing is shown. Look the customer up again to retry.";

    /// <summary>Reads a customer whose id is valid (<see cref="NextBestAction.Contracts.Identifiers.IsValid"/>); null when Redis cannot be read.</summary>
    public async Task<CustomerRecord?> ReadAsync(HttpContext context, string customerId)
    {
        var now = clock.GetUtcNow();
        CustomerExportDocument document;
        try
        {
            // Inside the try: the audit's subject hash key may live in Redis too, and nothing is shown unaudited.
            await audit.RecordAsync(context, customerId, PersonalDataAudit.Profile);
            document = await export.ReadAsync(customerId, now);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return null;
        }

        return new CustomerRecord(document, ContactHistoryView.From(document.Impressions, document.Declines, catalogs.Current, now), now);
    }
}
