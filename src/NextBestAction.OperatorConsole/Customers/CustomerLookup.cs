using Microsoft.AspNetCore.Http;
using NextBestAction.Decisioning.Catalog;
using NextBestAction.Decisioning.Privacy;

namespace NextBestAction.OperatorConsole.Customers;

/// <summary>Everything held about one customer as the viewer shows it, read at <paramref name="Now"/>.</summary>
public sealed record CustomerRecord(CustomerExportDocument Document, ContactHistoryView Contacts, DateTimeOffset Now);

/// <summary>
/// The viewer's read: the export reader (every per-customer key family, as the export route reads them) and the live
/// catalog's cool-downs, each read written first to the personal-data audit as the API's profile route does.
/// </summary>
public sealed class CustomerLookup(CustomerExport export, CatalogProvider catalogs, PersonalDataAudit audit, TimeProvider clock)
{
    /// <summary>Reads a customer whose id is valid (<see cref="NextBestAction.Contracts.Identifiers.IsValid"/>).</summary>
    public async Task<CustomerRecord> ReadAsync(HttpContext context, string customerId)
    {
        await audit.RecordAsync(context, customerId, PersonalDataAudit.Profile);
        var now = clock.GetUtcNow();
        var document = await export.ReadAsync(customerId, now);
        return new CustomerRecord(document, ContactHistoryView.From(document.Impressions, document.Declines, catalogs.Current, now), now);
    }
}
