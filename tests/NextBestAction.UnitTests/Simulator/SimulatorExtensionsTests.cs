using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NextBestAction.Contracts;
using NextBestAction.Simulator;

namespace NextBestAction.UnitTests.Simulator;

public sealed class SimulatorExtensionsTests
{
    private static IHost Build(params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        builder.AddTrafficSimulator();
        return builder.Build();
    }

    [Theory]
    [InlineData("Simulator:EventsPerSecond", "0")]
    [InlineData("Simulator:EventsPerSecond", "100001")]
    [InlineData("Simulator:Customers", "0")]
    [InlineData("Simulator:Customers", "1000001")]
    public async Task AddTrafficSimulator_OutOfRangeSetting_FailsAtStartNamingTheSetting(string key, string value)
    {
        using var host = Build(("Simulator:Enabled", "false"), (key, value));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddTrafficSimulator_NoSettings_RegistersTheSimulatorWithDefaults()
    {
        using var host = Build(("Kafka:BootstrapServers", "broker:9092"), ("Kafka:Topics:Orders", "shop.orders"));

        var options = host.Services.GetRequiredService<IOptions<SimulatorOptions>>().Value;
        var kafka = host.Services.GetRequiredService<IOptions<KafkaOptions>>().Value;

        Assert.Contains(host.Services.GetServices<IHostedService>(), s => s is TrafficSimulator);
        Assert.Same(host.Services.GetRequiredService<TrafficSimulator>(), host.Services.GetServices<IHostedService>().OfType<TrafficSimulator>().Single());
        Assert.True(options.Enabled);
        Assert.Equal(2000, options.Customers);
        Assert.Equal(200, options.EventsPerSecond);
        Assert.Equal(42, options.Seed);
        Assert.Equal("broker:9092", kafka.BootstrapServers);
        Assert.Equal("shop.orders", kafka.Topics.Orders);
    }

    [Fact]
    public void AddTrafficSimulator_Disabled_RegistersNoSimulator()
    {
        using var host = Build(("Simulator:Enabled", "false"));

        Assert.Null(host.Services.GetService<TrafficSimulator>());
        Assert.DoesNotContain(host.Services.GetServices<IHostedService>(), s => s is TrafficSimulator);
    }
}
