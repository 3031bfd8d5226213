using System.Text.RegularExpressions;

namespace NextBestAction.Profiles;

/// <summary>Whether a key family belongs to one customer (under the customer's hash tag) or holds many.</summary>
public enum KeyScope
{
    Customer,
    Shared,
}

/// <param name="Pattern">The key after <c>{prefix}:</c>; <c>{customer}</c> is the customer's hash tag, <c>*</c> any text.</param>
/// <param name="Content">What the value holds.</param>
/// <param name="Retention">How long it stays, and what ends it.</param>
/// <param name="WrittenBy">The component that writes it.</param>
/// <param name="FindingACustomer">For a shared family: how one customer's data is found in it, or why it holds none.</param>
public sealed record KeyFamily(string Name, KeyScope Scope, string Pattern, string Content, string Retention, string WrittenBy, string? FindingACustomer = null);

/// <summary>
/// Every key family the service keeps in Redis: what it holds, how long, and who writes it. The one list of what is
/// kept per customer: erasure and export go through it, docs/profile.md shows it, and a test holds every key a
/// simulated run leaves to one of these families. Adding a key family: add it here with its retention, build its names
/// in <see cref="ProfileKeys"/> (per customer: under the customer's hash tag), and describe it in docs/profile.md.
/// </summary>
public static class CustomerKeyFamilies
{
    private const string ProductIndexLookup =
        "the member is the customer id; the profile does not keep every product bought, so finding one customer means scanning the family";

