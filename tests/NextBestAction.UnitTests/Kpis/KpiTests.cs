using System.Text.Json.Nodes;
using NextBestAction.Contracts;
using NextBestAction.Profiles;
using NextBestAction.Profiles.Kpis;

namespace NextBestAction.UnitTests.Kpis;

/// <summary>KPI values on a small scripted history, checked against numbers worked out by hand.</summary>
public sealed class KpiTests
{
    private static readonly DateTimeOffset Now = TestEvents.Now; // Monday 2026-11-23, ISO week 2026-W48
    private static readonly ProfileUpdater Updater = new(ProfileRules.Default);

    private static KpiLibrary Library() => KpiLibrary.Load(Path.Combine(AppContext.BaseDirectory, "kpis", "definitions.json"));

    private static ValidEvent Event(string customer, string type, JsonObject data, DateTimeOffset time)
    {
        var result = EventReader.Read(TestEvents.Json(type, customer, data, time: time), time, EventLimits.Default);
        Assert.Equal(ReadOutcome.Valid, result.Outcome);
        return result.Event!;
    }

    private static JsonObject Order(string id, DateTimeOffset promised) => new()
    {
        ["orderId"] = id,
        ["items"] = new JsonArray(TestEvents.CartItem()),
        ["total"] = 799m,
        ["promisedDeliveryDate"] = promised.ToString("O"),
    };

    /// <summary>
    /// By hand, for week 2026-W48: orders 3 placed - 1 cancelled = 2; deliveries: o-a on time (kept),
    /// o-b late (broken); contacts: t-1 opened + resolved in 1 (1 moment, FTR), t-2 opened + resolved in 3
    /// (3 moments), t-3 opened (1 moment) = 5 moments, FTR 1/2; engaged: cust-a (click) and cust-b
    /// (notification opened), cust-c only ignored = 2. Previous week: one order by cust-c.
    /// </summary>
    private static List<(string Customer, string Type, JsonObject Data, DateTimeOffset Time)> History() =>
    [
        ("cust-c", EventTypes.OrderPlaced, Order("o-old", Now.AddDays(-5)), Now.AddDays(-7)),
        ("cust-a", EventTypes.OrderPlaced, Order("o-a", Now.AddHours(30)), Now.AddHours(1)),
        ("cust-a", EventTypes.OrderDelivered, new JsonObject { ["orderId"] = "o-a", ["deliveredAt"] = Now.AddHours(20).ToString("O") }, Now.AddHours(20)),
        ("cust-b", EventTypes.OrderPlaced, Order("o-b", Now.AddHours(10)), Now.AddHours(2)),
        ("cust-b", EventTypes.OrderDelivered, new JsonObject { ["orderId"] = "o-b", ["deliveredAt"] = Now.AddHours(40).ToString("O") }, Now.AddHours(40)),
        ("cust-c", EventTypes.OrderPlaced, Order("o-c", Now.AddDays(3)), Now.AddHours(3)),
        ("cust-c", EventTypes.OrderCancelled, new JsonObject { ["orderId"] = "o-c" }, Now.AddHours(4)),
        ("cust-a", EventTypes.ServiceContactOpened, new JsonObject { ["ticketId"] = "t-1", ["channel"] = "chat", ["topic"] = "delivery" }, Now.AddHours(5)),
        ("cust-a", EventTypes.ServiceContactResolved, new JsonObject { ["ticketId"] = "t-1", ["contacts"] = 1 }, Now.AddHours(6)),
        ("cust-b", EventTypes.ServiceContactOpened, new JsonObject { ["ticketId"] = "t-2", ["channel"] = "phone", ["topic"] = "invoice" }, Now.AddHours(5)),
        ("cust-b", EventTypes.ServiceContactResolved, new JsonObject { ["ticketId"] = "t-2", ["contacts"] = 3 }, Now.AddHours(30)),
        ("cust-c", EventTypes.ServiceContactOpened, new JsonObject { ["ticketId"] = "t-3", ["channel"] = "mail", ["topic"] = "return" }, Now.AddHours(8)),
        ("cust-a", EventTypes.CampaignResponded, new JsonObject { ["campaignId"] = "c-1", ["response"] = "clicked" }, Now.AddHours(9)),
        ("cust-b", EventTypes.NotificationOpened, new JsonObject { ["notificationId"] = "n-1" }, Now.AddHours(9)),
        ("cust-c", EventTypes.CampaignResponded, new JsonObject { ["campaignId"] = "c-1", ["response"] = "ignored" }, Now.AddHours(9)),
    ];

