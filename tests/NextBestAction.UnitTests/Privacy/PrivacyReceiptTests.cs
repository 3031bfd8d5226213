using Microsoft.Extensions.Options;
using NextBestAction.Profiles;
using NextBestAction.Profiles.Privacy;

namespace NextBestAction.UnitTests.Privacy;

public sealed class PrivacyReceiptTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Erasure_ThatRemovedData_IsErased_AndListsOnlyWhatWasRemoved()
    {
        var outcome = new ErasureOutcome("ab12", Now, null, [new("profile", 1), new("product-buyers", 0), new("contacts", 1)]);

        var receipt = PrivacyReceipt.ForErasure("r1", Now.AddSeconds(-1), outcome);

        Assert.Equal(PrivacyReceipt.Erased, receipt.Outcome);
        Assert.Equal(["profile", "contacts"], receipt.Removed.Select(f => f.Family));
        Assert.Contains(receipt.Notes, n => n.Contains("replay", StringComparison.Ordinal));
    }

    [Fact]
    public void Erasure_OfSomeoneErasedBefore_WithNothingSince_SaysAlreadyErased()
    {
        var receipt = PrivacyReceipt.ForErasure("r2", Now, new ErasureOutcome("ab12", Now, Now.AddDays(-3), [new("profile", 0)]));

        Assert.Equal((PrivacyReceipt.AlreadyErased, Now.AddDays(-3)), (receipt.Outcome, receipt.PreviousErasureAt));
        Assert.Empty(receipt.Removed);
    }

    [Fact]
    public void Erasure_OfSomeoneNeverSeen_SaysNothingWasHeld()
    {
        var receipt = PrivacyReceipt.ForErasure("r3", Now, new ErasureOutcome("ab12", Now, null, []));

        Assert.Equal(PrivacyReceipt.NothingHeld, receipt.Outcome);
    }
}

public sealed class SubjectHasherTests
{
    private static SubjectHasher WithKey(byte fill) =>
        new(null!, Options.Create(new PrivacyOptions { SubjectHashKey = Convert.ToBase64String(Enumerable.Repeat(fill, 32).ToArray()) }),
            Options.Create(new RedisOptions()));

    [Fact]
    public async Task Hash_IsStablePerKey_DiffersPerIdAndKey_AndDoesNotHoldTheId()
    {
        var hasher = WithKey(1);

        var first = await hasher.HashAsync("cust-00042");

        Assert.Equal(first, await hasher.HashAsync("cust-00042"));
        Assert.NotEqual(first, await hasher.HashAsync("cust-00043"));
        Assert.NotEqual(first, await WithKey(2).HashAsync("cust-00042"));
        Assert.Matches("^[0-9a-f]{32}$", first);
        Assert.Equal([first, await hasher.HashAsync("b")], await hasher.HashAllAsync(["cust-00042", "b"]));
    }
}
