using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NextBestAction.Decisioning.DecisionLog;
using NextBestAction.Profiles;
using NextBestAction.ServiceDefaults;
using NextBestAction.Telemetry;
using StackExchange.Redis;

namespace NextBestAction.Decisioning.Serving;

/// <summary>
/// After a decision is served, counts its impressions in the customer's contact history, keeps the decision for the
/// outcome route and adds it to the offer statistics (<see cref="OfferStatisticsStore"/>), in pipelined batches off the
/// request path. A full queue or a Redis error drops the write and counts it (<c>nba.decision.records_dropped</c>): the
/// contact caps then undercount, which is safer for the checkout than making it wait.
/// </summary>
public sealed partial class DecisionRecorder : BackgroundService
{
    private const int MaxBatch = 256;

    /// <summary>How long an outcome reported right after its decision waits for the decision's record.</summary>
    public static readonly TimeSpan WrittenWait = TimeSpan.FromSeconds(2);

    private readonly Channel<ServedDecision> queue;

    /// <summary>Decisions queued here and not written yet, so an outcome reported at once can wait for its record.</summary>
    private readonly ConcurrentDictionary<string, TaskCompletionSource> unwritten = new(StringComparer.Ordinal);
    private readonly RedisProfileStore profiles;
    private readonly ServedDecisionWrites served;
    private readonly OfferStatisticsStore offerStatistics;

    /// <summary>Null when the adaptive correction is off.</summary>
    private readonly AdaptiveStore? adaptive;
    private readonly TimeSpan keepFor;
    private readonly NbaTelemetry telemetry;
    private readonly ILogger<DecisionRecorder> logger;

    public DecisionRecorder(
        RedisProfileStore profiles,
        ServedDecisionWrites served,
        OfferStatisticsStore offerStatistics,
        IOptions<DecisionOptions> options,
        NbaTelemetry telemetry,
        ILogger<DecisionRecorder> logger,
        AdaptiveStore? adaptive = null)
    {
        queue = Channel.CreateBounded<ServedDecision>(new BoundedChannelOptions(options.Value.DecisionRecordQueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        this.profiles = profiles;
        this.served = served;
        this.offerStatistics = offerStatistics;
        this.adaptive = adaptive;
        keepFor = TimeSpan.FromHours(options.Value.OutcomeWindowHours);
        this.telemetry = telemetry;
        this.logger = logger;
    }

    public bool TryEnqueue(ServedDecision decision)
    {
        unwritten[decision.DecisionId] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (queue.Writer.TryWrite(decision))
        {
            return true;
        }

        Written(decision.DecisionId);
        Dropped("queue_full", 1);
        return false;
    }

    /// <summary>
    /// Returns once a decision this instance queued has been written (or its write failed), at most
    /// <see cref="WrittenWait"/> later; at once for a decision not queued here. A webshop may report an outcome the
    /// moment the response arrives, before the record is in Redis.
    /// </summary>
    public async Task WaitUntilWrittenAsync(string decisionId, CancellationToken cancellationToken)
    {
        if (!unwritten.TryGetValue(decisionId, out var written))
        {
            return;
        }

        try
        {
            await written.Task.WaitAsync(WrittenWait, cancellationToken);
        }
        catch (TimeoutException)
        {
            // The record is late; the caller reads what is there.
        }
    }

    private void Written(string decisionId)
    {
        if (unwritten.TryRemove(decisionId, out var written))
        {
            written.TrySetResult();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<ServedDecision>(MaxBatch);
        try
        {
            while (await queue.Reader.WaitToReadAsync(stoppingToken))
            {
                while (batch.Count < MaxBatch && queue.Reader.TryRead(out var decision))
                {
                    batch.Add(decision);
                }

                await WriteAsync(batch);
                foreach (var written in batch)
                {
                    Written(written.DecisionId);
                }

                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: unwritten impressions are lost, which only loosens the caps for a moment.
        }
    }

    private async Task WriteAsync(List<ServedDecision> decisions)
    {
        var db = profiles.Database;
        var writes = new List<Task>(decisions.Count * 2);
        // Every instance's impressions land in the one adaptive hash: summed per segment and action over the batch,
        // that is a couple of increments per distinct action instead of two per impression.
        var shown = adaptive is null ? null : new Dictionary<(string Segment, string ActionId), (long Impressions, double Expected)>();
        foreach (var d in decisions)
        {
            var picks = d.Decision.Picks;
            if (picks.Count == 0)
            {
                continue;
            }

            var touchpoint = d.Decision.Features.Touchpoint;
            writes.Add(served.QueueAsync(
                db,
                new DecisionRecord(d.DecisionId, d.CustomerId, [.. picks.Select(p => p.Candidate.Action.Id)], d.At, touchpoint),
                [.. picks.Select(p => (p.Candidate.Action.Id, p.Candidate.Action.Marketing))],
                DecisionExplanation.Of(d).ToJson(),
                keepFor));
            if (shown is not null)
            {
                foreach (var (candidate, _) in picks)
                {
                    var key = (touchpoint, candidate.Action.Id);
                    var (impressions, expected) = shown.GetValueOrDefault(key);
                    shown[key] = (impressions + 1, expected + candidate.ModelPropensity);
                }
            }
        }

        var decisionWrites = writes.Count;
        writes.Add(offerStatistics.QueueShownAsync(db, decisions));
        if (shown is not null)
        {
            foreach (var ((segment, actionId), (impressions, expected)) in shown)
            {
                writes.Add(adaptive!.RecordShownAsync(db, segment, actionId, impressions, expected));
            }
        }

        try
        {
            await Task.WhenAll(writes);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // One write per decision (impressions and record); the offer statistics and adaptive counts after them are shared by the batch.
            var failed = writes.Take(decisionWrites).Count(w => w.IsFaulted);
            Dropped("redis_error", Math.Max(1, failed));
            LogWriteFailed(logger, ex.GetType().Name, failed);
        }
    }

    private void Dropped(string reason, int count) =>
        telemetry.DecisionRecordsDropped.Add(count, new KeyValuePair<string, object?>("reason", reason));

    [LoggerMessage(EventId = 3201, Level = LogLevel.Warning, Message = "Decision records could not be written to Redis ({ErrorType}); about {Count} decision(s) dropped")]
    private static partial void LogWriteFailed(ILogger logger, string errorType, int count);
}
