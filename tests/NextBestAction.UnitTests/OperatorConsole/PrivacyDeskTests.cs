using NextBestAction.OperatorConsole.Privacy;
using NextBestAction.Profiles.Privacy;

namespace NextBestAction.UnitTests.OperatorConsole;

public sealed class PrivacyDeskTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 7, 5, 9, TimeSpan.Zero);

    [Fact]
    public void CheckErasure_IdTypedTwiceAndIdentityVerified_MayGoAhead() =>
        Assert.Null(PrivacyDesk.CheckErasure("cust-1", "cust-1", identityVerified: true));

    [Theory]
    [InlineData("", "", true, "Enter the customer id")]
    [InlineData("cust 1", "cust 1", true, "not a valid customer id")]
    [InlineData("cust-1", "cust-2", true, "differ")]
    [InlineData("cust-1", "CUST-1", true, "differ")]
    [InlineData("cust-1", null, true, "differ")]
    [InlineData("cust-1", "cust-1", false, "verified the requester's identity")]
    public void CheckErasure_Refuses_SayingWhy(string? customerId, string? confirmation, bool verified, string reason) =>
        Assert.Contains(reason, PrivacyDesk.CheckErasure(customerId, confirmation, verified), StringComparison.Ordinal);

    [Fact]
    public void ReceiptFormat_ListsWhatWasRemovedPerFamily_AndTheRequester()
    {
        var receipt = PrivacyReceipt.ForErasure("r1", Now, new ErasureOutcome("ab12", Now, null, [new("contacts", 1), new("decisions", 1), new("product-buyers", 0)]), "every-scope");

        Assert.Equal("contacts 1 · decisions 1", ReceiptFormat.Removed(receipt));
        Assert.Equal("every-scope", ReceiptFormat.RequestedBy(receipt));
        Assert.Equal("2026-12-04 07:05:09 UTC", ReceiptFormat.Time(receipt.ReceivedAt));
    }

    [Fact]
    public void ReceiptFormat_NothingRemoved_AndNoRequesterRecorded_SaySo()
    {
        var receipt = PrivacyReceipt.ForErasure("r2", Now, new ErasureOutcome("ab12", Now, Now.AddDays(-1), []));

        Assert.Equal(ReceiptFormat.NothingRemoved, ReceiptFormat.Removed(receipt));
        Assert.Equal(ReceiptFormat.UnknownRequester, ReceiptFormat.RequestedBy(receipt));
        Assert.Equal("already erased", ReceiptFormat.Outcome(receipt));
    }

    [Fact]
    public void ExportFileName_HoldsTheReferenceOnly() =>
        Assert.Equal("customer-export-0193abcd.json", PrivacyDeskEndpoints.FileName("0193abcd"));

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef", true)]
    [InlineData("0123456789ABCDEF0123456789ABCDEF", false)]
    [InlineData("0123456789abcdef", false)]
    [InlineData("", false)]
    public void IsRequestId_Needs32LowercaseHexDigits(string id, bool valid) => Assert.Equal(valid, PrivacyReceipt.IsRequestId(id));
}
