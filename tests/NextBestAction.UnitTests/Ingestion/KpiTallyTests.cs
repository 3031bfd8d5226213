using NextBestAction.Ingestion;
using NextBestAction.Profiles;
using NextBestAction.Profiles.Kpis;

namespace NextBestAction.UnitTests.Ingestion;

public sealed class KpiTallyTests
{
    private static readonly KpiCounters Before = new(ContactMoments: 2, Orders: 1, Resolved: 0, FirstTimeRight: 0, Kept: 0, Broken: 0, LastEngagedAt: null);

    private static IncomingMessage Message(int partition, long offset) => new("nba.orders", partition, offset, null, null);

    private static string Week => ProfileUpdater.IsoWeek(TestEvents.Now);

    [Fact]
    public void ChangeAboveTheCountedOffset_IsAddedInTheEventsWeek()
    {
        var tally = new KpiTally();
        tally.Add(Message(0, 8), "cust-1", Before, Before with { Orders = 2, LastEngagedAt = TestEvents.Now }, TestEvents.Now);

        var (expected, batch) = tally.ToBatches(new Dictionary<string, long> { ["nba.orders/0"] = 7 })["nba.orders/0"];

        Assert.Equal(7, expected);
        Assert.Equal(8, batch.MaxOffset);
        Assert.Equal(1, batch.Counters[KpiBatch.Field(Week, KpiBatch.OrdersField)]);
        Assert.False(batch.Counters.ContainsKey(KpiBatch.Field(Week, KpiBatch.ContactMomentsField)));
        Assert.Equal("cust-1", Assert.Single(batch.Engaged["2026-11-23"]));
    }

    [Fact]
    public void ChangesAtOrBelowTheCountedOffset_AreLeftOut_SoARedeliveryCountsOnce()
    {
        var tally = new KpiTally();
        tally.Add(Message(0, 6), "cust-1", Before, Before with { Orders = 2 }, TestEvents.Now);
        tally.Add(Message(0, 7), "cust-1", Before, Before with { Orders = 2 }, TestEvents.Now);

        var (expected, batch) = tally.ToBatches(new Dictionary<string, long> { ["nba.orders/0"] = 7 })["nba.orders/0"];

        Assert.Equal(7, expected);
        Assert.True(batch.IsEmpty);
        Assert.Equal(-1, batch.MaxOffset);
    }

    [Fact]
    public void EachPartition_HasItsOwnBatchAndGuard()
    {
        var tally = new KpiTally();
        tally.Add(Message(0, 3), "cust-1", Before, Before with { Orders = 2 }, TestEvents.Now);
        tally.Add(Message(1, 3), "cust-2", Before, Before with { ContactMoments = 5 }, TestEvents.Now);
        tally.Add(Message(1, 4), "cust-3", Before, Before with { ContactMoments = 3 }, TestEvents.Now);

        var batches = tally.ToBatches(new Dictionary<string, long> { ["nba.orders/0"] = -1, ["nba.orders/1"] = 3 });

        Assert.Equal(1, batches["nba.orders/0"].Batch.Counters[KpiBatch.Field(Week, KpiBatch.OrdersField)]);
        var (expected, second) = batches["nba.orders/1"];
        Assert.Equal(3, expected);
        Assert.Equal(4, second.MaxOffset);
        Assert.Equal(1, second.Counters[KpiBatch.Field(Week, KpiBatch.ContactMomentsField)]);
    }

    [Fact]
    public void EventThatChangedNoCounter_StillMovesTheOffsetGuard()
    {
        var tally = new KpiTally();
        tally.Add(Message(0, 12), "cust-1", Before, Before, TestEvents.Now);

        var batch = tally.ToBatches(new Dictionary<string, long> { ["nba.orders/0"] = 11 })["nba.orders/0"].Batch;

        Assert.Empty(batch.Counters);
        Assert.Equal(12, batch.MaxOffset);
    }
}
