using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NextBestAction.Decisioning.Catalog;
using NextBestAction.Decisioning.Engine;
using NextBestAction.Profiles;
using NextBestAction.ServiceDefaults;
using StackExchange.Redis;

namespace NextBestAction.Decisioning;

/// <summary>
/// The thin I/O shell around <see cref="DecisionEngine"/>: one profile read inside a time budget, then the
/// pure engine. A slow or failed read never fails the checkout: the engine decides on the request context
/// alone and the response says <c>degraded</c>.
/// </summary>
public sealed partial class DecisionService(
    RedisProfileStore profiles,
    ActionCatalog catalog,
    IOptions<DecisionOptions> options,
    NbaTelemetry telemetry,
    TimeProvider clock,
    ILogger<DecisionService> logger)
{
    private readonly TimeSpan budget = TimeSpan.FromMilliseconds(options.Value.ProfileReadBudgetMs);

    public async Task<DecisionResponse> DecideAsync(DecisionRequest request, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var activity = telemetry.ActivitySource.StartActivity("decide");
        activity?.SetTag("nba.touchpoint", request.Touchpoint);

        var now = clock.GetUtcNow();
        var (profile, degraded) = await ReadProfileAsync(request.CustomerId!, now, cancellationToken);
        var decision = DecisionEngine.Decide(profile, request.Context?.Cart ?? [], catalog, now, request.MaxActions ?? 1);
        var response = new DecisionResponse(
            DecisionId: Guid.CreateVersion7().ToString("N"),
            CustomerId: request.CustomerId!,
            Actions: decision.Actions,
            Degraded: degraded,
            ModelVersion: DecisionEngine.ModelVersion,
            CatalogVersion: catalog.Version);

        var kind = response.Actions.Count > 0 ? response.Actions[0].Kind : "none";
        activity?.SetTag("nba.decision.kind", kind);
        activity?.SetTag("nba.decision.degraded", degraded);
        activity?.SetTag("nba.catalog.version", catalog.Version);
        telemetry.Decisions.Add(1, new("kind", kind), new("degraded", degraded));
        telemetry.DecisionDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("degraded", degraded));
        return response;
    }

    private async Task<(CustomerProfile? Profile, bool Degraded)> ReadProfileAsync(string customerId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        using var activity = telemetry.ActivitySource.StartActivity("profile read", ActivityKind.Client);
        activity?.SetTag("db.system.name", "redis");
        try
        {
            return (await profiles.GetAsync(customerId, now).WaitAsync(budget, cancellationToken), false);
        }
        catch (TimeoutException)
        {
            LogProfileReadTimedOut(logger, budget.TotalMilliseconds);
            activity?.SetStatus(ActivityStatusCode.Error, "over budget");
            return (null, true);
        }
        catch (RedisException ex)
        {
            LogProfileReadFailed(logger, ex.GetType().Name);
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            return (null, true);
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Profile read exceeded the {BudgetMs} ms budget; served a context-only decision")]
    private static partial void LogProfileReadTimedOut(ILogger logger, double budgetMs);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Profile read failed ({ErrorType}); served a context-only decision")]
    private static partial void LogProfileReadFailed(ILogger logger, string errorType);
}
