using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using NextBestAction.Kafka;
using NextBestAction.ServiceDefaults;

namespace NextBestAction.UnitTests.Telemetry;

public sealed class KafkaTracingTests
{
    [Fact]
    public void Inject_ThenExtract_GivesTheProducersContext_AsARemoteParent()
    {
        using var activity = new Activity("send nba.orders").SetIdFormat(ActivityIdFormat.W3C).Start();
        activity.TraceStateString = "vendor=1";

        var headers = KafkaTracing.Inject(activity, [new Header("other", [1])]);
        var context = KafkaTracing.Extract(headers);

        Assert.Equal(activity.TraceId, context.TraceId);
        Assert.Equal(activity.SpanId, context.SpanId);
        Assert.Equal("vendor=1", context.TraceState);
        Assert.True(context.IsRemote);
        Assert.Equal([1], headers!.GetLastBytes("other"));
    }

    [Fact]
    public void Inject_ReplacesAnOldTraceparent_SoARetriedMessageCarriesOnlyTheNewSpan()
    {
        var headers = new Headers { { KafkaTracing.TraceParentHeader, Encoding.ASCII.GetBytes($"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-01") } };
        using var activity = new Activity("send").SetIdFormat(ActivityIdFormat.W3C).Start();

        KafkaTracing.Inject(activity, headers);

        Assert.Single(headers, h => h.Key == KafkaTracing.TraceParentHeader);
        Assert.Equal(activity.SpanId, KafkaTracing.Extract(headers).SpanId);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-a-traceparent")]
    [InlineData("00-00000000000000000000000000000000-0000000000000000-01")]
    public void Extract_MissingOrBadHeader_GivesNoParent(string? traceparent)
    {
        var headers = traceparent is null ? [] : new Headers { { KafkaTracing.TraceParentHeader, Encoding.ASCII.GetBytes(traceparent) } };

        Assert.Equal(default, KafkaTracing.Extract(headers));
        Assert.Equal(default, KafkaTracing.Extract(null));
    }

    [Fact]
    public void Inject_WithoutAnActivity_LeavesTheHeadersAsTheyWere()
    {
        Assert.Null(KafkaTracing.Inject(null));
        var headers = new Headers { { "x", [2] } };
        Assert.Same(headers, KafkaTracing.Inject(null, headers));
        Assert.Single(headers);
    }
}
