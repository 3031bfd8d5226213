using System.Text.Json;
using NextBestAction.Decisioning.Api;
using NextBestAction.Decisioning.Catalog;
using NextBestAction.Decisioning.Engine;
using NextBestAction.Profiles;

namespace NextBestAction.Decisioning.Warmup;

/// <summary>A made-up customer for the warm-up: stored profile values, contact history and request, as the service sees them.</summary>
internal sealed record SyntheticCustomer(string DecisionId, byte[] RequestBody, StackExchange.Redis.RedisValue[] Stored, ContactHistory Contacts, DateTimeOffset Now);

/// <summary>
/// One synthetic customer per catalog action, varied so the warm-up reaches every branch a real mix does: a cart
/// and interest in the action's product line, some with late orders, broken promises, open service contacts,
/// declines, withdrawn consent or debug output.
/// </summary>
internal static class SyntheticCustomers
{
    private const int MaxActions = 3;

    public static IReadOnlyList<SyntheticCustomer> For(ActionCatalog catalog, DateTimeOffset now)
    {
        var customers = new List<SyntheticCustomer>(catalog.Actions.Count);
        var today = ContactHistory.DayNumber(now);
        for (var i = 0; i < catalog.Actions.Count; i++)
        {
            var action = catalog.Actions[i];
            var line = action.ProductLine ?? "warmup-line";
            var id = $"warmup-{i:D4}";
            var profile = new CustomerProfile
            {
                CustomerId = id,
                FirstSeenAt = now.AddDays(-30 - i),
                OrderCount = i % 5,
                TotalSpend = 120m * (i % 5),
                LastOrderAt = i % 5 == 0 ? null : now.AddDays(-i),
                Returns = i % 4 == 1 ? 1 : 0,
                LastReturnAt = i % 4 == 1 ? now.AddDays(-3) : null,
                Consent = new ConsentState { Marketing = i % 7 != 3, Profiling = i % 11 != 5 },
            };
            profile.ProductLineInterest[line] = new DecayingScore(1 + (i % 3), now.AddDays(-1));
            profile.CategoryInterest["warmup-category"] = new DecayingScore(2, now.AddDays(-2));
            profile.Wishlist.Add(new WishlistItem($"{id}-wish", "warmup-category", line, 99m, now.AddDays(-5)));
            if (i % 3 == 0)
            {
                profile.OpenOrders.Add(new OpenOrder($"{id}-order", now.AddDays(-4), now.AddDays(-1), 250m, [line]));
                profile.BrokenPromises.Add(new BrokenPromise($"{id}-late", now.AddDays(-20), now.AddDays(-18)));
            }

            if (i % 4 == 2)
            {
                profile.OpenContacts.Add(new OpenContact($"{id}-ticket", "phone", "delivery", now.AddHours(-6)));
                profile.ContactMoments = 2;
                profile.ResolvedContacts = 1;
            }

            profile.OfferOutcomes[action.Id] = new OfferOutcomes(i % 2, 1, now.AddDays(-2)) { LastDeclinedAt = now.AddDays(-2) };

            var contacts = ContactHistory.FromFields(
                [KeyValuePair.Create(ContactHistory.ImpressionField(today, action.Id), (long)(i % 3)),
                 KeyValuePair.Create(ContactHistory.DeclineField(action.Id), now.AddDays(-i % 9).ToUnixTimeSeconds())],
                now);
            var product = action.BundleProducts.Count > 0 ? action.BundleProducts[0] : $"{id}-product";
            var cart = i % 6 == 5 ? [] : new[] { new RequestCartItem(product, "warmup-category", line, 300m + i, 1 + (i % 2)) };
            var request = new DecisionRequest(id, "checkout", "web", new DecisionContext(cart), MaxActions, Debug: i % 4 == 0);
            customers.Add(new SyntheticCustomer(
                Guid.CreateVersion7().ToString("N"),
                JsonSerializer.SerializeToUtf8Bytes(request, DecisionJsonContext.Default.DecisionRequest),
                // Every fifth as release 1 stored it, so the first read of a not yet upgraded profile meets warm code.
                i % 5 == 4 ? [JsonSerializer.SerializeToUtf8Bytes(profile, ProfilesJsonContext.Default.CustomerProfile), StackExchange.Redis.RedisValue.Null]
                    : RedisProfileStore.ToStored(profile, now),
                contacts,
                now));
        }

        return customers;
    }
}
