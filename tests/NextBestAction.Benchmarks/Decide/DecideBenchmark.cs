using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NextBestAction.Benchmarks.Cli;
using NextBestAction.Benchmarks.Infrastructure;
using NextBestAction.Profiles;
using NextBestAction.Server.Embedded;
using StackExchange.Redis;

namespace NextBestAction.Benchmarks.Decide;

/// <summary>
/// <c>decide</c>: the real decision API (built as the DecisionApi host builds it) on Kestrel, its own redis-server
/// seeded with simulated profiles, and the librdkafka mock cluster. For each rate, open-loop decisions and then the
/// same schedule against the baseline route (one Redis read and a fixed response) in the same app; then closed-loop
/// saturation of both, whose ratio says how much of the floor the decision path keeps.
/// </summary>
internal sealed class DecideBenchmark : IBenchmark
{
    public const string Name = "decide";

    private static readonly int[] DefaultRates = [500, 1000, 2000];

    public Command CreateCommand()
    {
        var rates = new Option<int[]>("--rates")
        {
            Description = "Open-loop decisions per second, comma-separated; each is measured against the decision route and the baseline.",
            DefaultValueFactory = _ => DefaultRates,
            CustomParser = ParseRates,
        };
        var duration = BenchmarkOptions.Positive("--duration", 20, "Measured seconds per rate and route, after the warm-up.");
        var warmup = BenchmarkOptions.NotNegative("--warmup", 5, "Open-loop warm-up seconds before each measurement, left out of its figures.");
        var customers = BenchmarkOptions.Positive("--customers", 10_000, "Simulated customers; those the seeding history reaches get a profile.");
        var events = BenchmarkOptions.Positive("--events", 200_000, "Simulated events applied to the profiles before the load starts.");
        var seed = new Option<int>("--seed")
        {
            Description = "Seed of the simulated webshop and of the request mix.",
            DefaultValueFactory = _ => 42,
        };
        var concurrency = BenchmarkOptions.Positive("--concurrency", 32, "Closed-loop workers of the saturation step.");
        var saturationSeconds = BenchmarkOptions.Positive("--saturation-seconds", 5,
            "Measured seconds of the saturation step per route, after a one-second ramp-up.");
        var connections = BenchmarkOptions.Positive("--connections", 256, "Most HTTP connections the load generator opens.");
        var catalog = new Option<string?>("--catalog")
        {
            Description = "Action catalog file to load instead of the generated 50-action bench-50 catalog; a relative path is looked up "
                + "in the current directory, then in the build output (for example catalog/actions.json, the shipped catalog).",
        };
        catalog.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } path && ResolveCatalog(path) is null)
            {
                r.AddError($"--catalog: no file {path} in {Directory.GetCurrentDirectory()} or {AppContext.BaseDirectory}.");
            }
        });

        var command = new Command(Name,
            "Decision latency under open-loop load at several rates, and the highest decision rate, each beside a baseline route "
            + "that does only the profile read. Starts its own redis-server, seeds simulated profiles, and hosts the decision API on Kestrel.");
        command.Options.Add(rates);
        command.Options.Add(duration);
        command.Options.Add(warmup);
        command.Options.Add(customers);
        command.Options.Add(events);
        command.Options.Add(seed);
        command.Options.Add(concurrency);
        command.Options.Add(saturationSeconds);
        command.Options.Add(connections);
        command.Options.Add(catalog);
        command.SetAction((parsed, cancellationToken) => RunAsync(
            new DecideSettings(
                parsed.GetValue(rates)!, parsed.GetValue(duration), parsed.GetValue(warmup), parsed.GetValue(customers),
                parsed.GetValue(events), parsed.GetValue(seed), parsed.GetValue(concurrency), parsed.GetValue(saturationSeconds),
                parsed.GetValue(connections), parsed.GetValue(catalog) is { } path ? ResolveCatalog(path) : null),
            parsed.InvocationConfiguration.Output,
            cancellationToken));
        return command;
    }

    /// <summary>
    /// The same open-loop schedule against the traced host (as deployed: default sampling, spans batched to an exporter)
    /// and against a second host on the same Redis and Kafka with tracing switched off, back to back.
    /// </summary>
    private static async Task<(OpenLoopResult On, OpenLoopResult Off)> CompareTracingAsync(
        HttpLoad tracedLoad, DecisionRequests requests, string redis, string kafka, string catalogPath, int rate,
        TimeSpan warmup, TimeSpan measured, DecideSettings settings, TextWriter output, CancellationToken cancellationToken)
    {
        await output.WriteLineAsync($"tracing: at {rate}/s, decisions with tracing on (sampling as deployed), then on a host with tracing off...");
        var on = await tracedLoad.RunOpenLoopAsync(DecisionApiHost.DecidePath, requests, rate, warmup, measured, cancellationToken);
        await WriteOpenLoopAsync(output, "on      ", on);
        await using var untraced = DecisionApiHost.Build(redis, kafka, catalogPath, tracing: false);
        await untraced.StartAsync(cancellationToken);
        using var untracedLoad = new HttpLoad(untraced.Address, untraced.ApiKey, settings.Connections);
        var off = await untracedLoad.RunOpenLoopAsync(DecisionApiHost.DecidePath, requests, rate, warmup, measured, cancellationToken);
        await WriteOpenLoopAsync(output, "off     ", off);
        return (on, off);
    }

    private static int[] ParseRates(System.CommandLine.Parsing.ArgumentResult result)
    {
        var rates = new List<int>();
        foreach (var part in result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var rate) || rate is < 1 or > 100_000)
            {
                result.AddError($"--rates takes whole numbers from 1 to 100000, separated by commas; \"{part}\" is not one.");
                return [];
            }

            rates.Add(rate);
        }

        if (rates.Count == 0 || rates.Distinct().Count() != rates.Count)
        {
            result.AddError("--rates needs at least one rate, each once (for example 500,1000,2000).");
        }

        return [.. rates];
    }

    /// <summary>A relative path is looked up in the current directory first, then where the build puts the shipped catalog.</summary>
    internal static string? ResolveCatalog(string path) =>
        new[] { Path.GetFullPath(path), Path.GetFullPath(path, AppContext.BaseDirectory) }.FirstOrDefault(File.Exists);

    private static Task<int> RunAsync(DecideSettings settings, TextWriter output, CancellationToken cancellationToken) =>
        BenchmarkCli.MeasureAndPublishAsync(Name, () => MeasureAsync(settings, output, cancellationToken), output, cancellationToken);

    private static async Task<BenchmarkSummary> MeasureAsync(DecideSettings settings, TextWriter output, CancellationToken cancellationToken)
    {
        // The load generator's requests would otherwise be traced by the host's HTTP client instrumentation (it is in
        // this process), costing the generator time and sending a trace parent the server would follow.
        AppContext.SetSwitch("System.Net.Http.EnableActivityPropagation", false);

        var workDirectory = Directory.CreateTempSubdirectory("nba-bench-decide-");
        try
        {
            var catalogPath = settings.CatalogPath ?? BenchmarkCatalog.Write(workDirectory.FullName);
            var catalog = CatalogFacts.Read(catalogPath);

            await using var redis = await RedisServerProcess.StartAsync(cancellationToken);
            using var kafka = EmbeddedKafka.Start();
            await using var host = DecisionApiHost.Build(redis.Configuration, kafka.BootstrapServers, catalogPath);
            await WriteConditionsAsync(output, settings, redis.Version, catalog, catalogPath);

            await output.WriteLineAsync($"profiles: applying {settings.Events} simulated events over {settings.Customers} customers and writing the profiles...");
            var profileStore = host.Services.GetRequiredService<RedisProfileStore>();
            var seeded = await ProfileSeeder.SeedAsync(
                profileStore, host.Services.GetRequiredService<ProfileUpdater>(), settings.Customers, settings.Events, settings.Seed, cancellationToken);
            await WriteSeededAsync(output, seeded);

            try
            {
                await host.StartAsync(cancellationToken);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not OutOfMemoryException)
            {
                throw new BenchmarkSetupException(
                    $"the decision API did not start: {ex.Message}"
                    + (settings.CatalogPath is null
                        ? $"{Environment.NewLine}If it refused the generated {BenchmarkCatalog.Version} catalog, this build's engine predates its format: "
                            + "run with --catalog catalog/actions.json (the shipped catalog)."
                        : ""),
                    ex);
            }

            var requests = new DecisionRequests(seeded.CustomerIds, settings.Seed);
            using var load = new HttpLoad(host.Address, host.ApiKey, settings.Connections);
            var probe = await ProbeAsync(load, requests, cancellationToken);
            host.BaselineResponse = probe.RepresentativeResponse;
            var (baselineStatus, _) = await load.SendOnceAsync(DecisionApiHost.BaselinePath, requests.Next(), cancellationToken);
            if (baselineStatus != HttpStatusCode.OK)
            {
                throw new BenchmarkSetupException($"POST {DecisionApiHost.BaselinePath} answered {(int)baselineStatus}");
            }

            await output.WriteLineAsync(
                $"probe: {DecideSettings.ProbeRequests} sequential decisions at {host.Address}: request avg {requests.AverageBytes:0} bytes, "
                + $"response avg {probe.ResponseAverageBytes:0} bytes, {probe.ActionsAverage:0.00} actions each, {probe.Degraded} degraded; "
                + $"first action kinds: {probe.Kinds}; the baseline answers a fixed {probe.RepresentativeResponse.Length}-byte decision response");
            var loadStartedAt = DateTimeOffset.UtcNow;
            var gcBefore = CollectorActivity.Now();

            var warmup = TimeSpan.FromSeconds(settings.WarmupSeconds);
            var measured = TimeSpan.FromSeconds(settings.Seconds);
            var points = new List<(int Rate, OpenLoopResult Decide, OpenLoopResult Baseline)>();
            foreach (var rate in settings.RatesPerSecond)
            {
                await output.WriteLineAsync($"at {rate}/s: open loop, {settings.WarmupSeconds} s warm-up + {settings.Seconds} s measured, decisions then baseline...");
                var decide = await load.RunOpenLoopAsync(DecisionApiHost.DecidePath, requests, rate, warmup, measured, cancellationToken);
                await WriteOpenLoopAsync(output, "decide  ", decide);
                var baseline = await load.RunOpenLoopAsync(DecisionApiHost.BaselinePath, requests, rate, warmup, measured, cancellationToken);
                await WriteOpenLoopAsync(output, "baseline", baseline);
                points.Add((rate, decide, baseline));
            }

            await output.WriteLineAsync(
                $"saturation: {settings.Concurrency} closed-loop workers, {DecideSettings.SaturationRampUp.TotalSeconds:0} s ramp-up + {settings.SaturationSeconds} s measured, decisions then baseline...");
            var saturationWindow = TimeSpan.FromSeconds(settings.SaturationSeconds);
            ClosedLoopResult maxDecide;
            double roundTripsBeforeResponse, commandsPerDecision;
            using (var redisUsage = new RedisUsageProbe(host.Services.GetRequiredService<IConnectionMultiplexer>()))
            {
                maxDecide = await load.RunClosedLoopAsync(
                    DecisionApiHost.DecidePath, requests, settings.Concurrency, DecideSettings.SaturationRampUp, saturationWindow, cancellationToken);

                // The writes after each answer are batched in the background: give the last batch time to go out.
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                var answered = (double)maxDecide.Counts.Succeeded;
                roundTripsBeforeResponse = redisUsage.ProfileReads / answered;
                commandsPerDecision = redisUsage.OperationsSent / answered;
            }

            await WriteClosedLoopAsync(output, "decide  ", maxDecide);
            await output.WriteLineAsync(
                $"redis: {roundTripsBeforeResponse:0.00} round trips before the response and {commandsPerDecision:0.00} operations sent per decision during the saturation step");
            var maxBaseline = await load.RunClosedLoopAsync(
                DecisionApiHost.BaselinePath, requests, settings.Concurrency, DecideSettings.SaturationRampUp, saturationWindow, cancellationToken);
            await WriteClosedLoopAsync(output, "baseline", maxBaseline);
            var tracingRate = settings.RatesPerSecond[settings.RatesPerSecond.Count / 2];
            var (tracingOn, tracingOff) = await CompareTracingAsync(
                load, requests, redis.Configuration, kafka.BootstrapServers, catalogPath, tracingRate, warmup, measured, settings, output, cancellationToken);
            var loadEndedAt = DateTimeOffset.UtcNow;

            var profileMemory = await ProfileMemory.SampleAsync(
                redis.Connection.GetDatabase(), profileStore.Keys, settings.Customers, DecideSettings.ProfileSample, settings.Seed);
            using var self = Process.GetCurrentProcess();
            self.Refresh();
            var peakRss = self.PeakWorkingSet64;
            var gc = CollectorActivity.Now() - gcBefore;
            await output.WriteLineAsync(
                $"memory: {profileMemory.AverageBytes:0} bytes per profile (MEMORY USAGE of the profile's keys over {profileMemory.Profiles} profiles); "
                + $"peak RSS of this process {peakRss / 1048576.0:0} MiB (decision API, load generator and mock cluster)");
            await output.WriteLineAsync($"gc during the load: {gc}");
            await output.WriteLineAsync(
                $"profiles: {seeded.WithLateOrderAt(loadStartedAt)} customers had a late order when the load started, {seeded.WithLateOrderAt(loadEndedAt)} when it "
                + "ended (no deliveries arrive during the run, so open orders pass their promised time)");

            var decideCounts = new[] { probe.Counts }.Concat(points.Select(p => p.Decide.Counts)).Append(maxDecide.Counts).ToList();
            var baselineCounts = points.Select(p => p.Baseline.Counts).Append(maxBaseline.Counts).ToList();
            var errors = decideCounts.Sum(c => c.Errors);
            var baselineErrors = baselineCounts.Sum(c => c.Errors);
            var degraded = decideCounts.Sum(c => c.Degraded);
            var ratio = maxDecide.PerSecond / maxBaseline.PerSecond;
            await output.WriteLineAsync(
                $"result: at most {maxDecide.PerSecond:0} decisions/s = {ratio:0.000} x the baseline's {maxBaseline.PerSecond:0}/s; "
                + string.Join("; ", points.Select(p => $"at {p.Rate}/s p50 {p.Decide.Latency?.P50Ms:0.00} ms, p99 {p.Decide.Latency?.P99Ms:0.00} ms "
                    + $"(baseline {p.Baseline.Latency?.P50Ms:0.00} / {p.Baseline.Latency?.P99Ms:0.00} ms)"))
                + $"; {errors} decision errors, {baselineErrors} baseline errors, {degraded} degraded decisions");
            if (errors + baselineErrors > 0 || degraded > 0)
            {
                await Console.Error.WriteLineAsync(
                    "WARNING: some requests failed or were served degraded; latencies cover successful answers only, so they are too optimistic.");
            }

            var summary = new BenchmarkSummary(Name);
            foreach (var (rate, decide, baseline) in points)
            {
                var at = rate.ToString(CultureInfo.InvariantCulture);
                var d = decide.Latency ?? throw new InvalidOperationException($"no decision at {rate}/s succeeded");
                var b = baseline.Latency ?? throw new InvalidOperationException($"no baseline request at {rate}/s succeeded");
                summary
                    .Add($"p50_ms_at_{at}", d.P50Ms)
                    .Add($"p90_ms_at_{at}", d.P90Ms)
                    .Add($"p99_ms_at_{at}", d.P99Ms)
                    .Add($"p999_ms_at_{at}", d.P999Ms)
                    .Add($"max_ms_at_{at}", d.MaxMs)
                    .Add($"achieved_per_s_at_{at}", decide.AchievedPerSecond, 1)
                    .Add($"baseline_p50_ms_at_{at}", b.P50Ms)
                    .Add($"baseline_p99_ms_at_{at}", b.P99Ms)
                    .Add($"baseline_p90_ms_at_{at}", b.P90Ms)
                    .Add($"baseline_p999_ms_at_{at}", b.P999Ms)
                    .Add($"baseline_max_ms_at_{at}", b.MaxMs)
                    .Add($"baseline_achieved_per_s_at_{at}", baseline.AchievedPerSecond, 1);
            }

            var onLatency = tracingOn.Latency ?? throw new InvalidOperationException("no decision with tracing on succeeded");
            var offLatency = tracingOff.Latency ?? throw new InvalidOperationException("no decision with tracing off succeeded");
            return summary
                .Add("tracing_rate_per_s", tracingRate, 0)
                .Add("p99_ms_tracing_on", onLatency.P99Ms)
                .Add("p99_ms_tracing_off", offLatency.P99Ms)
                .Add("p50_ms_tracing_on", onLatency.P50Ms)
                .Add("p50_ms_tracing_off", offLatency.P50Ms)
                .Add("ratio_p99_tracing_on_to_off", onLatency.P99Ms / offLatency.P99Ms, 4)
                .Add("max_decisions_per_s", maxDecide.PerSecond, 1)
                .Add("baseline_max_per_s", maxBaseline.PerSecond, 1)
                .Add("ratio_to_baseline", ratio, 4)
                .Add("errors", errors, 0)
                .Add("baseline_errors", baselineErrors, 0)
                .Add("degraded", degraded, 0)
                .Add("degraded_at_2000", points.FirstOrDefault(p => p.Rate == 2000).Decide?.Counts.Degraded ?? -1, 0)
                .Add("redis_round_trips_before_response", roundTripsBeforeResponse, 2)
                .Add("redis_commands_per_decision", commandsPerDecision, 2)
                .Add("candidates", catalog.Actions, 0)
                .Add("customers", settings.Customers, 0)
                .Add("profiles", seeded.CustomerIds.Count, 0)
                .Add("seeded_events", settings.Events, 0)
                .Add("cores", Environment.ProcessorCount, 0)
                .Add("warmup_s", settings.WarmupSeconds, 0)
                .Add("duration_s", settings.Seconds, 0)
                .Add("concurrency", settings.Concurrency, 0)
                .Add("connections", settings.Connections, 0)
                .Add("request_avg_bytes", requests.AverageBytes, 1)
                .Add("response_avg_bytes", probe.ResponseAverageBytes, 1)
                .Add("baseline_response_bytes", probe.RepresentativeResponse.Length, 0)
                .Add("bytes_per_profile", profileMemory.AverageBytes, 1)
                .Add("bytes_per_decision_part", profileMemory.DecisionPartBytes, 1)
                .Add("peak_rss_bytes", peakRss, 0)
                .Add("gc_pause_ms", gc.Pause.TotalMilliseconds, 1)
                .Add("gc_gen0_count", gc.Gen0, 0)
                .Add("gc_gen1_count", gc.Gen1, 0)
                .Add("gc_gen2_count", gc.Gen2, 0);
        }
        finally
        {
            workDirectory.Delete(recursive: true);
        }
    }

    /// <summary>
    /// Sequential decisions before any load: every one must succeed; their responses give the size the baseline's
    /// fixed response imitates (the one closest to the average) and show what the catalog and profiles lead to.
    /// </summary>
    private static async Task<Probe> ProbeAsync(HttpLoad load, DecisionRequests requests, CancellationToken cancellationToken)
    {
        var responses = new List<byte[]>(DecideSettings.ProbeRequests);
        var kinds = new Dictionary<string, int>(StringComparer.Ordinal);
        var degraded = 0;
        var actions = 0;
        for (var i = 0; i < DecideSettings.ProbeRequests; i++)
        {
            var (status, body) = await load.SendOnceAsync(DecisionApiHost.DecidePath, requests.Next(), cancellationToken);
            if (status != HttpStatusCode.OK)
            {
                throw new BenchmarkSetupException(
                    $"POST {DecisionApiHost.DecidePath} answered {(int)status}: {Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(body.Length, 500)))}");
            }

            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            degraded += root.GetProperty("degraded").GetBoolean() ? 1 : 0;
            var chosen = root.GetProperty("actions");
            actions += chosen.GetArrayLength();
            var kind = chosen.GetArrayLength() > 0 ? chosen[0].GetProperty("kind").GetString() ?? "?" : "none";
            kinds[kind] = kinds.GetValueOrDefault(kind) + 1;
            responses.Add(body);
        }

        var average = responses.Average(r => r.Length);
        return new Probe(
            average,
            actions / (double)responses.Count,
            degraded,
            string.Join(", ", kinds.OrderByDescending(k => k.Value).Select(k => $"{k.Key} {k.Value}")),
            responses.MinBy(r => Math.Abs(r.Length - average))!,
            new RequestCounts(responses.Count, 0, 0, 0, 0, degraded, average));
    }

    private static async Task WriteConditionsAsync(TextWriter output, DecideSettings settings, string redisVersion, CatalogFacts catalog, string catalogPath)
    {
#if DEBUG
        await output.WriteLineAsync("WARNING: Debug build; run with -c Release for representative figures.");
#endif
        await output.WriteLineAsync(
            $"{Name}: POST {DecisionApiHost.DecidePath} of the decision API (as the DecisionApi host builds it) against POST {DecisionApiHost.BaselinePath} "
            + "in the same app (same middleware and API key; one MGET of the profile keys, fixed JSON response)");
        await output.WriteLineAsync(
            $"machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, "
            + $"{CollectorConditions.Describe()}");
        await output.WriteLineAsync(
            $"sharing those cores: redis-server {redisVersion} (own process, no persistence); in this process Kestrel with the decision API, "
            + $"the HTTP load generator (up to {settings.Connections} connections) and the librdkafka {Confluent.Kafka.Library.VersionString} mock cluster (1 broker)");
        await output.WriteLineAsync(
            $"catalog: {catalog.Version} with {catalog.Actions} actions ({(settings.CatalogPath is null ? "generated" : catalogPath)})");
        await output.WriteLineAsync(
            $"workload: rates {string.Join(", ", settings.RatesPerSecond)}/s open loop, {settings.WarmupSeconds} s warm-up + {settings.Seconds} s measured "
            + $"per rate and route; saturation with {settings.Concurrency} closed-loop workers for {settings.SaturationSeconds} s per route; "
            + $"requests: touchpoint checkout, channel web, carts of 0 to 3 simulated products, maxActions 1 to 3, seed {settings.Seed}");
    }

    private static async Task WriteSeededAsync(TextWriter output, SeededProfiles seeded)
    {
        await output.WriteLineAsync(
            $"profiles: {seeded.Mix.Profiles} profiles from {seeded.Events} events in {seeded.Elapsed.TotalSeconds:0.0} s; {seeded.Mix}");
        if (seeded.Invalid > 0)
        {
            await Console.Error.WriteLineAsync($"WARNING: the contract's reader refused {seeded.Invalid} simulated events; the simulator and the contract disagree.");
        }
    }

    private static async Task WriteOpenLoopAsync(TextWriter output, string route, OpenLoopResult result)
    {
        var latency = result.Latency is { } l
            ? $"p50 {l.P50Ms:0.00} ms, p90 {l.P90Ms:0.00} ms, p99 {l.P99Ms:0.00} ms, p99.9 {l.P999Ms:0.00} ms, max {l.MaxMs:0.00} ms over {l.Samples} requests"
            : "no successful request";
        await output.WriteLineAsync(
            $"  {route} {latency}; achieved {result.AchievedPerSecond:0.0}/s of {result.TargetPerSecond:0}/s; {result.Counts}; "
            + $"generator lag mean {result.MeanLag.TotalMilliseconds:0.00} ms, max {result.MaxLag.TotalMilliseconds:0.0} ms");
    }

    private static async Task WriteClosedLoopAsync(TextWriter output, string route, ClosedLoopResult result)
    {
        var latency = result.Latency is { } l ? $"p50 {l.P50Ms:0.00} ms, p99 {l.P99Ms:0.00} ms" : "no successful request";
        await output.WriteLineAsync($"  {route} {result.PerSecond:0.0}/s with {result.Workers} workers ({latency}); {result.Counts}");
    }

    private sealed record Probe(
        double ResponseAverageBytes, double ActionsAverage, int Degraded, string Kinds, byte[] RepresentativeResponse, RequestCounts Counts);

    /// <summary>Version and action count of a catalog file, read without the engine's loader so any catalog format works.</summary>
    private sealed record CatalogFacts(string Version, int Actions)
    {
        public static CatalogFacts Read(string path)
        {
            try
            {
                using var document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions
                {
                    CommentHandling = JsonCommentHandling.Skip,
                    AllowTrailingCommas = true,
                });
                var root = document.RootElement;
                return new CatalogFacts(
                    root.TryGetProperty("version", out var version) ? version.GetString() ?? "?" : "?",
                    root.TryGetProperty("actions", out var actions) && actions.ValueKind == JsonValueKind.Array ? actions.GetArrayLength() : 0);
            }
            catch (JsonException ex)
            {
                throw new BenchmarkSetupException($"{path} is not a JSON catalog: {ex.Message}", ex);
            }
        }
    }
}
