using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Confluent.Kafka;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using NextBestAction.IntegrationTests.Fixtures;
using OpenTelemetry.Trace;

namespace NextBestAction.IntegrationTests;

/// <summary>
/// Traces and metrics of the running server, exported to memory: the span tree of a decision, one event's trace from its
/// producer across Kafka to the Redis write, the metrics SREs alert on, and no customer id in any span.
/// </summary>
[Collection(TelemetryTestsRunAlone.Name)]
public sealed partial class ObservabilityTests(KafkaFixture kafka, RedisServerFixture redis)
    : RunningServerTests<ObservabilityTests.TracedServerFactory>(new TracedServerFactory(kafka, redis))
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(30);

    /// <summary>The server with every trace sampled and exported to memory.</summary>
    public sealed class TracedServerFactory(KafkaFixture kafka, RedisServerFixture redis) : NbaServerFactory(kafka, redis)
    {
        public LockedCollection<Activity> Spans { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Telemetry:SamplingRatio", "1");
            // These tests look at a decision that read its profile; on a loaded test machine a read can miss the
            // production budget of 20 ms and the decision would fall back, without that read's span tags or metric.
            builder.UseSetting("Decisions:ProfileReadBudgetMs", "2000");
            // Midday in the customers' zone, so no notification is deferred to after quiet hours (and sent in a trace of its own).
            builder.UseSetting("Notifications:DefaultTimeZone", Notifications.NotificationServerFactory.ZoneWhereItIs(12));
            builder.ConfigureServices(services => services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(Spans)));
        }
    }

    [Fact]
    public async Task Decision_IsOneSpanWithAChildPerStage_UnderTheHttpServerSpan_AndItsLogMessageContinuesTheTrace()
    {
        using var client = Factory.CreateWebshopClient();
        var customer = $"cust-{Factory.Suffix}-traced";

        using var response = await client.PostAsJsonAsync("/v1/decisions", new { customerId = customer, touchpoint = "checkout", channel = "web" });
        response.EnsureSuccessStatusCode();

        // The metrics test decides at the cart, so the checkout decision is this test's.
        var decide = await SpanAsync(s => s.OperationName == "decide" && s.GetTagItem("nba.touchpoint") as string == "checkout");
        var send = await SpanAsync(s => s.TraceId == decide.TraceId && s.Kind == ActivityKind.Producer);
        // A span is exported when it ends, so the HTTP server span around the decision comes last.
        await SpanAsync(s => s.TraceId == decide.TraceId && s.Kind == ActivityKind.Server);
        var trace = Factory.Spans.Snapshot().Where(s => s.TraceId == decide.TraceId).ToList();
        var server = Assert.Single(trace, s => s.Kind == ActivityKind.Server);
        Assert.Equal(server.SpanId, decide.ParentSpanId);
        var stages = trace.Where(s => s.ParentSpanId == decide.SpanId).Select(s => s.OperationName).ToHashSet();
        Assert.Superset(new HashSet<string> { "profile read", "eligibility and contact policy", "scoring", "arbitration and exploration", "decision log enqueue" }, stages);
        Assert.Equal("checkout", decide.GetTagItem("nba.touchpoint"));
        Assert.Equal(false, decide.GetTagItem("nba.decision.degraded"));
        Assert.NotNull(decide.GetTagItem("nba.decision.kind"));
        Assert.NotNull(decide.GetTagItem("nba.model.version"));
        Assert.NotNull(decide.GetTagItem("nba.catalog.version"));
        Assert.IsType<int>(decide.GetTagItem("nba.decision.candidates"));
        Assert.Equal("redis", trace.Single(s => s.OperationName == "profile read").GetTagItem("db.system.name"));
        Assert.Equal($"send {Factory.Topics.Decisions}", send.OperationName);
        Assert.Equal("kafka", send.GetTagItem("messaging.system"));
        // No span names the customer unless a hash key is configured, and then only as a keyed hash.
        Assert.DoesNotContain(trace.SelectMany(s => s.TagObjects), t => t.Value?.ToString()?.Contains(customer, StringComparison.Ordinal) == true);
        Assert.DoesNotContain(trace, s => s.GetTagItem("nba.customer.hash") is not null);
    }

    [Fact]
    public async Task Event_TraceRunsFromItsProducerThroughKafkaToTheRedisWrite()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var producerSpan = ActivitySpanId.CreateRandom();
        var headers = new Headers { { "traceparent", Encoding.ASCII.GetBytes($"00-{traceId}-{producerSpan}-01") } };
        var customer = $"cust-{Factory.Suffix}-event";
        var added = CloudEvents.Create("cart.item_added", customer,
            new { productId = "p-1", category = "phones", productLine = "pixel", price = 499.0, quantity = 1 });

        await kafka.ProduceAsync(Factory.Topics.Clickstream, customer, added, headers);

        var write = await SpanAsync(s => s.TraceId == traceId && s.OperationName == "redis profile write");
        // Parents end, and are exported, after their children: the process span, then the batch span.
        await SpanAsync(s => s.TraceId == traceId && s.Kind == ActivityKind.Consumer);
        await SpanAsync(s => s.OperationName == "ingest batch" && s.Links.Any(l => l.Context.TraceId == traceId));
        var trace = Factory.Spans.Snapshot().Where(s => s.TraceId == traceId).ToList();
        var process = Assert.Single(trace, s => s.Kind == ActivityKind.Consumer);
        Assert.Equal(producerSpan, process.ParentSpanId);
        Assert.Equal($"process {Factory.Topics.Clickstream}", process.OperationName);
        Assert.Equal("kafka", process.GetTagItem("messaging.system"));
        Assert.Equal(process.SpanId, write.ParentSpanId);
        Assert.Equal(ActivityKind.Client, write.Kind);
        var batch = Assert.Single(Factory.Spans.Snapshot(), s => s.OperationName == "ingest batch" && s.Links.Any(l => l.Context.TraceId == traceId));
        Assert.Contains(process.Links, l => l.Context.SpanId == batch.SpanId);
        Assert.DoesNotContain(trace.SelectMany(s => s.TagObjects), t => t.Value?.ToString()?.Contains(customer, StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task Event_ThatTriggersANotification_SendsItInTheSameTrace()
    {
        var customer = $"cust-{Factory.Suffix}-late";
        var placedAt = DateTimeOffset.UtcNow.AddDays(-4);
        await kafka.ProduceAsync(Factory.Topics.Orders, customer, CloudEvents.Create("order.placed", customer, new
        {
            orderId = "o-traced",
            items = new[] { new { productId = "p-3", category = "phones", productLine = "pixel", price = 300.0, quantity = 1 } },
            total = 300.0,
            promisedDeliveryDate = placedAt.AddDays(2).ToString("O"),
        }, placedAt));
        var traceId = ActivityTraceId.CreateRandom();
        var headers = new Headers { { "traceparent", Encoding.ASCII.GetBytes($"00-{traceId}-{ActivitySpanId.CreateRandom()}-01") } };

        // Delivered two days after the promise: the apology is sent while this event is processed.
        await kafka.ProduceAsync(Factory.Topics.Orders, customer,
            CloudEvents.Create("order.delivered", customer, new { orderId = "o-traced", deliveredAt = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O") }), headers);

        var send = await SpanAsync(s => s.TraceId == traceId && s.OperationName == $"send {Factory.Topics.Notifications}");
        // The send ends inside the consumer's process span, so that span is exported a moment after it.
        await SpanAsync(s => s.TraceId == traceId && s.Kind == ActivityKind.Consumer);
        var process = Assert.Single(Factory.Spans.Snapshot(), s => s.TraceId == traceId && s.Kind == ActivityKind.Consumer);
        Assert.Equal(ActivityKind.Producer, send.Kind);
        Assert.Equal(process.SpanId, send.ParentSpanId);
    }

    [Fact]
    public async Task Metrics_SresAlertOn_AreExposedWithUnitsAndParseAsPrometheusText()
    {
        using var client = Factory.CreateWebshopClient();
        var customer = $"cust-{Factory.Suffix}-metrics";
        await kafka.ProduceAsync(Factory.Topics.Clickstream, customer,
            CloudEvents.Create("product.viewed", customer, new { productId = "p-2", category = "phones", productLine = "pixel", price = 499.0 }));
        using var decided = await client.PostAsJsonAsync("/v1/decisions", new { customerId = customer, touchpoint = "cart" });
        decided.EnsureSuccessStatusCode();

        string[] expected =
        [
            "nba_decision_duration_seconds_bucket{", "nba_decisions_total{", "nba_redis_duration_seconds_bucket{",
            "nba_ingestion_events_total{", "nba_ingestion_freshness_seconds_bucket{", "nba_ingestion_consumer_lag{",
            "nba_model_info{", "nba_catalog_info{",
        ];
        // The exporter caches a scrape for a moment, so the series of this test's decision may show a little later.
        bool Complete(string metrics) => expected.All(m => metrics.Contains(m, StringComparison.Ordinal))
            && CartDecisionSeries().IsMatch(metrics) && ProfileReadSeries().IsMatch(metrics);
        var deadline = DateTime.UtcNow + MaxWait;
        var text = "";
        while (DateTime.UtcNow < deadline && !Complete(text))
        {
            await Task.Delay(250);
            text = await client.GetStringAsync("/metrics");
        }

        Assert.All(expected, m => Assert.Contains(m, text, StringComparison.Ordinal));
        Assert.Matches(CartDecisionSeries(), text);
        Assert.Matches(ProfileReadSeries(), text);
        Assert.Matches(@"nba_model_info\{[^}]*model_version=""prior-v2""[^}]*\} 1", text);
        // The unit "s" gives the _seconds suffix.
        Assert.Contains("# TYPE nba_decision_duration_seconds histogram", text, StringComparison.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            Assert.Matches(ExpositionLine(), line);
        }

        Assert.DoesNotContain(customer, text, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"nba_decision_duration_seconds_bucket\{[^}]*touchpoint=""cart""")]
    private static partial Regex CartDecisionSeries();

    [GeneratedRegex(@"nba_redis_duration_seconds_count\{[^}]*operation=""profile_read""")]
    private static partial Regex ProfileReadSeries();

    /// <summary>A comment (HELP, TYPE, UNIT, EOF) or a sample: name, optional labels, a value, an optional timestamp.</summary>
    [GeneratedRegex(@"^(# (HELP|TYPE|UNIT) [a-zA-Z_:][a-zA-Z0-9_:]* .*|# EOF|[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*=""([^""\\]|\\.)*"",?)*\})? (-?[0-9.eE+-]+|NaN|\+Inf|-Inf)( -?[0-9]+)?)$")]
    private static partial Regex ExpositionLine();

    private async Task<Activity> SpanAsync(Func<Activity, bool> match)
    {
        var deadline = DateTime.UtcNow + MaxWait;
        while (DateTime.UtcNow < deadline)
        {
            if (Factory.Spans.Snapshot().FirstOrDefault(match) is { } span)
            {
                return span;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"no matching span was exported within {MaxWait.TotalSeconds} s");
        return null!;
    }
}

/// <summary>A list the exporter may add to from any thread while a test reads snapshots of it.</summary>
public sealed class LockedCollection<T> : ICollection<T>
{
    private readonly List<T> items = [];

    public int Count
    {
        get
        {
            lock (items)
            {
                return items.Count;
            }
        }
    }

    public bool IsReadOnly => false;

    public List<T> Snapshot()
    {
        lock (items)
        {
            return [.. items];
        }
    }

    public void Add(T item)
    {
        lock (items)
        {
            items.Add(item);
        }
    }

    public void Clear()
    {
        lock (items)
        {
            items.Clear();
        }
    }

    public bool Contains(T item) => Snapshot().Contains(item);

    public void CopyTo(T[] array, int arrayIndex) => Snapshot().CopyTo(array, arrayIndex);

    public bool Remove(T item)
    {
        lock (items)
        {
            return items.Remove(item);
        }
    }

    public IEnumerator<T> GetEnumerator() => Snapshot().GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
