using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NextBestAction.Decisioning.Api;
using NextBestAction.Decisioning.Catalog;
using NextBestAction.Decisioning.DecisionLog;
using NextBestAction.Decisioning.Engine;
using NextBestAction.Decisioning.Models;
using NextBestAction.Decisioning.Serving;
using NextBestAction.Profiles;
using NextBestAction.ServiceDefaults;
using NextBestAction.Telemetry;
using Polly;
using StackExchange.Redis;

namespace NextBestAction.Decisioning;

/// <summary>
/// The thin I/O shell around <see cref="DecisionEngine"/>: profile and contact history in one Redis round
/// trip inside a time budget, then the pure engine, then the decision handed to the background writers. A
/// slow or failed read never fails the checkout: the engine decides on the request context alone and the
/// response says <c>degraded</c>. While Redis keeps failing, the circuit breaker skips the read altogether
/// (<see cref="ProfileReadResilience"/>).
/// </summary>
public sealed partial class DecisionService(
    RedisProfileStore profiles,
    ContactHistoryStore contactHistory,
    CatalogProvider catalogs,
    DecisionEngine engine,
    ModelArms arms,
    ModelRegistry models,
    DecisionRecorder recorder,
    DecisionLogPublisher decisionLog,
    IOptions<DecisionOptions> options,
    NbaTelemetry telemetry,
    TimeProvider clock,
    ILogger<DecisionService> logger,
    IOptions<TelemetryOptions>? tracing = null)
{
    public const string DefaultTouchpoint = "default";
    public const string DefaultChannel = "web";

    private readonly Holdout holdout = new(options.Value.HoldoutPercent, options.Value.HoldoutSalt);
    private readonly byte[]? customerHashKey = tracing?.Value.CustomerHashKey is { Length: > 0 } key ? System.Text.Encoding.UTF8.GetBytes(key) : null;
    private readonly ProfileReadResilience resilience = new(options.Value, clock);

    private readonly LogThrottle timeoutWarnings = new(WarningInterval, clock);
    private readonly LogThrottle failureWarnings = new(WarningInterval, clock);
    private readonly LogThrottle unreadableWarnings = new(WarningInterval, clock);

    /// <summary>Fallback warnings of one kind are logged at most this often; the next one counts those held back.</summary>
    public static TimeSpan WarningInterval { get; } = TimeSpan.FromSeconds(10);

    public async Task<DecisionResponse> DecideAsync(DecisionRequest request, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var activity = telemetry.ActivitySource.StartActivity(KeepFailedAndSlowProcessor.DecisionSpanName);
        var touchpoint = request.Touchpoint ?? DefaultTouchpoint;
        activity?.SetTag("nba.touchpoint", touchpoint);
        if (activity is { IsAllDataRequested: true } && customerHashKey is not null)
        {
            activity.SetTag("nba.customer.hash", CustomerHash(request.CustomerId!));
        }

        var now = clock.GetUtcNow();
        var catalog = catalogs.Current;
        var customerId = request.CustomerId!;
        var (profile, history, fallback) = await ReadAsync(customerId, now, cancellationToken);
        var degraded = fallback is not null;
        var id = Guid.CreateVersion7();
        var control = holdout.IsControl(customerId);
        var cart = request.EngineCart();
        var logged = request.DryRun != true;
        var armed = arms.Decide(
            new DecisionInput(profile, history, touchpoint, request.Channel ?? DefaultChannel, cart, now,
                request.MaxActions ?? 1, request.Debug == true, ProfileUnavailable: degraded, ExplorationSeed: SeedOf(id), Holdout: control),
            catalog, customerId, models.Challenger, withShadow: logged);
        var decision = armed.Served;

        var decisionId = id.ToString("N");
        var response = new DecisionResponse(decisionId, customerId, decision.Actions, degraded, decision.ModelVersion, catalog.Version)
        {
            DegradedReason = fallback,
            Arbitration = decision.Arbitration,
            Debug = decision.Debug,
        };

        if (logged)
        {
            var served = new ServedDecision(decisionId, customerId, request.Touchpoint, request.Channel, cart, decision, degraded, decision.ModelVersion, catalog.Version,
                control ? DecisionEngine.HoldoutPolicyName : engine.PolicyName, now)
            {
                Group = armed.Group,
                Shadow = armed.Shadow,
            };
            using var enqueue = telemetry.ActivitySource.StartActivity("decision log enqueue");
            served = served with { TraceContext = activity?.Context ?? default };
            recorder.TryEnqueue(served);
            enqueue?.SetTag("nba.decision_log.queued", decisionLog.TryEnqueue(served));
        }

        var kind = response.Actions.Count > 0 ? response.Actions[0].Kind : "none";
        activity?.SetTag("nba.decision.kind", kind);
        activity?.SetTag("nba.decision.degraded", degraded);
        activity?.SetTag("nba.decision.candidates", decision.Candidates.Count);
        activity?.SetTag("nba.catalog.version", catalog.Version);
        activity?.SetTag("nba.model.version", decision.ModelVersion);
        activity?.SetTag("nba.decision.group", armed.Group);
        if (armed.Shadow is { } shadow)
        {
            activity?.SetTag("nba.model.shadow_version", shadow.ModelVersion);
        }

        telemetry.Decisions.Add(1, new("kind", kind), new("degraded", degraded));
        telemetry.DecisionDuration.Record(
            Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("touchpoint", touchpoint), new("degraded", degraded));
        return response;
    }

    /// <summary>A keyed hash of the customer id: stable for one key, useless without it.</summary>
    private string CustomerHash(string customerId) =>
        Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(customerHashKey!, System.Text.Encoding.UTF8.GetBytes(customerId)))[..16];

    /// <summary>The exploration seed: the random tail of the version-7 decision id, so the log (and a what-if) can replay the draw.</summary>
    public static ulong SeedOf(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes);
        return BitConverter.ToUInt64(bytes[8..]);
    }

    /// <summary>Profile and contact history in one round trip, or the reason a fallback is served instead.</summary>
    private async Task<(CustomerProfile? Profile, ContactHistory History, string? Fallback)> ReadAsync(string customerId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var outcome = await resilience.ExecuteAsync(
            static (context, state) => state.Service.ReadWithinBudgetAsync(state.CustomerId, context.CancellationToken, state.RequestAborted),
            (Service: this, CustomerId: customerId, RequestAborted: cancellationToken),
            cancellationToken);
        if (outcome.Exception is { } failure)
        {
            return Fallback(FallbackOrRethrow(failure));
        }

        // Redis answered: parsed outside the pipeline, so an unreadable stored profile does not count against the circuit.
        var (profileRead, historyRead, activity) = outcome.Result;
        using (activity)
        {
            try
            {
                return (RedisProfileStore.FromRead(customerId, profileRead, now), ContactHistory.FromEntries(historyRead, now), null);
            }
            catch (Exception ex) when (ex is JsonException or InvalidDataException)
            {
                if (unreadableWarnings.TryEnter(out var heldBack))
                {
                    LogProfileUnreadable(logger, ex.GetType().Name, heldBack);
                }

                activity?.SetStatus(ActivityStatusCode.Error, "unreadable profile");
                return Fallback("unreadable_profile");
            }
        }
    }

    /// <summary>
    /// One attempt inside the pipeline, under its own span; the span of a read that succeeded is handed over, open, for
    /// the parse. A failure of the store is returned in the outcome, not thrown.
    /// </summary>
    private async ValueTask<Outcome<(RedisValue[] Profile, HashEntry[] History, Activity? Span)>> ReadWithinBudgetAsync(
        string customerId, CancellationToken budget, CancellationToken requestAborted)
    {
        var activity = telemetry.ActivitySource.StartActivity("profile read", ActivityKind.Client);
        try
        {
            activity?.SetTag("db.system.name", "redis");
            var readStarted = Stopwatch.GetTimestamp();
            var (profileRead, historyRead) = SendRead(customerId);
            var failure = await ProfileReadResilience.WaitWithinBudgetAsync(Task.WhenAll(profileRead, historyRead), budget);
            if (failure is null)
            {
                telemetry.RecordRedis("profile_read", readStarted);
                var span = activity;
                activity = null;
                return Outcome.FromResult((profileRead.Result, historyRead.Result, span));
            }

            if (failure is RedisException)
            {
                activity?.SetStatus(ActivityStatusCode.Error, failure.GetType().Name);
            }
            else if (failure is TimeoutException || (failure is OperationCanceledException && !requestAborted.IsCancellationRequested))
            {
                activity?.SetStatus(ActivityStatusCode.Error, "over budget");
            }

            return Outcome.FromException<(RedisValue[], HashEntry[], Activity?)>(failure);
        }
        finally
        {
            activity?.Dispose();
        }
    }

    /// <summary>The degraded reason for a failed read, with its throttled warning; a failure that is not the store's is rethrown.</summary>
    private string FallbackOrRethrow(Exception failure)
    {
        var reason = ProfileReadResilience.FallbackReason(failure);
        if (reason is null)
        {
            ExceptionDispatchInfo.Throw(failure);
        }

        if (reason == ProfileReadResilience.TimeoutReason && timeoutWarnings.TryEnter(out var timeoutsHeldBack))
        {
            LogProfileReadTimedOut(logger, resilience.Budget.TotalMilliseconds, timeoutsHeldBack);
        }
        else if (reason == ProfileReadResilience.RedisErrorReason && failureWarnings.TryEnter(out var failuresHeldBack))
        {
            LogProfileReadFailed(logger, failure.GetType().Name, failuresHeldBack);
        }

        return reason;
    }

    /// <summary>The profile and the contact history, queued in one batch: a decision's single round trip.</summary>
    private (Task<RedisValue[]> Profile, Task<HashEntry[]> History) SendRead(string customerId)
    {
        var batch = profiles.Database.CreateBatch();
        var profileRead = profiles.QueueRead(batch, customerId);
        var historyRead = contactHistory.QueueRead(batch, customerId);
        batch.Execute();
        return (profileRead, historyRead);
    }

    /// <summary>
    /// The decision's read for the warm-up: the same batch on the same connection and the same parse, without the
    /// circuit breaker, spans or metrics, so it neither trips nor reports anything. Returns the round trip's duration.
    /// </summary>
    public async Task<TimeSpan> WarmUpReadAsync(string customerId, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var (profileRead, historyRead) = SendRead(customerId);
        await Task.WhenAll(profileRead, historyRead).WaitAsync(resilience.Budget * 10, cancellationToken);
        var now = clock.GetUtcNow();
        _ = RedisProfileStore.FromRead(customerId, profileRead.Result, now);
        _ = ContactHistory.FromEntries(historyRead.Result, now);
        return Stopwatch.GetElapsedTime(started);
    }

    private (CustomerProfile?, ContactHistory, string?) Fallback(string reason)
    {
        telemetry.DecisionFallbacks.Add(1, new KeyValuePair<string, object?>("reason", reason));
        return (null, ContactHistory.Empty, reason);
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning,
        Message = "Profile read exceeded the {BudgetMs} ms budget; served a context-only decision ({HeldBack} more since the last such warning)")]
    private static partial void LogProfileReadTimedOut(ILogger logger, double budgetMs, int heldBack);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning,
        Message = "Profile read failed ({ErrorType}); served a context-only decision ({HeldBack} more since the last such warning)")]
    private static partial void LogProfileReadFailed(ILogger logger, string errorType, int heldBack);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Error,
        Message = "A stored profile could not be read ({ErrorType}); served a context-only decision ({HeldBack} more since the last such warning)")]
    private static partial void LogProfileUnreadable(ILogger logger, string errorType, int heldBack);
}
