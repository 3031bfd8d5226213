using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NextBestAction.Profiles;
using NextBestAction.Telemetry;
using StackExchange.Redis;

namespace NextBestAction.Notifications;

/// <summary>
/// Works through stored fan-out jobs (a price drop, back in stock, a new version) off the ingestion loop, in batches
/// of <see cref="NotificationOptions.FanoutBatchSize"/> customers at most <see cref="NotificationOptions.FanoutMaxPerSecond"/>
/// per second, so a product on a million wishlists neither stalls other events nor floods Redis and Kafka. Each
/// batch is one SSCAN of an index shard, one pipelined profile read, one pipelined claim and one Kafka round trip.
/// Progress (shard and scan cursor) is saved after each batch and a job is leased by one instance at a time, so a
/// crash resumes where it was; a batch seen twice is harmless because every customer's notification is claimed by
/// its dedup key.
/// </summary>
public sealed partial class FanoutWorker(
    NotificationStore store,
    RedisProfileStore profiles,
    NotificationTriggers triggers,
    NotificationPolicy policy,
    NotificationDispatcher dispatcher,
    NbaTelemetry telemetry,
    IOptions<NotificationOptions> options,
    TimeProvider clock,
    ILogger<FanoutWorker> logger) : BackgroundService
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);
    private readonly string owner = Guid.NewGuid().ToString("N");
    private readonly NotificationOptions settings = options.Value;

    /// <summary>Jobs finished since start; lets tests and the benchmark see progress.</summary>
    public long CompletedJobs => Interlocked.Read(ref completedJobs);

    private long completedJobs;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var poll = TimeSpan.FromMilliseconds(settings.SchedulerPollMs);
        await PollingLoop.RunAsync(RunOnceAsync, poll, clock, (type, error) => LogFailed(logger, type, error), stoppingToken);
    }

    /// <summary>Runs every stored job this instance can lease to its end; false when there was none.</summary>
    public async Task<bool> RunOnceAsync(CancellationToken cancellationToken)
    {
        var db = store.Database;
        var jobs = await db.HashGetAllAsync(store.FanoutJobs);
        var ran = false;
        foreach (var entry in jobs)
        {
            var job = JsonSerializer.Deserialize((string)entry.Value!, NotificationsJsonContext.Default.FanoutJob);
            if (job is null || !await db.StringSetAsync(store.FanoutLock(job.JobId), owner, Lease, When.NotExists))
            {
                continue;
            }

            ran = true;
            try
            {
                await RunJobAsync(job, cancellationToken);
            }
            finally
            {
                await db.KeyDeleteAsync(store.FanoutLock(job.JobId));
            }
        }

        return ran;
    }

    private async Task RunJobAsync(FanoutJob job, CancellationToken cancellationToken)
    {
        var db = store.Database;
        var progress = (string?)await db.HashGetAsync(store.FanoutProgress, job.JobId);
        var (shard, cursor) = progress?.Split(':') is [var s, var c]
            ? (int.Parse(s, CultureInfo.InvariantCulture), long.Parse(c, CultureInfo.InvariantCulture))
            : (0, 0L);
        LogJobStarted(logger, job.Type, job.JobId, shard);

        var paced = Stopwatch.StartNew();
        long handled = 0;
        for (; shard < settings.IndexShards; shard++, cursor = 0)
        {
            var key = store.IndexShard(job.ProductId, job.Index, shard);
            do
            {
                cancellationToken.ThrowIfCancellationRequested();
                var scan = (RedisResult[])(await db.ExecuteAsync("SSCAN", (RedisKey)key, cursor, "COUNT", settings.FanoutBatchSize))!;
                cursor = long.Parse((string)scan[0]!, CultureInfo.InvariantCulture);
                var customers = ((RedisValue[])scan[1]!).Select(v => (string)v!).ToList();
                if (customers.Count > 0)
                {
                    await NotifyAsync(job, customers, cancellationToken);
                    handled += customers.Count;
                    telemetry.FanoutCustomers.Add(customers.Count);
                }

                await db.HashSetAsync(store.FanoutProgress, job.JobId, string.Create(CultureInfo.InvariantCulture, $"{(cursor == 0 ? shard + 1 : shard)}:{cursor}"));
                await db.KeyExpireAsync(store.FanoutLock(job.JobId), Lease);

                // Pace: never ahead of FanoutMaxPerSecond since the job started here.
                var ahead = TimeSpan.FromSeconds((double)handled / settings.FanoutMaxPerSecond) - paced.Elapsed;
                if (ahead > TimeSpan.Zero)
                {
                    await Task.Delay(ahead, clock, cancellationToken);
                }
            }
            while (cursor != 0);
        }

        await db.HashDeleteAsync(store.FanoutJobs, job.JobId);
        await db.HashDeleteAsync(store.FanoutProgress, job.JobId);
        Interlocked.Increment(ref completedJobs);
        LogJobDone(logger, job.Type, job.JobId, handled);
    }

    private async Task NotifyAsync(FanoutJob job, List<string> customers, CancellationToken cancellationToken)
    {
        using var activity = telemetry.ActivitySource.StartActivity("notifications fan-out batch");
        activity?.SetTag("nba.notifications.type", job.Type);
        activity?.SetTag("nba.notifications.customers", customers.Count);
        var now = clock.GetUtcNow();
        var loaded = await profiles.LoadAsync(customers, now);
        var decisions = new List<PolicyDecision>(loaded.Count);
        foreach (var (profile, version) in loaded)
        {
            if (version > 0 && triggers.ForFanoutCustomer(job, profile, now) is { } candidate)
            {
                decisions.Add(policy.Decide(candidate, profile, now));
            }
        }

        await dispatcher.DispatchAsync(decisions, now, cancellationToken);
    }

    [LoggerMessage(EventId = 6101, Level = LogLevel.Information, Message = "Fan-out {Type} job {JobId} started at shard {Shard}")]
    private static partial void LogJobStarted(ILogger logger, string type, string jobId, int shard);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Information, Message = "Fan-out {Type} job {JobId} done: {Customers} customer(s) looked at")]
    private static partial void LogJobDone(ILogger logger, string type, string jobId, long customers);

    [LoggerMessage(EventId = 6103, Level = LogLevel.Warning, Message = "Fan-out run failed ({ErrorType}: {Error}); the job resumes from its saved progress")]
    private static partial void LogFailed(ILogger logger, string errorType, string error);
}
