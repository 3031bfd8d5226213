using System.Globalization;
using Confluent.Kafka;
using NextBestAction.Decisioning.Models;
using NextBestAction.Training.Cli;

namespace NextBestAction.Training.Tests;

public sealed class TrainingCliTests
{
    private static readonly FixedClock Clock = new(new DateTimeOffset(2026, 4, 1, 12, 0, 0, TimeSpan.Zero));

    private static Task<(int Code, string Output, string Error)> Run(params string[] args) => CliRun.RunAsync(Clock, args);

    [Fact]
    public async Task Train_Files_WritesTheModelUnderItsDefaultVersion()
    {
        using var temp = new TempDirectory();
        var files = SyntheticHistory.Generate(seed: 6, decisions: 600).WriteFiles(temp.Path);
        var models = Path.Combine(temp.Path, "models");

        var (code, output, error) = await Run("train", "--decisions", files.Decisions, "--outcomes", files.Outcomes, "--out", models,
            "--seed", "7", "--trees", "20", "--leaves", "8", "--holdout-fraction", "0.25");

        Assert.True(code == 0, error);
        var directory = Path.Combine(models, "propensity-20260401120000-7");
        Assert.Contains($"wrote {directory}", output, StringComparison.Ordinal);
        var model = TreeEnsembleModel.Load(Path.Combine(directory, "model.json"));
        Assert.Equal((20, 7, 0.25), (model.TreeCount, model.Seed, model.Trainer!.HoldoutFraction));
        Assert.Equal(150, model.Metrics!.ValidationRows);

        var again = await Run("train", "--decisions", files.Decisions, "--outcomes", files.Outcomes, "--out", models, "--seed", "7");
        Assert.Equal(TrainingCli.Failed, again.Code);
        Assert.Contains("already exists", again.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--holdout-fraction", "1", "--holdout-fraction must be greater than 0 and less than 1.")]
    [InlineData("--trees", "0", "--trees must be between 1 and 10000, was 0.")]
    [InlineData("--leaves", "1", "--leaves must be between 2 and 1000, was 1.")]
    [InlineData("--decisions", "kafka:", "--decisions: \"kafka:\" names no topic")]
    [InlineData("--kafka-setting", "sasl", "--kafka-setting \"sasl\" must be key=value.")]
    [InlineData("--horizon-days", "0", "--horizon-days must be greater than 0 and at most 3650.")]
    [InlineData("--orders", "kafka:", "--orders: \"kafka:\" names no topic")]
    public async Task Train_BadOption_IsAUsageError(string option, string value, string expected)
    {
        var (code, _, error) = await Run(CliArguments.With(["train", "--decisions", "d.jsonl", "--outcomes", "o.jsonl", "--out", "models"], option, value));

        Assert.Equal(TrainingCli.UsageError, code);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_WithoutOut_IsAUsageError()
    {
        var (code, _, error) = await Run("train", "--decisions", "d.jsonl", "--outcomes", "o.jsonl");

        Assert.Equal(TrainingCli.UsageError, code);
        Assert.Contains("--out", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_MissingFile_FailsNamingIt()
    {
        using var temp = new TempDirectory();
        var missing = Path.Combine(temp.Path, "nope.jsonl");

        var (code, _, error) = await Run("train", "--decisions", missing, "--outcomes", missing, "--out", temp.Path);

        Assert.Equal(TrainingCli.Failed, code);
        Assert.Contains($"train failed: {missing}: file not found", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_FromKafkaTopics_ReadsEachTopicToItsEndAndTrains()
    {
        using var temp = new TempDirectory();
        var history = SyntheticHistory.Generate(seed: 8, decisions: 600);
        using var cluster = MockCluster.Start();
        cluster.Produce("nba.feedback", history.Outcomes.Select(o => SyntheticHistory.OutcomeEvent(o.DecisionId, o.ActionId, o.Type, SyntheticHistory.Start)));
        cluster.Produce("nba.decisions", history.Decisions.Select(SyntheticHistory.DecisionEvent));

        var (code, output, error) = await Run("train", "--decisions", "kafka:nba.decisions", "--outcomes", "kafka:nba.feedback",
            "--bootstrap", cluster.BootstrapServers, "--out", temp.Path, "--version", "from-kafka", "--trees", "20");

        Assert.True(code == 0, error);
        Assert.Contains("reading decisions: 600 events", output, StringComparison.Ordinal);
        Assert.Contains("reading outcomes: 600 events", output, StringComparison.Ordinal);
        Assert.Equal(600, TreeEnsembleModel.Load(Path.Combine(temp.Path, "from-kafka", "model.json")).TrainingData!.Decisions);
    }

    [Fact]
    public async Task Train_FromAnUnknownTopic_FailsNamingIt()
    {
        using var temp = new TempDirectory();
        using var cluster = MockCluster.Start();

        var (code, _, error) = await Run("train", "--decisions", "kafka:nba.nothing", "--outcomes", "kafka:nba.nothing",
            "--bootstrap", cluster.BootstrapServers, "--out", temp.Path);

        Assert.Equal(TrainingCli.Failed, code);
        Assert.Contains("kafka:nba.nothing", error, StringComparison.Ordinal);
    }

    /// <summary>librdkafka's built-in mock cluster, living as long as the producer that created it.</summary>
    private sealed class MockCluster : IDisposable
    {
        private readonly IProducer<string, byte[]> producer;

        private MockCluster(IProducer<string, byte[]> producer, string bootstrapServers)
        {
            this.producer = producer;
            BootstrapServers = bootstrapServers;
        }

        public string BootstrapServers { get; }

        public static MockCluster Start()
        {
            var config = new ProducerConfig { ClientId = "training-tests" };
            config.Set("test.mock.num.brokers", 1.ToString(CultureInfo.InvariantCulture));
            var producer = new ProducerBuilder<string, byte[]>(config).SetLogHandler((_, _) => { }).Build();
            using var admin = new DependentAdminClientBuilder(producer.Handle).Build();
            var brokers = admin.GetMetadata(TimeSpan.FromSeconds(10)).Brokers;
            return new MockCluster(producer, string.Join(',', brokers.Select(b => $"{b.Host}:{b.Port}")));
        }

        public void Produce(string topic, IEnumerable<byte[]> events)
        {
            foreach (var value in events)
            {
                producer.Produce(topic, new Message<string, byte[]> { Key = "c", Value = value });
            }

            producer.Flush(TimeSpan.FromSeconds(10));
        }

        public void Dispose() => producer.Dispose();
    }
}
