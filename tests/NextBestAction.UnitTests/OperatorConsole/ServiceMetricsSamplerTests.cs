using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NextBestAction.OperatorConsole;
using NextBestAction.OperatorConsole.Metrics;
using NextBestAction.Telemetry;

namespace NextBestAction.UnitTests.OperatorConsole;

/// <summary>The sampler reads this host's own instruments, window by window, and nothing of another host in the process.</summary>
public sealed class ServiceMetricsSamplerTests : IDisposable
{
    private readonly ServiceProvider services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly ServiceProvider otherServices = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly NbaTelemetry telemetry;
    private readonly NbaTelemetry otherHost;
    private readonly ServiceMetricsSampler sampler;

    public ServiceMetricsSamplerTests()
    {
        telemetry = new NbaTelemetry(services.GetRequiredService<IMeterFactory>());
        otherHost = new NbaTelemetry(otherServices.GetRequiredService<IMeterFactory>());
        sampler = new ServiceMetricsSampler(telemetry, TimeProvider.System, Options.Create(new ConsoleOptions()));
    }

    [Fact]
    public void TakeSample_CountsThisHostsDecisionsLatencyAndSends_NotAnotherHosts()
    {
        telemetry.Decisions.Add(3, new("kind", "bundle"), new("degraded", false));
        telemetry.Decisions.Add(1, new("kind", "service"), new("degraded", true));
        telemetry.DecisionDuration.Record(0.002);
        telemetry.Notifications.Add(1, new("type", "back_in_stock"), new("outcome", "sent"));
        telemetry.Notifications.Add(1, new("type", "back_in_stock"), new("outcome", "capped"));
        otherHost.Decisions.Add(100, new("kind", "bundle"), new("degraded", true));

        sampler.TakeSample();

        var sample = Assert.Single(sampler.Samples());
        Assert.Equal(4, sample.Decisions);
        Assert.Equal(1, sample.DegradedDecisions);
        Assert.Equal(1, sample.NotificationsSent);
        Assert.Equal(1, sample.DecisionLatencyBuckets[BucketQuantile.BucketOf(0.002, NbaTelemetry.SecondsBucketBoundaries)]);
        Assert.Equal(1, sample.DecisionLatencyBuckets.Sum());
    }

    [Fact]
    public void TakeSample_StartsANewWindow()
    {
        telemetry.Decisions.Add(2, new("kind", "bundle"), new("degraded", false));
        sampler.TakeSample();

        sampler.TakeSample();

        Assert.Equal([2L, 0L], sampler.Samples().Select(s => s.Decisions));
    }

    [Fact]
    public void TakeSample_WithoutIngestion_NoLag_WithIt_TheSumOverPartitions()
    {
        sampler.TakeSample();
        telemetry.ObserveConsumerLag(() => [new Measurement<long>(5, new KeyValuePair<string, object?>("partition", 0)), new Measurement<long>(7, new KeyValuePair<string, object?>("partition", 1))]);

        sampler.TakeSample();

        Assert.Equal([null, 12L], sampler.Samples().Select(s => s.ConsumerLag));
        Assert.True(sampler.MeasuresIngestion);
    }

    public void Dispose()
    {
        sampler.Dispose();
        telemetry.Dispose();
        otherHost.Dispose();
        services.Dispose();
        otherServices.Dispose();
    }
}
