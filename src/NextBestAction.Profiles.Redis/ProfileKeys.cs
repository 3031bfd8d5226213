using System.Globalization;

namespace NextBestAction.Profiles;

/// <summary>
/// Redis key names of per-customer data. Every key of one customer shares the hash tag <c>{customerId}</c> so they live
/// in the same slot on Redis Cluster, multi-key reads and scripts stay legal, and erasure and export find them all.
/// <see cref="CustomerKeyFamilies"/> lists every family, per customer and shared, with its retention.
/// </summary>
public sealed class ProfileKeys(string prefix)
{
    /// <summary>The decision part of the profile (release 1 kept the whole profile here, as JSON).</summary>
    public string Profile(string customerId) => $"{prefix}:{{{customerId}}}:profile";

    /// <summary>The bookkeeping part of the profile.</summary>
    public string Bookkeeping(string customerId) => $"{prefix}:{{{customerId}}}:book";

    public string Temporary(string customerId) => $"{prefix}:{{{customerId}}}:temp";

    public string Version(string customerId) => $"{prefix}:{{{customerId}}}:ver";

    /// <summary>The contact history the decision engine keeps (impressions per action per day, declines).</summary>
    public string Contacts(string customerId) => $"{prefix}:{{{customerId}}}:contacts";

    /// <summary>The customer's decisions within the outcome window, and their outcomes.</summary>
    public string Decisions(string customerId) => $"{prefix}:{{{customerId}}}:decisions";

    /// <summary>Which customer a decision was for, so an outcome is found from the decision id alone.</summary>
    public string DecisionOwner(string decisionId) => $"{prefix}:decision-owner:{decisionId}";

    /// <summary>Release 1's record of one decision, read until its decisions pass the outcome window.</summary>
    public string Release1Decision(string decisionId) => $"{prefix}:decision:{decisionId}";

    /// <summary>One UTC day's per-action offer statistics (impressions, acceptances, value), summed over customers.</summary>
    public string OfferStatistics(DateOnly day) =>
        $"{prefix}:offer-stats:{day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}";
}
