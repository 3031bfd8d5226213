using NextBestAction.Ingestion;
using NextBestAction.Profiles;

namespace NextBestAction.UnitTests.Ingestion;

public sealed class CompareAndSetRoundsTests
{
    private static VersionedProfile Profile(string id) => new(new CustomerProfile { CustomerId = id }, 1);

    [Fact]
    public void Refused_AreTheCustomersWhoseWriteFailed_InWriteOrder()
    {
        var attempted = new[] { Profile("cust-1"), Profile("cust-2"), Profile("cust-3"), Profile("cust-4") };

        Assert.Equal(["cust-2", "cust-4"], CompareAndSetRounds.Refused(attempted, [true, false, true, false]));
        Assert.Empty(CompareAndSetRounds.Refused(attempted, [true, true, true, true]));
    }

    [Fact]
    public void Refused_WithAResultMissing_Throws()
    {
        Assert.Throws<ArgumentException>(() => CompareAndSetRounds.Refused([Profile("cust-1"), Profile("cust-2")], [true]));
    }

    [Fact]
    public void RoundsUpToTheMaximum_AreAllowed_TheNextFailsTheBatch()
    {
        for (var round = 1; round <= CompareAndSetRounds.MaxRounds; round++)
        {
            CompareAndSetRounds.ThrowIfExhausted(round, pendingProfiles: 2);
        }

        var conflict = Assert.Throws<ProfileWriteConflictException>(() => CompareAndSetRounds.ThrowIfExhausted(CompareAndSetRounds.MaxRounds + 1, pendingProfiles: 2));
        Assert.StartsWith("2 profile(s)", conflict.Message, StringComparison.Ordinal);
    }
}
