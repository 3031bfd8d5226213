using NextBestAction.Profiles;

namespace NextBestAction.Ingestion;

/// <summary>
/// When a batch writes its profiles again. Every profile write is a compare-and-set on the version that was read;
/// the customers whose write was refused (another writer changed the profile meanwhile) get a further round with
/// freshly read profiles, up to <see cref="MaxRounds"/>, after which the whole batch fails and is retried.
/// </summary>
public static class CompareAndSetRounds
{
    /// <summary>Compare-and-set conflicts are rare (two writers on one customer); past this many rounds something is wrong.</summary>
    public const int MaxRounds = 5;

    /// <summary>Throws when round number <paramref name="round"/> (1-based) would exceed <see cref="MaxRounds"/>.</summary>
    public static void ThrowIfExhausted(int round, int pendingProfiles)
    {
        if (round > MaxRounds)
        {
            throw new ProfileWriteConflictException(
                $"{pendingProfiles} profile(s) changed under every one of {MaxRounds} write attempts; retrying the batch");
        }
    }

    /// <summary>The customers whose write was refused, in write order; <paramref name="written"/> holds one flag per attempted profile.</summary>
    public static List<string> Refused(IReadOnlyList<VersionedProfile> attempted, IReadOnlyList<bool> written)
    {
        if (attempted.Count != written.Count)
        {
            throw new ArgumentException($"{written.Count} write results for {attempted.Count} profiles", nameof(written));
        }

        var refused = new List<string>();
        for (var i = 0; i < attempted.Count; i++)
        {
            if (!written[i])
            {
                refused.Add(attempted[i].Profile.CustomerId);
            }
        }

        return refused;
    }
}

/// <summary>Another writer kept changing the same profiles; the batch is retried as a whole.</summary>
public sealed class ProfileWriteConflictException(string message) : Exception(message);
