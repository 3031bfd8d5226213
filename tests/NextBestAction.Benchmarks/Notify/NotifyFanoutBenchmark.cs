using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NextBestAction.Benchmarks.Cli;
using NextBestAction.Benchmarks.Infrastructure;
using NextBestAction.Benchmarks.Ingest;
using NextBestAction.Contracts;
using NextBestAction.Ingestion;
using NextBestAction.Notifications;
using NextBestAction.Server.Embedded;

namespace NextBestAction.Benchmarks.Notify;

/// <summary>
/// <c>notify-fanout</c>: the real ingestion worker with notifications (a generic host with service defaults, profile
/// store, ingestion and notifications) on its own redis-server and the librdkafka mock cluster. Seeds a product onto
/// <c>--wishlists</c> customers' wishlists through Kafka, then measures in the same run: ingestion of <c>--events</c>
/// other events alone (the baseline), and the same number of other events while a price drop of that product fans out
/// to every wishlist (time until every notification is acknowledged by Kafka, and the other events' throughput meanwhile).
/// </summary>
internal sealed class NotifyFanoutBenchmark : IBenchmark
{
    public const string Name = "notify-fanout";

    private const string Product = "p-bench-hot";
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan HostStopTimeout = TimeSpan.FromSeconds(15);

    public Command CreateCommand()
    {
        var wishlists = BenchmarkOptions.Positive("--wishlists", 100_000, "Customers with the product on their wishlist: the size of the fan-out.");
        var events = BenchmarkOptions.Positive("--events", 100_000, "Other events ingested alone (baseline) and again during the fan-out.");
        var fanoutRate = BenchmarkOptions.Positive("--fanout-rate", 20_000, "Notifications:FanoutMaxPerSecond, the fan-out's pace (customers per second).");
        var command = new Command(Name,
            "A price drop for a product on many wishlists: time to emit every notification, and ingestion throughput of other events "
            + "meanwhile against ingestion without the fan-out. Starts its own redis-server and the librdkafka mock cluster.");
        command.Options.Add(wishlists);
        command.Options.Add(events);
        command.Options.Add(fanoutRate);
        command.SetAction((parsed, cancellationToken) => BenchmarkCli.MeasureAndPublishAsync(Name,
            () => MeasureAsync(parsed.GetValue(wishlists), parsed.GetValue(events), parsed.GetValue(fanoutRate), parsed.InvocationConfiguration.Output, cancellationToken),
            parsed.InvocationConfiguration.Output, cancellationToken));
        return command;
    }

    private static async Task<BenchmarkSummary> MeasureAsync(int wishlists, int events, int fanoutRate, TextWriter output, CancellationToken cancellationToken)
    {
        var runId = string.Create(CultureInfo.InvariantCulture, $"bench-{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds():x}");
        var topics = IngestionHost.TopicsFor(runId);
        await using var redis = await RedisServerProcess.StartAsync(cancellationToken);
        using var kafka = EmbeddedKafka.Start();
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig
        {
            BootstrapServers = kafka.BootstrapServers,
            Acks = Acks.All,
            EnableIdempotence = true,
            LingerMs = 5,
            // The mock cluster keeps about 5 MB per partition; compressed, every step fits.
            CompressionType = CompressionType.Zstd,
            QueueBufferingMaxMessages = 1_000_000,
        }).SetLogHandler((_, _) => { }).Build();
        using var host = IngestionHost.Build(kafka.BootstrapServers, redis.Configuration, $"{runId}-ingestion", topics, notifications: true,
            new Dictionary<string, string?>
            {
                // Every seeded customer is eligible: no consent events needed, no quiet hours, no caps in the way.
                ["Notifications:MarketingConsent"] = "optOut",
                ["Notifications:QuietHoursStart"] = "00:00",
                ["Notifications:QuietHoursEnd"] = "00:00",
                ["Notifications:FanoutMaxPerSecond"] = fanoutRate.ToString(CultureInfo.InvariantCulture),
                ["Kafka:Producer:compression.type"] = "zstd",
                ["Kafka:Producer:linger.ms"] = "5",
            });
        var ingestion = host.Services.GetRequiredService<IngestionService>();
        var fanout = host.Services.GetRequiredService<FanoutWorker>();
        var options = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<NotificationOptions>>().Value;

