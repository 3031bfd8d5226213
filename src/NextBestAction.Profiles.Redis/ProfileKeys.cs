namespace NextBestAction.Profiles;

/// <summary>
/// Redis key names. Every key of one customer shares the hash tag <c>{customerId}</c> so they live in the
/// same slot on Redis Cluster and multi-key reads and scripts stay legal.
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
}
