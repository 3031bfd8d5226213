using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using NextBestAction.IntegrationTests.Fixtures;
using NextBestAction.ServiceDefaults;
using NextBestAction.Telemetry;

namespace NextBestAction.IntegrationTests;

/// <summary>
/// The latency histograms on <c>/metrics</c> have buckets that fit seconds: a decision of a few milliseconds lands in a
/// bucket below 10 ms, where histogram_quantile can tell it from the 25 ms SLO.
/// </summary>
[Collection(TelemetryTestsRunAlone.Name)]
public sealed class LatencyHistogramTests(KafkaFixture kafka, RedisServerFixture redis)
    : RunningServerTests<NbaServerFactory>(new NbaServerFactory(kafka, redis))
{
    private const double FewMilliseconds = 0.003;

    [Theory]
    [InlineData("nba_decision_duration_seconds", "touchpoint")]
    [InlineData("nba_redis_duration_seconds", "operation")]
    [InlineData("nba_ingestion_freshness_seconds", "type")]
    public async Task AFewMilliseconds_LandInABucketBelowTenMilliseconds(string metric, string label)
    {
        var telemetry = Factory.Services.GetRequiredService<NbaTelemetry>();
        var histogram = metric switch
        {
            "nba_decision_duration_seconds" => telemetry.DecisionDuration,
            "nba_redis_duration_seconds" => telemetry.RedisDuration,
            _ => telemetry.IngestionFreshness,
        };
        // A label value of this test's own, so the series is this one observation.
        var marker = $"histogram-test-{Guid.NewGuid():N}";

        histogram.Record(FewMilliseconds, new KeyValuePair<string, object?>(label, marker));

        var buckets = await BucketsAsync(metric, marker);
        var smallest = buckets.Where(b => b.Count == 1).Min(b => b.UpperBound);
        Assert.True(smallest < 0.01, $"{metric}: {FewMilliseconds} s counted first in le=\"{smallest}\"");
        Assert.True(smallest >= FewMilliseconds, $"{metric}: {FewMilliseconds} s counted in le=\"{smallest}\"");
        Assert.Contains(buckets, b => b.UpperBound < 0.001);
        Assert.Contains(buckets, b => b.UpperBound is >= 10 and < double.PositiveInfinity);
        Assert.Contains(buckets, b => b.UpperBound == 0.025);
    }

    private async Task<List<(double UpperBound, long Count)>> BucketsAsync(string metric, string marker)
    {
        using var client = Factory.CreateClient();
        var pattern = new Regex($@"^{metric}_bucket\{{[^}}]*""{marker}""[^}}]*le=""([^""]+)""[^}}]*\}} (\d+)", RegexOptions.Multiline);
        // The exporter caches a scrape for a moment, so the new series may show a little later.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var matches = pattern.Matches(await client.GetStringAsync("/metrics"));
            if (matches.Count > 0 || DateTime.UtcNow > deadline)
            {
                Assert.NotEmpty(matches);
                return [.. matches.Select(m => (Bound(m.Groups[1].Value), long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)))];
            }

            await Task.Delay(250);
        }
    }

    private static double Bound(string le) => le == "+Inf" ? double.PositiveInfinity : double.Parse(le, CultureInfo.InvariantCulture);
}