        await output.WriteLineAsync($"{Name}: a price drop for a product on {wishlists} wishlists, beside {events} other events, against those events alone");
        await output.WriteLineAsync($"machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}");
        await output.WriteLineAsync(
            $"sharing those cores: redis-server {redis.Version} (own process, no persistence); in this process the librdkafka {Library.VersionString} mock cluster "
            + "(1 broker), the producer of the events, and the ingestion host with notifications");
        await output.WriteLineAsync(
            $"settings: FanoutBatchSize {options.FanoutBatchSize}, FanoutMaxPerSecond {options.FanoutMaxPerSecond}, IndexShards {options.IndexShards}; "
            + "MarketingConsent optOut, no quiet hours; zstd on every producer");

        // Topics exist before the consumer subscribes, so its group is assigned every partition at the first join
        // (the mock cluster creates a topic on a metadata request; it has no CreateTopics).
        using (var metadata = new DependentAdminClientBuilder(producer.Handle).Build())
        {
            foreach (var topic in topics.All)
            {
                metadata.GetMetadata(topic, TimeSpan.FromSeconds(10));
            }
        }

        await host.StartAsync(cancellationToken);
        try
        {
            // Seed: the product onto every wishlist, through ingestion (which keeps the index).
            var seedStarted = Stopwatch.GetTimestamp();
            var handled = ingestion.ProcessedMessages;
            await ProduceAsync(producer, topics.Clickstream, wishlists, i => Customer("w", i), (customer, i) => Event(EventTypes.WishlistItemAdded, customer,
                new { productId = Product, category = "phones", productLine = "galaxy-s", price = 899.0 }), cancellationToken);
            await WaitAsync(() => ingestion.ProcessedMessages >= handled + wishlists, "seeding the wishlists", cancellationToken);
            var indexed = 0L;
            var store = host.Services.GetRequiredService<NotificationStore>();
            for (var shard = 0; shard < options.IndexShards; shard++)
            {
                indexed += await redis.Connection.GetDatabase().SetLengthAsync(store.IndexShard(Product, ProductIndex.Wishlist, shard));
            }

            if (indexed != wishlists)
            {
                throw new BenchmarkSetupException($"the wishlist index holds {indexed} customers, expected {wishlists}");
            }

            await output.WriteLineAsync($"seed: {wishlists} wishlist events ingested and indexed in {Stopwatch.GetElapsedTime(seedStarted).TotalSeconds:0.00} s");

            // Baseline: other events alone.
            var alone = await IngestOtherAsync(producer, topics, ingestion, "a", events, cancellationToken);
            await output.WriteLineAsync($"baseline: {events} other events alone in {alone.TotalSeconds:0.00} s = {events / alone.TotalSeconds:0} events/s");

            // The fan-out, with the same number of other events produced right after the price drop.
            var notificationsBefore = CountRecords(kafka.BootstrapServers, topics.Notifications);
            var fanoutStarted = Stopwatch.GetTimestamp();
            await producer.ProduceAsync(topics.Catalog, new Message<string, byte[]>
            {
                Key = Product,
                Value = Event(EventTypes.ProductPriceChanged, Product, new { productId = Product, oldPrice = 899.0, newPrice = 749.0 }),
            }, cancellationToken);
            var completedBefore = fanout.CompletedJobs;
            var fanoutDone = Task.Run(async () =>
            {
                await WaitAsync(() => fanout.CompletedJobs > completedBefore, "the fan-out", cancellationToken);
                return Stopwatch.GetElapsedTime(fanoutStarted);
            }, cancellationToken);
            var during = await IngestOtherAsync(producer, topics, ingestion, "b", events, cancellationToken);
            var fanoutTime = await fanoutDone;
            var notifications = CountRecords(kafka.BootstrapServers, topics.Notifications) - notificationsBefore;
            await output.WriteLineAsync($"during: {events} other events in {during.TotalSeconds:0.00} s = {events / during.TotalSeconds:0} events/s while the fan-out ran");
            await output.WriteLineAsync(
                $"fan-out: {notifications} notifications acknowledged by Kafka in {fanoutTime.TotalSeconds:0.00} s (from producing the price change) = "
                + $"{notifications / fanoutTime.TotalSeconds:0} notifications/s; overlap with the other events: {Math.Min(1, during / fanoutTime):P0} of the fan-out");
            if (notifications != wishlists)
            {
                throw new BenchmarkSetupException($"{notifications} notifications on the topic, expected one per wishlist ({wishlists})");
            }

            var ratio = alone / during;
            await output.WriteLineAsync($"result: ingestion during the fan-out runs at {ratio:0.000} x its rate alone");
            return new BenchmarkSummary(Name)
                .Add("notifications_per_s", notifications / fanoutTime.TotalSeconds, 1)
                .Add("fanout_seconds", fanoutTime.TotalSeconds, 3)
                .Add("ratio_ingest_during_fanout", ratio, 4)
                .Add("ingest_alone_events_per_s", events / alone.TotalSeconds, 1)
                .Add("ingest_during_fanout_events_per_s", events / during.TotalSeconds, 1)
                .Add("wishlists", wishlists, 0)
                .Add("other_events", events, 0)
                .Add("fanout_max_per_s", fanoutRate, 0);
        }
        finally
        {
            using var stopTimeout = new CancellationTokenSource(HostStopTimeout);
            await host.StopAsync(stopTimeout.Token);
        }
    }

    /// <summary>Cart additions of other customers (not on the wishlist); timed from the first produce until ingestion handled them all.</summary>
    private static async Task<TimeSpan> IngestOtherAsync(IProducer<string, byte[]> producer, TopicNames topics, IngestionService ingestion, string tag, int count, CancellationToken cancellationToken)
    {
        var target = ingestion.ProcessedMessages + count;
        var started = Stopwatch.GetTimestamp();
        await ProduceAsync(producer, topics.Clickstream, count, i => Customer(tag, i % 20_000), (customer, i) => Event(EventTypes.CartItemAdded, customer,
            new { productId = $"p-{i % 500}", category = "phones", productLine = "pixel", price = 499.0, quantity = 1 }), cancellationToken);
        await WaitAsync(() => ingestion.ProcessedMessages >= target, "the other events", cancellationToken);
        return Stopwatch.GetElapsedTime(started);
    }

    private static async Task ProduceAsync(IProducer<string, byte[]> producer, string topic, int count, Func<int, string> key, Func<string, int, byte[]> value, CancellationToken cancellationToken)
    {
        var failed = 0;
        for (var i = 0; i < count; i++)
        {
            var customer = key(i);
            producer.Produce(topic, new Message<string, byte[]> { Key = customer, Value = value(customer, i) }, r =>
            {
                if (r.Error.IsError)
                {
                    Interlocked.Increment(ref failed);
                }
            });
        }

        await Task.Run(() => producer.Flush(cancellationToken), cancellationToken);
        if (failed > 0)
        {
            throw new BenchmarkSetupException($"{failed} of {count} events could not be produced");
        }
    }

    private static async Task WaitAsync(Func<bool> done, string what, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(StepTimeout.TotalSeconds * Stopwatch.Frequency);
        while (!done())
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"{what} did not finish within {StepTimeout.TotalMinutes:0} minutes");
            }

            await Task.Delay(10, cancellationToken);
        }
    }

    /// <summary>Records on a topic: the sum of its partitions' high watermarks (the mock may drop old bytes, never offsets).</summary>
    private static long CountRecords(string bootstrapServers, string topic)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = bootstrapServers, GroupId = "bench-count" }).Build();
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
        var partitions = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions;
        return partitions.Sum(p => consumer.QueryWatermarkOffsets(new TopicPartition(topic, p.PartitionId), TimeSpan.FromSeconds(10)).High.Value);
    }

    private static string Customer(string tag, int i) => string.Create(CultureInfo.InvariantCulture, $"cust-{tag}{i:D6}");

    private static byte[] Event(string type, string subject, object data) =>
        JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["specversion"] = "1.0",
            ["id"] = Guid.NewGuid().ToString("N"),
            ["source"] = "/bench/notify-fanout",
            ["type"] = type,
            ["time"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["subject"] = subject,
            ["data"] = data,
        });
}
