using System.Diagnostics;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NextBestAction.Contracts;
using NextBestAction.Simulator;

namespace NextBestAction.UnitTests.Simulator;

/// <summary>The simulator against librdkafka's mock cluster, reached over TCP like a real broker.</summary>
public sealed class TrafficSimulatorTests
{
    [Fact]
    public async Task ExecuteAsync_MockCluster_ProducesValidEventsKeyedBySubjectToTheirFamilyTopic()
    {
        var ct = TestContext.Current.CancellationToken;
        var adminConfig = new AdminClientConfig();
        adminConfig.Set("test.mock.num.brokers", "1");
        using var mockCluster = new AdminClientBuilder(adminConfig).Build();
        var broker = mockCluster.GetMetadata(TimeSpan.FromSeconds(10)).Brokers.Single();
        var kafka = new KafkaOptions { BootstrapServers = $"{broker.Host}:{broker.Port}" };

        var simulator = new TrafficSimulator(
            Options.Create(new SimulatorOptions { Customers = 100, EventsPerSecond = 1000 }),
            Options.Create(kafka), TimeProvider.System, new ServiceCollection().BuildServiceProvider(), NullLogger<TrafficSimulator>.Instance);
        await simulator.StartAsync(ct);
        var waited = Stopwatch.StartNew();
        while (simulator.EventsProduced < 1000 && waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(50, ct);
        }

        var elapsed = waited.Elapsed;
        await simulator.StopAsync(ct);

        Assert.True(simulator.EventsProduced >= 1000, $"{simulator.EventsProduced} produced");
        // The schedule makes the 1000th event due one second after start: never earlier.
        Assert.True(elapsed >= TimeSpan.FromSeconds(0.9), $"1000 events at 1000/s took only {elapsed}");
        Assert.Equal(0, simulator.EventsFailed);

        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = kafka.BootstrapServers,
            GroupId = "simulator-test",
            AutoOffsetReset = AutoOffsetReset.Earliest,
        }).Build();
        // The mock cluster creates topics on first produce; rare families (consent) may not exist yet.
        var created = mockCluster.GetMetadata(TimeSpan.FromSeconds(10)).Topics.Select(t => t.Topic);
        consumer.Subscribe(kafka.Topics.Inputs.Intersect(created));
        var topicsSeen = new HashSet<string>(StringComparer.Ordinal);
        for (var read = 0; read < 500;)
        {
            var result = consumer.Consume(TimeSpan.FromSeconds(10));
            Assert.NotNull(result);
            if (result.IsPartitionEOF)
            {
                continue;
            }

            read++;
            var e = EventReader.Read(result.Message.Value, DateTimeOffset.UtcNow, EventLimits.Default);
            Assert.Equal(ReadOutcome.Valid, e.Outcome);
            Assert.Equal(e.Event!.Subject, result.Message.Key);
            Assert.Equal(SimulatedEvent.TopicFor(e.Event.Type, kafka.Topics), result.Topic);
            topicsSeen.Add(result.Topic);
        }

        consumer.Close();
        Assert.Contains(kafka.Topics.Clickstream, topicsSeen);
    }

    [Fact]
    public async Task ExecuteAsync_NoBootstrapServers_FailsNamingTheSetting()
    {
        var simulator = new TrafficSimulator(
            Options.Create(new SimulatorOptions()), Options.Create(new KafkaOptions()), TimeProvider.System, new ServiceCollection().BuildServiceProvider(),
            NullLogger<TrafficSimulator>.Instance);

        await simulator.StartAsync(TestContext.Current.CancellationToken);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => simulator.ExecuteTask!);

        Assert.Contains("Kafka:BootstrapServers", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "", null)]
    [InlineData("self", "key", null)]
    [InlineData("http://nba-api:8080", "key", null)]
    [InlineData("self", "", "Simulator:DecisionsApiKey is required")]
    [InlineData("nba-api:8080", "key", "Simulator:DecisionsUrl must be an absolute http(s) address")]
    [InlineData("ftp://nba-api", "key", "Simulator:DecisionsUrl must be an absolute http(s) address")]
    [InlineData("https://nba-api", " ", "Simulator:DecisionsApiKey is required")]
    public void DecisionSettings_AreCheckedNamingTheSetting(string url, string key, string? expected)
    {
        var problems = new SimulatorOptions { DecisionsUrl = url, DecisionsApiKey = key }.Problems().ToList();

        if (expected is null)
        {
            Assert.Empty(problems);
        }
        else
        {
            Assert.Contains(problems, p => p.StartsWith(expected, StringComparison.Ordinal));
        }
    }
}