    /// <summary>Runs the history through the updater and a KPI batch, as ingestion does, and sums like the store.</summary>
    private static (KpiTotals Totals, Dictionary<string, CustomerProfile> Profiles) Run()
    {
        var profiles = new Dictionary<string, CustomerProfile>();
        var batch = new KpiBatch();
        var offset = 0L;
        foreach (var (customer, type, data, time) in History())
        {
            var profile = profiles.TryGetValue(customer, out var p) ? p : profiles[customer] = new CustomerProfile { CustomerId = customer };
            var before = KpiCounters.Of(profile);
            Updater.Apply(profile, Event(customer, type, data, time), "t/0", offset);
            batch.Add(customer, before, KpiCounters.Of(profile), time, offset++);
        }

        var engaged = batch.Engaged.Values.SelectMany(c => c).Distinct().LongCount();
        return (new KpiTotals(batch.Counters, engaged), profiles);
    }

    [Fact]
    public void Aggregate_ScriptedHistory_MatchesHandComputedValues()
    {
        var (totals, _) = Run();
        var report = KpiReports.Aggregate(Library(), totals, Now.AddDays(3), TimeSpan.FromDays(30));
        double? Value(string id) => report.Kpis.Single(k => k.Id == id).Value;

        Assert.Equal(2, Value(KpiIds.OrdersPerWeek));
        Assert.Equal(1, report.Kpis.Single(k => k.Id == KpiIds.OrdersPerWeek).PreviousValue);
        Assert.Equal(5, Value(KpiIds.ContactMoments));
        Assert.Equal(0.5, Value(KpiIds.FirstTimeRight));
        Assert.Equal(2, Value(KpiIds.EngagedCustomers));
        Assert.Equal(1, Value(KpiIds.PromisesKept));
        Assert.Equal(1, Value(KpiIds.PromisesBroken));
        Assert.All(report.Kpis, k => Assert.False(string.IsNullOrWhiteSpace(k.Owner)));
    }

    [Fact]
    public void ForCustomer_ScriptedHistory_MatchesHandComputedValues()
    {
        var (_, profiles) = Run();
        var library = Library();
        double? Value(string customer, string id) =>
            KpiReports.ForCustomer(library, profiles[customer], Now.AddDays(3), ProfileRules.Default).Kpis.Single(k => k.Id == id).Value;

        Assert.Equal(3, Value("cust-b", KpiIds.ContactMoments));
        Assert.Equal(0.0, Value("cust-b", KpiIds.FirstTimeRight));
        Assert.Equal(1.0, Value("cust-a", KpiIds.FirstTimeRight));
        Assert.Equal(1, Value("cust-b", KpiIds.PromisesBroken));
        Assert.Equal(1, Value("cust-a", KpiIds.EngagedCustomers));
        Assert.Equal(0, Value("cust-c", KpiIds.EngagedCustomers));
        Assert.Equal(0, Value("cust-c", KpiIds.OrdersPerWeek));
        Assert.Null(Value("cust-c", KpiIds.FirstTimeRight));
    }

    [Fact]
    public void Batch_UnchangedCounters_AddNoFieldsButCoverTheOffset()
    {
        var batch = new KpiBatch();
        var counters = new KpiCounters(1, 1, 0, 0, 0, 0, null);

        batch.Add("cust-1", counters, counters, Now, 41);

        Assert.True(batch.IsEmpty);
        Assert.Equal(41, batch.MaxOffset);
    }

    [Fact]
    public void Load_LibraryWithoutAKpi_NamesWhatIsMissing()
    {
        var path = Path.Combine(Path.GetTempPath(), $"kpis-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """{"version":"1","kpis":[{"id":"orders_per_week","name":"n","definition":"d","goal":"g","interpretation":"i","owner":"o","unit":"u"}]}""");
        try
        {
            var ex = Assert.Throws<InvalidDataException>(() => KpiLibrary.Load(path));

            Assert.Contains("missing KPIs [contact_moments, first_time_right, engaged_customers, promises_kept, promises_broken]", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
