namespace NextBestAction.Simulator.Responses;

/// <summary>When people buy for others: from 15 November through December.</summary>
public static class GiftSeason
{
    /// <summary><paramref name="time"/> (UTC) falls in the gift season.</summary>
    public static bool Contains(DateTimeOffset time)
    {
        var utc = time.UtcDateTime;
        return utc.Month == 12 || (utc.Month == 11 && utc.Day >= 15);
    }
}
