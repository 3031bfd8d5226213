using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NextBestAction.Decisioning.Api;
using NextBestAction.Decisioning.Catalog;
using NextBestAction.Decisioning.DecisionLog;
using NextBestAction.Decisioning.Engine;
using NextBestAction.Decisioning.Serving;
using NextBestAction.Profiles;
using StackExchange.Redis;

namespace NextBestAction.Decisioning.Warmup;

/// <summary>
/// Warms the decision path in two steps, and the service is ready (<c>/health/ready</c>) only after both.
/// First, before Kestrel takes traffic, the CPU work (request JSON, profile parse, engine, response and decision-log
/// JSON) runs on synthetic customers for <see cref="DecisionOptions.WarmupMs"/>: a fresh process runs that code
/// unoptimised until tiered compilation catches up, and under full checkout traffic those first seconds overran the
/// profile budget. Then, once every hosted service has started, the decision's real Redis read runs on the pooled
/// connection until it is steadily within half the budget: the first real read of a fresh process took 130 to 200 ms
/// and came back degraded. The reads ask for keys of made-up customers, and the engine used has no tracing, so the
/// warm-up leaves no data, spans or metrics behind.
/// </summary>
public sealed partial class DecisionWarmup(
    DecisionService decisions,
    CatalogProvider catalogs,
    IPropensityModel model,
    IExplorationPolicy policy,
    IOptions<ProfileRules> rules,
    IOptions<DecisionOptions> options,
    TimeProvider clock,
    ILogger<DecisionWarmup> logger,
    AdaptiveStore? adaptive = null) : IHostedLifecycleService, IDisposable
{
    /// <summary>Reads the Redis step makes at least, enough for tiered compilation to optimise the read path.</summary>
    public const int MinimumReads = 100;

    /// <summary>Consecutive reads within half the budget that count as steady.</summary>
    public const int SteadyReads = 20;

    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(50);

    // The decision log's sealing is warmed with a throwaway key; no warm-up record is produced.
    private const string WarmupSubject = "warmup";
    private static readonly byte[] WarmupLogKey = new byte[32];
    private readonly CancellationTokenSource stopping = new();
    private Task redisStep = Task.CompletedTask;
    private volatile bool warm;

    /// <summary>True once both steps finished (or the warm-up is off): the readiness check's answer.</summary>
    public bool IsWarm => warm;

    /// <summary>Profile reads the Redis step made.</summary>
    public int RedisReads { get; private set; }

    /// <summary>Rounds over every synthetic customer the last start-up ran; 0 when the warm-up is off.</summary>
    public int Rounds { get; private set; }

    /// <summary>Synthetic decisions that chose an action, so went through scoring, arbitration and explanations.</summary>
    public int DecisionsWithAction { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var duration = TimeSpan.FromMilliseconds(options.Value.WarmupMs);
        if (duration <= TimeSpan.Zero)
        {
            return Task.CompletedTask;
        }

        var catalog = catalogs.Current;
        var engine = new DecisionEngine(model, policy, rules.Value, adaptive);
        var inputs = SyntheticCustomers.For(catalog, clock.GetUtcNow());
        var started = Stopwatch.GetTimestamp();
        var decisions = 0;
        Rounds = 0;
        while (Stopwatch.GetElapsedTime(started) < duration && !cancellationToken.IsCancellationRequested)
        {
            foreach (var input in inputs)
            {
                decisions += Decide(engine, catalog, input);
            }

            Rounds++;
        }

        DecisionsWithAction = decisions;
        var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        LogWarmedUp(logger, decisions, elapsedMs);
        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Starts the Redis step once every hosted service runs, so it measures reads under start-up's real load.</summary>
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        if (options.Value.WarmupMs <= 0)
        {
            warm = true;
            return Task.CompletedTask;
        }

        redisStep = Task.Run(() => WarmRedisReadAsync(stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        stopping.Cancel();
        return Task.CompletedTask;
    }

    public async Task StoppedAsync(CancellationToken cancellationToken) => await redisStep.WaitAsync(cancellationToken);

    public void Dispose() => stopping.Dispose();

    /// <summary>
    /// Real profile reads until <see cref="SteadyReads"/> in a row took at most half the budget, or until
    /// <see cref="DecisionOptions.WarmupReadyTimeoutMs"/>. Past that the service becomes ready anyway: it still answers
    /// every decision (degraded while Redis is slow), and the Redis health check keeps it unready while Redis is down.
    /// </summary>
    private async Task WarmRedisReadAsync(CancellationToken cancellationToken)
    {
        var steadyWithin = TimeSpan.FromMilliseconds(options.Value.ProfileReadBudgetMs / 2.0);
        var timeout = TimeSpan.FromMilliseconds(options.Value.WarmupReadyTimeoutMs);
        var started = Stopwatch.GetTimestamp();
        var steady = 0;
        var reads = 0;
        try
        {
            while (Stopwatch.GetElapsedTime(started) < timeout)
            {
                try
                {
                    var took = await decisions.WarmUpReadAsync($"warmup-{reads % catalogs.Current.Actions.Count:D4}", cancellationToken);
                    reads++;
                    steady = took <= steadyWithin ? steady + 1 : 0;
                }
                catch (Exception ex) when (ex is RedisException or TimeoutException)
                {
                    steady = 0;
                    await Task.Delay(RetryPause, clock, cancellationToken);
                }

                if (reads >= MinimumReads && steady >= SteadyReads)
                {
                    RedisReads = reads;
                    var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    LogReadWarmedUp(logger, reads, elapsedMs);
                    return;
                }
            }

            RedisReads = reads;
            LogReadNotSteady(logger, reads, timeout.TotalMilliseconds, steadyWithin.TotalMilliseconds);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            RedisReads = reads;
        }
        finally
        {
            warm = true;
        }
    }

    /// <summary>One decision as the service makes it, minus the I/O; returns 1 when it chose an action.</summary>
    private static int Decide(DecisionEngine engine, ActionCatalog catalog, SyntheticCustomer customer)
    {
        var request = JsonSerializer.Deserialize(customer.RequestBody, DecisionJsonContext.Default.DecisionRequest)!;
        _ = DecisionRequestValidator.Validate(request, catalog);
        var profile = RedisProfileStore.FromRead(request.CustomerId!, customer.Stored, customer.Now);
        var cart = request.EngineCart();
        var decision = engine.Decide(
            new DecisionInput(profile, customer.Contacts, request.Touchpoint!, request.Channel!, cart, customer.Now,
                request.MaxActions ?? 1, request.Debug == true),
            catalog);
        var response = new DecisionResponse(customer.DecisionId, request.CustomerId!, decision.Actions, false, decision.ModelVersion, catalog.Version)
        {
            Arbitration = decision.Arbitration,
            Debug = decision.Debug,
        };
        _ = JsonSerializer.SerializeToUtf8Bytes(response, DecisionJsonContext.Default.DecisionResponse);
        _ = DecisionLogPublisher.Serialize(new ServedDecision(customer.DecisionId, request.CustomerId!, request.Touchpoint, request.Channel, cart, decision, false,
            decision.ModelVersion, catalog.Version, engine.PolicyName, customer.Now), WarmupSubject, WarmupLogKey);
        return decision.Actions.Count > 0 ? 1 : 0;
    }

    [LoggerMessage(EventId = 3005, Level = LogLevel.Information,
        Message = "Decision path warmed up: {Decisions} synthetic decisions with an action in {ElapsedMs:0} ms")]
    private static partial void LogWarmedUp(ILogger logger, int decisions, double elapsedMs);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Information,
        Message = "Decision path ready: {Reads} profile reads on the pooled Redis connection, steady after {ElapsedMs:0} ms")]
    private static partial void LogReadWarmedUp(ILogger logger, int reads, double elapsedMs);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Warning,
        Message = "Decision path ready without steady profile reads: {Reads} reads in {TimeoutMs:0} ms were not steadily within {SteadyMs:0} ms; decisions degrade while Redis is slow")]
    private static partial void LogReadNotSteady(ILogger logger, int reads, double timeoutMs, double steadyMs);
}
