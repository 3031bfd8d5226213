using System.Text.Json.Serialization.Metadata;
using NextBestAction.Profiles;

namespace NextBestAction.Decisioning.Api;

/// <summary>How the HTTP API shows a profile to people: without ingestion's exactly-once internals, which say nothing about the customer.</summary>
internal static class CustomerProfileJson
{
    private static readonly HashSet<string> Internals = new(
        [nameof(CustomerProfile.AppliedOffsets), nameof(CustomerProfile.RecentEvents), nameof(CustomerProfile.ForgottenEventsUpTo), nameof(CustomerProfile.RecentEventHashes)],
        StringComparer.OrdinalIgnoreCase);

    /// <summary>A type-info modifier that leaves the internals out of every <see cref="CustomerProfile"/> it writes.</summary>
    public static void HideIngestionInternals(JsonTypeInfo info)
    {
        if (info.Type != typeof(CustomerProfile))
        {
            return;
        }

        foreach (var property in info.Properties.Where(p => Internals.Contains(p.Name)).ToList())
        {
            info.Properties.Remove(property);
        }
    }
}
