using System.Text;
using NextBestAction.Decisioning.Catalog;

namespace NextBestAction.UnitTests.Decisioning;

/// <summary>Catalogs for engine tests, written in the real file format and loaded by the real loader.</summary>
internal static class TestCatalog
{
    public const string Standard = """
        {
          "version": "test-1",
          "contactPolicy": { "maxPerDayOverall": 4, "maxPerWeekOverall": 10,
                             "defaults": { "maxPerDay": 3, "maxPerWeek": 6, "cooldownAfterDeclineHours": 72 } },
          "contextWeights": { "checkout": { "bundle": 1.2, "service": 1.0 } },
          "suppressions": [
            { "id": "no-upsell-during-service-issue", "appliesTo": "bundle", "when": "orders.late > 0 or service.openContacts > 0",
              "reason": "no upsell while the customer waits" }
          ],
          "actions": [
            { "id": "bundle-galaxy-s", "kind": "bundle", "title": "Case + charger", "productLine": "galaxy-s",
              "bundleProducts": ["p-galaxy-case", "p-galaxy-charger"], "discountPercent": 15, "value": 24, "channels": ["web", "app"],
              "eligibility": ["cart.productLines contains action.productLine", "not action.bundleInCart"] },
            { "id": "bundle-iphone", "kind": "bundle", "title": "MagSafe", "productLine": "iphone",
              "bundleProducts": ["p-magsafe"], "discountPercent": 10, "value": 26, "channels": ["web", "app"],
              "eligibility": ["cart.productLines contains action.productLine", "not action.bundleInCart"] },
            { "id": "service-apology", "kind": "service", "title": "Free express delivery", "value": 10,
              "eligibility": ["orders.late >= 1 or promises.broken90d >= 1"] },
            { "id": "service-advisor", "kind": "service", "title": "Advisor call", "value": 3, "eligibility": ["true"] }
          ]
        }
        """;

    public static ActionCatalog Load(string json = Standard) => CatalogLoader.Parse(Encoding.UTF8.GetBytes(json), "actions.json");

    /// <summary>The standard catalog with one text replaced, for a variant of one setting.</summary>
    public static ActionCatalog With(string replace, string by)
    {
        Assert.Contains(replace, Standard, StringComparison.Ordinal);
        return Load(Standard.Replace(replace, by, StringComparison.Ordinal));
    }
}

/// <summary>A clock tests move by hand.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset now = start;

    public override DateTimeOffset GetUtcNow() => now;

    public void Advance(TimeSpan by) => now += by;
}
