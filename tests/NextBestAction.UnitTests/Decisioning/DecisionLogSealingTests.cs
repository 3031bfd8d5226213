using System.Text;
using NextBestAction.Decisioning.DecisionLog;
using NextBestAction.Decisioning.Engine;

namespace NextBestAction.UnitTests.Decisioning;

public sealed class DecisionLogSealingTests
{
    private const string Subject = "5f0c2b1e9a7d4c3b8e6f1a2d3c4b5a69";
    private static readonly byte[] Key = [.. Enumerable.Range(0, DecisionLogSealing.KeyBytes).Select(i => (byte)i)];

    private static DecisionLogRecord Record(string decisionId = "d-1") => new(
        decisionId, "cust-42", new DateTimeOffset(2026, 12, 3, 10, 0, 0, TimeSpan.Zero), "checkout", "web", false, "prior-v2", "cat-7", "greedy",
        [new EngineCartItem("p-9", "phones", "galaxy-s", 899m, 1)],
        new Dictionary<string, double> { ["cart.value"] = 899, ["churn.risk"] = 0.4 },
        new Arbitration("bundle", 0.1, 0.8, "bundle signal stronger"),
        [new LoggedCandidate("bundle-galaxy-s", "bundle", 0.3, 1, 50, 1, 15, new Dictionary<string, double> { ["action.affinity"] = 0.7 }) { Probability = 1 }],
        [new LoggedChoice("bundle-galaxy-s", 1, 1)], 3);

    [Fact]
    public void Sealed_OpensWithItsKey_ToTheSameRecord()
    {
        var sealedRecord = DecisionLogSealing.Seal(Record(), Subject, Key);

        var opened = DecisionLogSealing.Open(sealedRecord, Key);

        Assert.NotNull(opened);
        Assert.Equal(("cust-42", 899.0, 0.4), (opened.CustomerId, opened.Features["cart.value"], opened.Features["churn.risk"]));
        Assert.Equal("p-9", Assert.Single(opened.Cart).ProductId);
        Assert.Equal("bundle-galaxy-s", Assert.Single(opened.Chosen).ActionId);
        Assert.Equal(0.7, Assert.Single(opened.Candidates).Features["action.affinity"]);
    }

    [Fact]
    public void SealedEvent_HoldsNoPersonalFieldInPlainText()
    {
        var json = Encoding.UTF8.GetString(DecisionLogEvents.SerializeSealed(Record(), Subject, Key));

        Assert.DoesNotContain("cust-42", json, StringComparison.Ordinal);
        Assert.DoesNotContain("p-9", json, StringComparison.Ordinal);
        Assert.DoesNotContain("churn.risk", json, StringComparison.Ordinal);
        Assert.Contains($"\"subject\":\"{Subject}\"", json, StringComparison.Ordinal);
        Assert.Contains("\"catalogVersion\":\"cat-7\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Sealed_DoesNotOpen_WithAnotherKey_OrMovedToAnotherDecisionOrSubject()
    {
        var sealedRecord = DecisionLogSealing.Seal(Record(), Subject, Key);
        var otherKey = new byte[DecisionLogSealing.KeyBytes];

        Assert.Null(DecisionLogSealing.Open(sealedRecord, otherKey));
        Assert.Null(DecisionLogSealing.Open(sealedRecord with { DecisionId = "d-2" }, Key));
        Assert.Null(DecisionLogSealing.Open(sealedRecord with { Subject = "another-subject" }, Key));
    }

    [Fact]
    public void Sealing_TheSameRecordTwice_GivesDifferentCiphertexts()
    {
        var first = DecisionLogSealing.Seal(Record(), Subject, Key);
        var second = DecisionLogSealing.Seal(Record(), Subject, Key);

        Assert.NotEqual(first.Sealed.Nonce, second.Sealed.Nonce);
        Assert.NotEqual(first.Sealed.Data, second.Sealed.Data);
    }

    [Fact]
    public void Open_OfAnotherCipherOrAShortKey_FailsClearly()
    {
        var sealedRecord = DecisionLogSealing.Seal(Record(), Subject, Key);

        Assert.Throws<FormatException>(() => DecisionLogSealing.Open(sealedRecord with { Sealed = sealedRecord.Sealed with { Alg = "none" } }, Key));
        Assert.Throws<ArgumentException>(() => DecisionLogSealing.Open(sealedRecord, new byte[16]));
    }
}