    public static IReadOnlyList<KeyFamily> All { get; } =
    [
        new("profile", KeyScope.Customer, "{customer}:profile",
            "the decision part of the profile: interests, cart, wishlist, orders, spend, promises, service contacts, engagement, offer outcomes, consent (release 1: the whole profile as JSON)",
            "Profiles:InactiveRetentionDays after the last write, or erasure", "ingestion"),
        new("bookkeeping", KeyScope.Customer, "{customer}:book",
            "the rest of the profile: applied offsets, the duplicate window, tombstones (removals, closed orders, resolved tickets), recent views and searches, weekly orders, campaign and notification responses, preferences, the consent history (proof of consent)",
            "Profiles:InactiveRetentionDays after the last write, or erasure", "ingestion"),
        new("temporary", KeyScope.Customer, "{customer}:temp",
            "location fix and session context, each with its own expiry",
            "Redis expiry at the latest expiry of its parts (location: Profiles:LocationTtlMinutes, session: Profiles:SessionTtlMinutes); hidden from readers once expired",
            "ingestion"),
        new("version", KeyScope.Customer, "{customer}:ver", "the profile's write counter for compare-and-set", "Profiles:InactiveRetentionDays after the last write, or erasure", "ingestion"),
        new("contacts", KeyScope.Customer, "{customer}:contacts",
            "impressions per action per day and the last decline per action",
            "days older than a week pruned; the key expires 31 days after the last contact", "decision API"),
        new("decisions", KeyScope.Customer, "{customer}:decisions",
            "each decision's time, touchpoint and shown actions, its explanation (with the request's cart), and the outcome reported for each",
            "Decisions:OutcomeWindowHours after the decision (pruned as the hash grows; the key expires a window after the last decision)",
            "decision API"),
        new("notification-claims", KeyScope.Customer, "{customer}:ntf:*",
            "one notification's state (pending, deferred with its content, sent, withdrawn) under a hash of its dedup key",
            "Notifications:DedupRetentionDays", "notifications"),
        new("notification-day-caps", KeyScope.Customer, "{customer}:ntfday:*", "notifications counted against the daily caps, per type", "2 days", "notifications"),
        new("notification-week-caps", KeyScope.Customer, "{customer}:ntfweek:*", "notifications counted against the weekly caps, per type", "14 days", "notifications"),
        new("decision-owner", KeyScope.Shared, "decision-owner:*", "the customer id a decision was for",
            "Decisions:OutcomeWindowHours", "decision API",
            "one key per decision, named by the decision id; the customer's decisions hash lists the ids"),
        new("release1-decision", KeyScope.Shared, "decision:*", "release 1's record of one decision (customer id, actions, time, touchpoint, outcomes)",
            "expires Decisions:OutcomeWindowHours after the decision; no new ones are written", "release 1 of the decision API",
            "field customer holds the customer id; found by scanning the family until the last one has expired"),
        new("adaptive", KeyScope.Shared, "adaptive", "impressions, expected and actual acceptances per touchpoint and action, summed over customers",
            "until reset", "decision API", "holds no customer's data: sums only"),
        new("offer-stats", KeyScope.Shared, "offer-stats:*",
            "per UTC day, group and action: impressions, explored impressions, acceptances, accepted value and its squares; decisions per group",
            "35 days after the day's last write", "decision API", "holds no customer's data: sums only"),
        new("catalog-publications", KeyScope.Shared, "catalog:*",
            "catalogs published from the operator console (JSON, version, who published and when), the pointer to the live one and the shared draft",
            "the last 20 publications; the draft until it is published or discarded", "operator console (decision API)",
            "holds no customer's data: catalog text and the names of the API keys that published"),
        new("product-wishlists", KeyScope.Shared, "{*}:wishlist",
            "per product and shard (hash tag {productId#NN}): the customers with the product on their wishlist",
            "a member leaves when the item leaves the wishlist", "notifications", ProductIndexLookup),
        new("product-buyers", KeyScope.Shared, "{*}:buyers",
            "per product and shard (hash tag {productId#NN}): the customers who bought the product, for the fan-out of its later versions",
            "until erasure", "notifications", ProductIndexLookup),
        new("notification-schedule", KeyScope.Shared, "notify:schedule",
            "deferred notifications (by their claim key) and open orders to check at their promised delivery date (o|customer|order)",
            "a member leaves when it is handled", "notifications",
            "members name the customer's claim key or start with o|{customerId}|"),
        new("fanout-jobs", KeyScope.Shared, "notify:fanout:*", "catalog fan-out jobs (product, change) with their progress and locks",
            "until the job is done", "notifications", "holds no customer's data: product ids and shard cursors"),
        new("privacy-erasures", KeyScope.Shared, "privacy:erased",
            "who was erased and when: a keyed hash of the customer id and the erasure time, so ingestion drops their older events on a replay",
            "until reset", "privacy (erasure)", "the field is the customer's subject hash (Privacy:SubjectHashKey); it cannot be turned back into the id"),
        new("privacy-receipts", KeyScope.Shared, "privacy:request:*",
            "one privacy request's receipt: what was done, per key family, for which subject hash",
            "Privacy:ReceiptRetentionDays", "privacy (erasure)", "names the customer by subject hash only"),
        new("privacy-request-index", KeyScope.Shared, "privacy:requests",
            "the privacy requests' ids scored by the time each arrived, so the privacy desk lists the latest receipts",
            "members older than Privacy:ReceiptRetentionDays are pruned at each new request", "privacy (erasure)",
            "holds no customer's data: request ids only"),
        new("decision-log-key", KeyScope.Shared, "privacy:logkey:*",
            "the customer's key that seals their decision-log records on nba.decisions (crypto-shredding)",
            "Privacy:DecisionLogKeyDays after the last decision, or erasure", "decision API (decision log)",
            "named by the customer's subject hash; erasure deletes it, and the customer's records on the topic can no longer be read"),
        new("privacy-subject-key", KeyScope.Shared, "privacy:subject-key",
            "the key of the subject hash when Privacy:SubjectHashKey is not set", "never changes", "privacy (first request)",
            "holds no customer's data"),
        new("kpi", KeyScope.Shared, "{kpi}:*",
            "aggregate KPI counters per partition and week, and the engaged customers per day as HyperLogLogs",
            "until reset", "ingestion", "holds no customer id: counters, and HyperLogLog registers that cannot be read back or tied to a customer"),
    ];

    private static readonly (KeyFamily Family, Regex Pattern)[] Patterns =
        [.. All.Select(f => (f, new Regex(
            "^" + Regex.Escape(f.Pattern)
                .Replace(@"\{customer}", @"\{(?<customer>[^{}]+)}", StringComparison.Ordinal)
                .Replace(@"\{\*}", @"\{[^{}]+}", StringComparison.Ordinal)
                .Replace(@"\*", ".*", StringComparison.Ordinal) + "$",
            RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)))];

    /// <summary>
    /// The family of a stored key under <paramref name="prefix"/>, with the customer whose hash tag it carries (per-customer
    /// families only); null when the key belongs to none.
    /// </summary>
    public static (KeyFamily Family, string? CustomerId)? Match(string prefix, string key)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentNullException.ThrowIfNull(key);
        if (!key.StartsWith(prefix + ":", StringComparison.Ordinal))
        {
            return null;
        }

        var rest = key[(prefix.Length + 1)..];
        foreach (var (family, pattern) in Patterns)
        {
            var match = pattern.Match(rest);
            if (match.Success)
            {
                return (family, family.Scope == KeyScope.Customer ? match.Groups["customer"].Value : null);
            }
        }

        return null;
    }
}
