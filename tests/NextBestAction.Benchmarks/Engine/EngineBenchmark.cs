using System.CommandLine;
using System.Diagnostics;
using System.Runtime;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using NextBestAction.Benchmarks.Cli;
using NextBestAction.Benchmarks.Decide;
using NextBestAction.Benchmarks.Infrastructure;
using Perfolizer.Horology;

namespace NextBestAction.Benchmarks.Engine;

/// <summary>
/// <c>engine</c>: the CPU and allocation cost of one decision without I/O, measured with BenchmarkDotNet in this
/// process: <see cref="NextBestAction.Decisioning.Engine.DecisionEngine.Decide"/> on the 50-action <c>bench-50</c>
/// catalog with explanations, the decision-log record built and serialised on the publisher's background thread, and
/// the API's request and response JSON. The issue's target (50 us per decision) is the reference the ratio is taken to.
/// </summary>
internal sealed class EngineBenchmark : IBenchmark
{
    public const string Name = "engine";

    public Command CreateCommand()
    {
        var inputs = BenchmarkOptions.Positive("--inputs", 1000, "Precomputed decision inputs (customer, contact history, request) the methods rotate through.");
        var customers = BenchmarkOptions.Positive("--customers", 10_000, "Simulated customers; those the history reaches get a profile.");
        var events = BenchmarkOptions.Positive("--events", 200_000, "Simulated events played into the profiles through the real ProfileUpdater.");
        var seed = new Option<int>("--seed")
        {
            Description = "Seed of the simulated webshop, the requests and the contact histories.",
            DefaultValueFactory = _ => 42,
        };
        var quick = new Option<bool>("--quick")
        {
            Description = "Smoke run: 2 s of warm-up instead of 5, then 1 warm-up and 3 measured iterations of 100 ms per method instead of 3 and "
                + "15 of 250 ms; figures are only indicative.",
        };

        var command = new Command(Name,
            "CPU time and allocation per decision of the pure engine on the 50-action bench-50 catalog with explanations, per decision-log "
            + "record and per request/response JSON, with BenchmarkDotNet in process. No servers.");
        command.Options.Add(inputs);
        command.Options.Add(customers);
        command.Options.Add(events);
        command.Options.Add(seed);
        command.Options.Add(quick);
        command.SetAction((parsed, cancellationToken) => RunAsync(
            new EngineSettings(parsed.GetValue(inputs), parsed.GetValue(customers), parsed.GetValue(events), parsed.GetValue(seed), parsed.GetValue(quick)),
            parsed.InvocationConfiguration.Output,
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(EngineSettings settings, TextWriter output, CancellationToken cancellationToken)
    {
        try
        {
            return await BenchmarkCli.MeasureAndPublishAsync(Name, () => MeasureAsync(settings, output, cancellationToken), output, cancellationToken);
        }
        finally
        {
            DecisionPathBenchmarks.Workload = null;
        }
    }

    private static async Task<BenchmarkSummary> MeasureAsync(EngineSettings settings, TextWriter output, CancellationToken cancellationToken)
    {
        var job = Job(settings.Quick);
        await WriteConditionsAsync(output, settings, job);

        await output.WriteLineAsync($"workload: applying {settings.Events} simulated events over {settings.Customers} customers, then {settings.Inputs} inputs...");
        var started = Stopwatch.GetTimestamp();
        var workload = EngineWorkload.Create(settings, cancellationToken);
        var facts = workload.Facts;
        await output.WriteLineAsync(
            $"workload: {facts.Profiles} profiles in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s; {facts.Mix}");
        await output.WriteLineAsync(
            $"workload: {settings.Inputs} inputs; request carts {facts.CartLinesAverage:0.00} lines on average; {facts.EligibleAverage:0.0} of "
            + $"{workload.Catalog.Actions.Count} actions pass the filters and are scored, {facts.ChosenAverage:0.00} returned with explanations; "
            + $"first action {facts.FirstKinds}; stored profile {facts.StoredProfileAverageBytes:0} bytes, request {facts.RequestAverageBytes:0} bytes, response {facts.ResponseAverageBytes:0} bytes, "
            + $"log record {facts.LogRecordAverageBytes:0} bytes on average");
        if (facts.Invalid > 0)
        {
            await Console.Error.WriteLineAsync($"WARNING: the contract's reader refused {facts.Invalid} simulated events; the simulator and the contract disagree.");
        }

        var warmup = settings.Quick ? EngineSettings.QuickJitWarmup : EngineSettings.JitWarmup;
        await output.WriteLineAsync($"warm-up: every method in turn for {warmup.TotalSeconds:0.#} s, so tiered compilation has settled before BenchmarkDotNet measures...");
        DecisionPathBenchmarks.Workload = workload;
        await output.WriteLineAsync($"warm-up: {WarmUp(warmup, cancellationToken)} rounds");
        await output.WriteLineAsync("BenchmarkDotNet (in process):");
        await output.FlushAsync(cancellationToken);
        var artifacts = Directory.CreateTempSubdirectory("nba-bench-engine-");
        Summary bdn;
        try
        {
            bdn = BenchmarkRunner.Run<DecisionPathBenchmarks>(Config(job, artifacts.FullName));
        }
        finally
        {
            artifacts.Delete(recursive: true);
        }

        var decide = Figures.Of(bdn, nameof(DecisionPathBenchmarks.Decide));
        var read = Figures.Of(bdn, nameof(DecisionPathBenchmarks.ProfileRead));
        var readJson = Figures.Of(bdn, nameof(DecisionPathBenchmarks.ProfileReadJson));
        var log = Figures.Of(bdn, nameof(DecisionPathBenchmarks.LogRecord));
        var json = Figures.Of(bdn, nameof(DecisionPathBenchmarks.RequestResponseJson));

        await output.WriteLineAsync();
        await output.WriteLineAsync($"{"per call",-38} {"mean us",10} {"median us",10} {"stddev us",10} {"alloc bytes",12} {"gen0/1000",10}");
        await WriteRowAsync(output, "decision (engine, maxActions 3)", decide);
        await WriteRowAsync(output, "profile read (decision part, binary)", read);
        await WriteRowAsync(output, "profile read (release 1 JSON, baseline)", readJson);
        await WriteRowAsync(output, "decision-log record (background)", log);
        await WriteRowAsync(output, "request + response JSON", json);
        var ratio = decide.MeanMicroseconds / EngineSettings.TargetMicroseconds;
        await output.WriteLineAsync(
            $"result: {decide.MeanMicroseconds:0.0} us and {decide.BytesAllocated:N0} bytes per decision over {workload.Catalog.Actions.Count} candidates "
            + $"= {ratio:0.00} x the {EngineSettings.TargetMicroseconds:0} us target; with the profile read, the log record and the JSON "
            + $"{read.MeanMicroseconds + decide.MeanMicroseconds + log.MeanMicroseconds + json.MeanMicroseconds:0.0} us and "
            + $"{read.BytesAllocated + decide.BytesAllocated + log.BytesAllocated + json.BytesAllocated:N0} bytes per served decision");

        return new BenchmarkSummary(Name)
            .Add("us_per_decision", decide.MeanMicroseconds, 2)
            .Add("bytes_allocated_per_decision", decide.BytesAllocated, 0)
            .Add("us_per_profile_read", read.MeanMicroseconds, 2)
            .Add("bytes_allocated_per_profile_read", read.BytesAllocated, 0)
            .Add("us_per_profile_read_json", readJson.MeanMicroseconds, 2)
            .Add("bytes_allocated_per_profile_read_json", readJson.BytesAllocated, 0)
            .Add("ratio_profile_read_to_json", read.MeanMicroseconds / readJson.MeanMicroseconds, 3)
            .Add("us_per_log_record", log.MeanMicroseconds, 2)
            .Add("bytes_allocated_per_log_record", log.BytesAllocated, 0)
            .Add("us_per_request_response_json", json.MeanMicroseconds, 2)
            .Add("bytes_allocated_per_request_response_json", json.BytesAllocated, 0)
            .Add("ratio_decision_to_target", ratio, 3)
            .Add("decision_median_us", decide.MedianMicroseconds, 2)
            .Add("decision_stddev_us", decide.StandardDeviationMicroseconds, 2)
            .Add("log_record_median_us", log.MedianMicroseconds, 2)
            .Add("log_record_stddev_us", log.StandardDeviationMicroseconds, 2)
            .Add("request_response_json_median_us", json.MedianMicroseconds, 2)
            .Add("candidates", workload.Catalog.Actions.Count, 0)
            .Add("scored_candidates_avg", facts.EligibleAverage, 2)
            .Add("explained_actions_avg", facts.ChosenAverage, 2)
            .Add("inputs", settings.Inputs, 0)
            .Add("profiles", facts.Profiles, 0)
            .Add("stored_profile_avg_bytes", facts.StoredProfileAverageBytes, 1)
            .Add("request_avg_bytes", facts.RequestAverageBytes, 1)
            .Add("response_avg_bytes", facts.ResponseAverageBytes, 1)
            .Add("log_record_avg_bytes", facts.LogRecordAverageBytes, 1)
            .Add("cores", Environment.ProcessorCount, 0)
            .Add("server_gc", GCSettings.IsServerGC ? 1 : 0, 0)
            .Add("quick", settings.Quick ? 1 : 0, 0);
    }

    /// <summary>
    /// Runs the measured methods round-robin. The engine's code starts at tier 0 and is recompiled with profile-guided
    /// optimisation only after it has been called for a while; on two busy cores that takes seconds, longer than a short
    /// BenchmarkDotNet warm-up, and the first method measured would otherwise carry the rest of everyone's tier-up.
    /// </summary>
    private static int WarmUp(TimeSpan duration, CancellationToken cancellationToken)
    {
        var methods = new DecisionPathBenchmarks();
        methods.Setup();
        try
        {
            var started = Stopwatch.GetTimestamp();
            var rounds = 0;
            while (Stopwatch.GetElapsedTime(started) < duration)
            {
                cancellationToken.ThrowIfCancellationRequested();
                methods.Decide();
                methods.ProfileRead();
                methods.ProfileReadJson();
                methods.LogRecord();
                methods.RequestResponseJson();
                rounds++;
            }

            return rounds;
        }
        finally
        {
            methods.Cleanup();
        }
    }

    /// <summary>
    /// In process: the default toolchain generates and builds a project per run, slow and fragile next to this solution.
    /// Few, short iterations keep the whole run within a minute or two on a shared machine.
    /// </summary>
    internal static Job Job(bool quick) => BenchmarkDotNet.Jobs.Job.Default
        .WithToolchain(InProcessEmitToolchain.Instance)
        .WithLaunchCount(1)
        .WithWarmupCount(quick ? 1 : 3)
        .WithIterationCount(quick ? 3 : 15)
        .WithIterationTime(TimeInterval.FromMilliseconds(quick ? 100 : 250))
        .WithId(quick ? "quick" : "short");

    internal static ManualConfig Config(Job job, string artifactsPath) => ManualConfig.CreateEmpty()
        .AddJob(job)
        .AddDiagnoser(MemoryDiagnoser.Default)
        .AddLogger(ConsoleLogger.Default)
        .AddColumnProvider(DefaultColumnProviders.Instance)
        .WithArtifactsPath(artifactsPath)
        .WithOptions(ConfigOptions.DisableLogFile);

    private static async Task WriteConditionsAsync(TextWriter output, EngineSettings settings, Job job)
    {
#if DEBUG
        await output.WriteLineAsync("WARNING: Debug build; run with -c Release for representative figures.");
#endif
        await output.WriteLineAsync(
            $"{Name}: DecisionEngine.Decide on the {BenchmarkCatalog.Version} catalog (PriorPropensityModel, GreedyPolicy, maxActions "
            + $"{EngineSettings.MaxActions}, explanations for the returned actions, debug off), DecisionLogPublisher.Serialize of the served "
            + "decision (record, JSON, AES-GCM seal), and the API's request/response JSON; BenchmarkDotNet in process with its memory diagnoser");
        await output.WriteLineAsync(
            $"machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, "
            + $"{CollectorConditions.Describe()}; "
            + "nothing else of the benchmark runs beside it");
        await output.WriteLineAsync(
            $"job: {job.Run.WarmupCount} warm-up and {job.Run.IterationCount} measured iterations of {job.Run.IterationTime} per method, one launch"
            + (settings.Quick ? " (--quick: indicative only)" : ""));
    }

    internal static Task WriteRowAsync(TextWriter output, string label, Figures f) =>
        output.WriteLineAsync(
            $"{label,-38} {f.MeanMicroseconds,10:0.00} {f.MedianMicroseconds,10:0.00} {f.StandardDeviationMicroseconds,10:0.00} {f.BytesAllocated,12:N0} {f.Gen0PerThousand,10:0.000}");

    /// <summary>One method's figures out of the BenchmarkDotNet summary.</summary>
    internal sealed record Figures(
        double MeanMicroseconds, double MedianMicroseconds, double StandardDeviationMicroseconds, long BytesAllocated, double Gen0PerThousand)
    {
        public static Figures Of(Summary summary, string method)
        {
            var report = summary.Reports.SingleOrDefault(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method);
            if (report?.ResultStatistics is not { } statistics)
            {
                throw new BenchmarkSetupException(
                    $"BenchmarkDotNet measured nothing for {method}{(summary.HasCriticalValidationErrors ? " (validation failed; see its output above)" : "; see its output above")}");
            }

            var gc = report.GcStats;
            return new Figures(
                statistics.Mean / 1000,
                statistics.Median / 1000,
                statistics.StandardDeviation / 1000,
                gc.GetBytesAllocatedPerOperation(report.BenchmarkCase) ?? 0,
                gc.TotalOperations == 0 ? 0 : 1000.0 * gc.Gen0Collections / gc.TotalOperations);
        }
    }
}
