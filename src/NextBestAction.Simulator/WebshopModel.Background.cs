using NextBestAction.Contracts;

namespace NextBestAction.Simulator;

/// <summary>Events outside a shopping session: campaign responses, notification opens, locations, consent and preferences, catalog changes.</summary>
public sealed partial class WebshopModel
{
    private SimulatedEvent? RespondToCampaign(DateTimeOffset now)
    {
        var customer = PickCustomer();
        if (!customer.Marketing)
        {
            return null; // no marketing consent, no campaign
        }

        var campaignId = Campaigns[random.Next(Campaigns.Length)];
        var roll = random.NextDouble();
        var response = roll < 0.05 + (0.25 * customer.Responsiveness) ? "clicked"
            : roll < 0.35 + (0.3 * customer.Responsiveness) ? "opened"
            : "ignored";
        if (response == "clicked" && customer.Session is null && browsing.Count < maxBrowsing)
        {
            StartSession(customer, $"/campaign/{campaignId}");
        }

        return Event(WebshopSource, EventTypes.CampaignResponded, now, customer.Id, new CampaignRespondedData(campaignId, response));
    }

    private SimulatedEvent OpenNotification(DateTimeOffset now) =>
        Event(WebshopSource, EventTypes.NotificationOpened, now, PickCustomer().Id, new NotificationOpenedData(NewReference("sim-ntf")));

    private SimulatedEvent? ReportLocation(DateTimeOffset now)
    {
        var customer = PickCustomer();
        if (!customer.Location)
        {
            return null;
        }

        var (lat, lon) = Cities[random.NextDouble() < 0.8 ? customer.City : random.Next(Cities.Length)];
        return Event(WebshopSource, EventTypes.LocationReported, now, customer.Id, new LocationReportedData(
            Math.Round(lat + ((random.NextDouble() - 0.5) * 0.08), 5), Math.Round(lon + ((random.NextDouble() - 0.5) * 0.12), 5)));
    }

    /// <summary>Flips one consent; the event carries only that one (absent = unchanged).</summary>
    private SimulatedEvent ChangeConsent(DateTimeOffset now)
    {
        var customer = PickCustomer();
        ConsentChangedData data = random.Next(3) switch
        {
            0 => new(customer.Marketing = !customer.Marketing, null, null),
            1 => new(null, customer.Profiling = !customer.Profiling, null),
            _ => new(null, null, customer.Location = !customer.Location),
        };

        // A customer who reviews consent also sets notification preferences a moment later. Derived from the id, not
        // drawn, so the model's random sequence is the same as without them.
        var id = customer.Id;
        Schedule(now.AddSeconds(1), at => Event(WebshopSource, EventTypes.PreferencesChanged, at, id, PreferencesOf(id)));
        return Event(WebshopSource, EventTypes.ConsentChanged, now, customer.Id, data);
    }

    private static readonly string[] TimeZones = ["Europe/Amsterdam", "Europe/Brussels", "Europe/London", "America/New_York"];

    private static PreferencesChangedData PreferencesOf(string customerId)
    {
        var hash = StableHash.Mixed(customerId);
        return new PreferencesChangedData(
            TimeZones[hash % (ulong)TimeZones.Length],
            (hash >> 8) % 3 == 0 ? "email" : null,
            Push: (hash >> 16) % 5 != 0,
            Email: true,
            ServiceNotifications: true,
            B2b: (hash >> 24) % 10 == 0);
    }

    private SimulatedEvent? ChangeCatalog(DateTimeOffset now)
    {
        var product = SimulatedCatalog.Products[random.Next(SimulatedCatalog.Products.Count)];
        var state = products[product.Id];
        var roll = random.NextDouble();
        if (roll < 0.6)
        {
            return ChangePrice(product, state, now);
        }

        if (roll < 0.85)
        {
            // Selling out has no event in the contract; coming back in stock does.
            if (state.InStock)
            {
                state.InStock = false;
                Schedule(now.AddSeconds(60 + random.Next(540)), t =>
                {
                    state.InStock = true;
                    return Event(CatalogSource, EventTypes.ProductBackInStock, t, product.Id, new ProductRefData(product.Id));
                });
            }

            return null;
        }

        return product.SuccessorId is { } successor
            ? Event(CatalogSource, EventTypes.ProductVersionReleased, now, product.Id, new ProductVersionReleasedData(product.Id, successor))
            : null;
    }

    /// <summary>Mostly drops of 5..25% to a .99 price, down to about 60% of list; promotions end back at list price.</summary>
    private SimulatedEvent ChangePrice(SimulatedProduct product, ProductState state, DateTimeOffset now)
    {
        var oldPrice = state.Price;
        var discounted = oldPrice < product.ListPrice;
        var newPrice = (discounted && random.NextDouble() < 0.25) || oldPrice <= product.ListPrice * 0.6m
            ? product.ListPrice
            : decimal.Floor(oldPrice * (decimal)(0.75 + (random.NextDouble() * 0.2))) - 0.01m;
        state.Price = newPrice;
        return Event(CatalogSource, EventTypes.ProductPriceChanged, now, product.Id, new ProductPriceChangedData(product.Id, oldPrice, newPrice));
    }
}
