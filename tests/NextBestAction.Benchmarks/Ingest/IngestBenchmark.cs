using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NextBestAction.Benchmarks.Cli;
using NextBestAction.Benchmarks.Infrastructure;
using NextBestAction.Contracts;
using NextBestAction.Ingestion;
using NextBestAction.Profiles;
using NextBestAction.Server.Embedded;

namespace NextBestAction.Benchmarks.Ingest;

/// <summary>
/// <c>ingest</c>: the real ingestion consumer (generic host with service defaults, profile store and ingestion) on
/// its own redis-server and the librdkafka mock cluster. In order: the service consumes a pre-produced history
/// (throughput); a raw consume + SET baseline re-reads the same history in a group of its own (while the mock cluster
/// still holds all of it); then an open-loop stream measures event-to-profile freshness of the service and of a raw
/// baseline following the same stream.
/// </summary>
internal sealed class IngestBenchmark : IBenchmark
{
    public const string Name = "ingest";

    private static readonly TimeSpan HostStopTimeout = TimeSpan.FromSeconds(15);

    public Command CreateCommand()
    {
        var events = BenchmarkOptions.Positive("--events", 200_000, "Events pre-produced for the throughput phase and re-read by the baseline.");
        var rate = new Option<double>("--rate")
        {
            Description = "Open-loop events per second in the freshness phase.",
            DefaultValueFactory = _ => 10_000,
        };
        rate.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double>() is <= 0 or > 1_000_000)
            {
                r.AddError("--rate must be above 0 and at most 1000000.");
            }
        });
        var seconds = BenchmarkOptions.Positive("--seconds", 20, "Measured duration of the freshness phase, after the warm-up.");
        var warmup = BenchmarkOptions.NotNegative("--warmup", 5, "Warm-up seconds of the freshness phase, left out of its figures.");
        var customers = BenchmarkOptions.Positive("--customers", 10_000, "Simulated customers the events are spread over.");
        var seed = new Option<int>("--seed")
        {
            Description = "Seed of the simulated webshop.",
            DefaultValueFactory = _ => 42,
        };

        var command = new Command(Name,
            "Ingestion throughput (events/s), event-to-profile freshness under open-loop load, and the ratio to raw consume "
            + "+ one pipelined SET per event. Starts its own redis-server and the librdkafka mock cluster.");
        command.Options.Add(events);
        command.Options.Add(rate);
        command.Options.Add(seconds);
        command.Options.Add(warmup);
        command.Options.Add(customers);
        command.Options.Add(seed);
        command.SetAction((parsed, cancellationToken) => RunAsync(
            new IngestSettings(
                parsed.GetValue(events), parsed.GetValue(rate), parsed.GetValue(seconds),
                parsed.GetValue(warmup), parsed.GetValue(customers), parsed.GetValue(seed)),
            parsed.InvocationConfiguration.Output,
            cancellationToken));
        return command;
    }

    private static Task<int> RunAsync(IngestSettings settings, TextWriter output, CancellationToken cancellationToken) =>
        BenchmarkCli.MeasureAndPublishAsync(Name, () => MeasureAsync(settings, output, cancellationToken), output, cancellationToken);

    private static async Task<BenchmarkSummary> MeasureAsync(IngestSettings settings, TextWriter output, CancellationToken cancellationToken)
    {
        var runId = string.Create(CultureInfo.InvariantCulture, $"bench-{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds():x}");
        var topics = IngestionHost.TopicsFor(runId);

        await using var redis = await RedisServerProcess.StartAsync(cancellationToken);
        using var kafka = EmbeddedKafka.Start();
        using var load = new LoadGenerator(kafka.BootstrapServers, topics, settings.Customers, settings.Seed, runId);
        using var probe = new IngestionProbe();
        using var host = IngestionHost.Build(kafka.BootstrapServers, redis.Configuration, $"{runId}-ingestion", topics);
        var ingestionOptions = host.Services.GetRequiredService<IOptions<IngestionOptions>>().Value;
        var batchSize = ingestionOptions.MaxBatchSize;
        var profileKeys = host.Services.GetRequiredService<RedisProfileStore>().Keys;

        await WriteConditionsAsync(output, settings, redis.Version, ingestionOptions);

        await output.WriteLineAsync($"history: producing {settings.Events} events to the mock cluster...");
        var history = load.ProduceHistory(settings.Events, cancellationToken);
        if (history.Failed > 0)
        {
            throw new InvalidOperationException($"{history.Failed} of {settings.Events} events could not be produced");
        }

        LoadGenerator.EnsureRetained(kafka.BootstrapServers, history);
        await WriteHistoryAsync(output, history);
        var backlogTimeout = TimeSpan.FromSeconds(Math.Max(120, history.Delivered / 1000.0));
        var drainTimeout = TimeSpan.FromSeconds(60 + settings.WarmupSeconds + settings.Seconds);

        // A failed consumer stops the host; the waits below then fail at once instead of at their timeout.
        host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(
            () => probe.Handled.Fail(new InvalidOperationException("the ingestion host stopped (see the log above)")));
        var hostStartedAt = Stopwatch.GetTimestamp();
        await host.StartAsync(cancellationToken);
        try
        {
            // Throughput: the service works through the backlog.
            var caughtUpAt = await probe.Handled.WaitUntilAsync(history.Delivered, backlogTimeout, cancellationToken);
            var throughput = new Rate(history.Delivered, Stopwatch.GetElapsedTime(probe.FirstBatchStartedAt, caughtUpAt));
            var stageMicroseconds = probe.StageSeconds.ToDictionary(s => s.Key, s => s.Value * 1e6 / history.Delivered, StringComparer.Ordinal);
            await output.WriteLineAsync(
                "throughput: batch-loop time per event by stage: " + string.Join(", ", stageMicroseconds.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key} {s.Value:0.0} us")));
            await output.WriteLineAsync(
                $"throughput: ingestion handled {throughput.Events} events in {throughput.Elapsed.TotalSeconds:0.00} s = {throughput.PerSecond:0} events/s "
                + $"(timed from its first batch; host start and consumer group join took "
                + $"{Stopwatch.GetElapsedTime(hostStartedAt, probe.FirstBatchStartedAt).TotalSeconds:0.00} s before that)");

            // Baseline throughput over the same history, while the mock cluster still holds all of it; the caught-up
            // service only polls meanwhile.
            await output.WriteLineAsync($"baseline: raw consume + one pipelined SET per event over the same {history.Delivered} events...");
            Rate baseline;
            await using (var rereader = RawConsumeBaseline.OverHistory(
                kafka.BootstrapServers, topics.Inputs, redis.Connection.GetDatabase(), batchSize, history.EndOffsets))
            {
                await rereader.StartAsync(backlogTimeout, cancellationToken);
                var doneAt = await rereader.Handled.WaitUntilAsync(history.Delivered, backlogTimeout, cancellationToken);
                baseline = new Rate(history.Delivered, Stopwatch.GetElapsedTime(rereader.FirstBatchAt, doneAt));
                await output.WriteLineAsync(
                    $"baseline: handled {baseline.Events} events in {baseline.Elapsed.TotalSeconds:0.00} s = {baseline.PerSecond:0} events/s "
                    + $"(timed from its first batch; group join took {rereader.StartUp.TotalSeconds:0.00} s before that)");
            }

            // Freshness under open-loop load, with a raw baseline following the same stream in a group of its own.
            await output.WriteLineAsync(
                $"freshness: producing {settings.RatePerSecond:0} events/s open loop for {settings.WarmupSeconds} s warm-up + {settings.Seconds} s measured, "
                + "read by the ingestion service and by the raw consume + SET baseline...");
            var baselineFreshnessRecorder = new LatencyRecorder();
            OpenLoopRun openLoop;
            long unhandled;
            await using (var follower = RawConsumeBaseline.FollowingHistory(
                kafka.BootstrapServers, topics.Inputs, redis.Connection.GetDatabase(), batchSize, history.EndOffsets, baselineFreshnessRecorder))
            {
                await follower.StartAsync(backlogTimeout, cancellationToken);
                openLoop = await load.RunOpenLoopAsync(
                    settings.RatePerSecond, TimeSpan.FromSeconds(settings.WarmupSeconds), TimeSpan.FromSeconds(settings.Seconds),
                    (from, to) =>
                    {
                        probe.Freshness.MeasureBetween(from, to);
                        baselineFreshnessRecorder.MeasureBetween(from, to);
                    },
                    cancellationToken);
                unhandled = await DrainAsync(probe.Handled, history.Delivered + openLoop.Delivered, drainTimeout, cancellationToken);
                await DrainAsync(follower.Handled, openLoop.Delivered, drainTimeout, cancellationToken);
            }

            var freshness = probe.Freshness.Summary();
            var baselineFreshness = baselineFreshnessRecorder.Summary();
            await WriteFreshnessAsync(output, openLoop, freshness, baselineFreshness, unhandled);
            await WriteOutcomesAsync(output, probe.HandledByOutcome);

            var profileMemory = await ProfileMemory.SampleAsync(
                redis.Connection.GetDatabase(), profileKeys, settings.Customers, IngestSettings.ProfileSample, settings.Seed);
            var redisUsedMemory = await redis.UsedMemoryBytesAsync();
            using var self = Process.GetCurrentProcess();
            self.Refresh();
            var peakRss = self.PeakWorkingSet64;
            await output.WriteLineAsync(
                $"memory: {profileMemory.AverageBytes:0} bytes per profile (MEMORY USAGE over {profileMemory.Profiles} profiles); "
                + $"redis-server used_memory {redisUsedMemory / 1048576.0:0.0} MiB (profiles and the baseline's raw keys); "
                + $"peak RSS of this process {peakRss / 1048576.0:0} MiB (includes the mock cluster holding the produced events)");

            // Tracing on against off: two fresh hosts, each with its own group and key prefix, over everything produced so far.
            // The probe listens to the service's spans, so it stops first; otherwise the "off" host would still create them.
            probe.Dispose();
            // The mock cluster keeps about 5 MB per partition: after a long run the oldest events are gone.
            var produced = history.Delivered + openLoop.Delivered;
            var everything = LoadGenerator.Retained(kafka.BootstrapServers, history.EndOffsets.Keys);
            await output.WriteLineAsync(
                $"tracing: two more hosts read all {everything} events the mock cluster still holds ({produced - everything} of {produced} dropped) "
                + "from the start, tracing on (sampling as deployed), then off...");
            var tracedRate = await BacklogRateAsync(kafka.BootstrapServers, redis.Configuration, $"{runId}-on", topics, tracing: true, everything, backlogTimeout, cancellationToken);
            var untracedRate = await BacklogRateAsync(kafka.BootstrapServers, redis.Configuration, $"{runId}-off", topics, tracing: false, everything, backlogTimeout, cancellationToken);
            var tracingRatio = tracedRate.PerSecond / untracedRate.PerSecond;
            await output.WriteLineAsync(
                $"tracing: on {tracedRate.PerSecond:0} events/s, off {untracedRate.PerSecond:0} events/s, ratio {tracingRatio:0.000}");

            var ratio = throughput.PerSecond / baseline.PerSecond;
            await output.WriteLineAsync(
                $"result: ingestion {throughput.PerSecond:0} events/s = {ratio:0.000} x raw consume + SET ({baseline.PerSecond:0} events/s); "
                + $"freshness p50 {freshness.P50Ms:0.0} ms, p99 {freshness.P99Ms:0.0} ms, p99.9 {freshness.P999Ms:0.0} ms at {openLoop.AchievedRatePerSecond:0} events/s "
                + $"(baseline p50 {baselineFreshness.P50Ms:0.0} ms, p99 {baselineFreshness.P99Ms:0.0} ms)");

            return new BenchmarkSummary(Name)
                .Add("events_per_s", throughput.PerSecond, 1)
                .Add("events_per_s_tracing_on", tracedRate.PerSecond, 1)
                .Add("events_per_s_tracing_off", untracedRate.PerSecond, 1)
                .Add("ratio_throughput_tracing_on_to_off", tracingRatio, 4)
                .Add("freshness_p50_ms", freshness.P50Ms)
                .Add("freshness_p99_ms", freshness.P99Ms)
                .Add("freshness_p999_ms", freshness.P999Ms)
                .Add("baseline_events_per_s", baseline.PerSecond, 1)
                .Add("ratio_to_baseline", ratio, 4)
                .Add("bytes_per_profile", profileMemory.AverageBytes, 1)
                .Add("bytes_per_decision_part", profileMemory.DecisionPartBytes, 1)
                .Add("peak_rss_bytes", peakRss, 0)
                .Add("achieved_rate_per_s", openLoop.AchievedRatePerSecond, 1)
                .Add("events", throughput.Events, 0)
                .Add("customers", settings.Customers, 0)
                .Add("freshness_p90_ms", freshness.P90Ms)
                .Add("freshness_max_ms", freshness.MaxMs)
                .Add("baseline_freshness_p50_ms", baselineFreshness.P50Ms)
                .Add("baseline_freshness_p99_ms", baselineFreshness.P99Ms)
                .Add("baseline_freshness_p999_ms", baselineFreshness.P999Ms)
                .Add("target_rate_per_s", settings.RatePerSecond, 1)
                .Add("payload_avg_bytes", history.PayloadAverageBytes, 1)
                .Add("unhandled_events", unhandled, 0)
                .Add("us_per_event_read", stageMicroseconds.GetValueOrDefault("read"), 2)
                .Add("us_per_event_apply", stageMicroseconds.GetValueOrDefault("apply"), 2)
                .Add("us_per_event_encode", stageMicroseconds.GetValueOrDefault("encode"), 2)
                .Add("us_per_event_redis", stageMicroseconds.GetValueOrDefault("redis"), 2)
                .Add("fetch_wait_max_ms", int.Parse(MockFetchWait.Milliseconds, System.Globalization.CultureInfo.InvariantCulture), 0);
        }
        finally
        {
            using var stopTimeout = new CancellationTokenSource(HostStopTimeout);
            await host.StopAsync(stopTimeout.Token);
        }
    }

    /// <summary>
    /// A fresh ingestion host works through <paramref name="events"/> from the start of the topics; the rate is timed from its
    /// first processed batch (the group join before it is start-up, not throughput) to the last.
    /// </summary>
    private static async Task<Rate> BacklogRateAsync(
        string bootstrapServers, string redisConfiguration, string group, TopicNames topics, bool tracing, long events, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        using var host = IngestionHost.Build(bootstrapServers, redisConfiguration, group, topics, tracing: tracing, keyPrefix: group);
        var service = host.Services.GetRequiredService<IngestionService>();
        await host.StartAsync(cancellationToken);
        try
        {
            var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
            long firstAt = 0, first = 0;
            while (service.ProcessedMessages < events)
            {
                if (Stopwatch.GetTimestamp() > deadline)
                {
                    throw new TimeoutException($"the {(tracing ? "traced" : "untraced")} host handled {service.ProcessedMessages} of {events} events within {timeout.TotalSeconds:0} s");
                }

                if (firstAt == 0 && service.ProcessedMessages > 0)
                {
                    (firstAt, first) = (Stopwatch.GetTimestamp(), service.ProcessedMessages);
                }

                await Task.Delay(5, cancellationToken);
            }

            return new Rate(events - first, Stopwatch.GetElapsedTime(firstAt));
        }
        finally
        {
            using var stopTimeout = new CancellationTokenSource(HostStopTimeout);
            await host.StopAsync(stopTimeout.Token);
        }
    }

    /// <summary>Waits until the open-loop events are handled; returns how many were not (0 normally).</summary>
    private static async Task<long> DrainAsync(ProgressCounter handled, long target, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await handled.WaitUntilAsync(target, timeout, cancellationToken);
            return 0;
        }
        catch (TimeoutException ex)
        {
            await Console.Error.WriteLineAsync($"WARNING: {ex.Message}; its freshness leaves out the unhandled events and is too optimistic.");
            return target - handled.Count;
        }
    }

    private static async Task WriteConditionsAsync(TextWriter output, IngestSettings settings, string redisVersion, IngestionOptions ingestion)
    {
#if DEBUG
        await output.WriteLineAsync("WARNING: Debug build; run with -c Release for representative figures.");
#endif
        await output.WriteLineAsync(
            $"{Name}: the ingestion worker's consumer (validation, profile update, compare-and-set write to Redis) against raw consume + one SET per event");
        await output.WriteLineAsync(
            $"machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}");
        await output.WriteLineAsync(
            $"sharing those cores: redis-server {redisVersion} (own process, no persistence); in this process the librdkafka "
            + $"{Confluent.Kafka.Library.VersionString} mock cluster (1 broker), the load generator, the ingestion host, and the raw baseline consumer (alone for throughput, beside the service for freshness)");
        await output.WriteLineAsync(
            $"workload: simulated webshop (WebshopModel), {settings.Customers} customers, seed {settings.Seed}; throughput over {settings.Events} pre-produced events "
            + $"(the baseline re-reads the same ones); freshness at {settings.RatePerSecond:0} events/s open loop, {settings.WarmupSeconds} s warm-up + "
            + $"{settings.Seconds} s measured; producer linger {LoadGenerator.LingerMs} ms (inside freshness), {LoadGenerator.Compression} compression "
            + "(so the history fits the mock cluster's 5 MB per partition)");
        await output.WriteLineAsync(
            $"ingestion settings: MaxBatchSize {ingestion.MaxBatchSize}, MaxBatchWaitMs {ingestion.MaxBatchWaitMs} (Ingestion__* environment variables change them)");
    }

    private static async Task WriteHistoryAsync(TextWriter output, ProducedHistory history)
    {
        var partitions = history.EndOffsets.Keys.GroupBy(tp => tp.Topic)
            .Select(g => $"{g.Key[(g.Key.IndexOf('.', StringComparison.Ordinal) + 1)..]} {g.Count()}");
        var mix = history.Types.OrderByDescending(t => t.Value)
            .Select(t => $"{t.Key} {100.0 * t.Value / history.Delivered:0.0}%");
        await output.WriteLineAsync(
            $"history: produced {history.Delivered} events in {history.Elapsed.TotalSeconds:0.00} s, payload avg {history.PayloadAverageBytes:0} bytes; "
            + $"partitions with events: {string.Join(", ", partitions)}");
        await output.WriteLineAsync($"history: event mix: {string.Join(", ", mix)}");
    }

    private static async Task WriteFreshnessAsync(
        TextWriter output, OpenLoopRun run, LatencySummary freshness, LatencySummary baseline, long unhandled)
    {
        await output.WriteLineAsync(
            $"freshness: produced {run.Delivered} of {run.Scheduled} scheduled events ({run.Failed} failed), achieved {run.AchievedRatePerSecond:0} events/s "
            + $"over the measured window, payload avg {run.PayloadAverageBytes:0} bytes; generator lag behind schedule mean "
            + $"{run.MeanLag.TotalMilliseconds:0.00} ms, max {run.MaxLag.TotalMilliseconds:0.0} ms; {unhandled} left unhandled");
        await output.WriteLineAsync(
            $"freshness: ingestion (record timestamp to acknowledged profile write) over {freshness.Samples} events: p50 {freshness.P50Ms:0.00} ms, "
            + $"p90 {freshness.P90Ms:0.00} ms, p99 {freshness.P99Ms:0.00} ms, p99.9 {freshness.P999Ms:0.00} ms, max {freshness.MaxMs:0.00} ms");
        await output.WriteLineAsync(
            $"freshness: baseline (record timestamp to acknowledged SET) over {baseline.Samples} events: p50 {baseline.P50Ms:0.00} ms, "
            + $"p90 {baseline.P90Ms:0.00} ms, p99 {baseline.P99Ms:0.00} ms, p99.9 {baseline.P999Ms:0.00} ms, max {baseline.MaxMs:0.00} ms");
        await output.WriteLineAsync(
            "freshness: note: the mock cluster holds every fetch for fetch.wait.max.ms (librdkafka default 500 ms) instead of answering when "
            + "new records arrive, so both figures carry 0 to 500 ms of transport wait that a real broker does not add; the difference is the service's share");
    }

    private static async Task WriteOutcomesAsync(TextWriter output, IReadOnlyDictionary<string, long> outcomes)
    {
        await output.WriteLineAsync(
            $"outcomes over the history and the open loop: {string.Join(", ", outcomes.OrderByDescending(o => o.Value).Select(o => $"{o.Key} {o.Value}"))}");
        if (outcomes.GetValueOrDefault("dead_lettered") > 0)
        {
            await Console.Error.WriteLineAsync("WARNING: some generated events were dead-lettered; the workload and the contract disagree.");
        }
    }

    private sealed record Rate(long Events, TimeSpan Elapsed)
    {
        public double PerSecond => Events / Elapsed.TotalSeconds;
    }
}
