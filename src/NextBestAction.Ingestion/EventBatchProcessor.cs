using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Options;
using NextBestAction.Contracts;
using NextBestAction.Profiles;
using NextBestAction.Profiles.Kpis;
using NextBestAction.ServiceDefaults;

namespace NextBestAction.Ingestion;

/// <summary>One Kafka record as the processor sees it: original key and value bytes plus its position.</summary>
/// <param name="ProducedAt">The Kafka record timestamp, for event-to-profile freshness.</param>
/// <param name="TraceContext">The producer's span from the message headers (W3C trace context); default when it sent none.</param>
public sealed record IncomingMessage(
    string Topic, int Partition, long Offset, byte[]? Key, byte[]? Value, DateTimeOffset? ProducedAt = null, ActivityContext TraceContext = default)
{
    public string PartitionKey => $"{Topic}/{Partition}";
}

/// <summary>Counts of what one batch did, by outcome.</summary>
public sealed record BatchResult(int Applied, int Duplicates, int NoEffect, int DeadLettered, int UnknownType);

/// <summary>
/// Handles one micro-batch: validates every message, dead-letters the bad ones, and applies the good ones
/// to their customers' profiles in pipelined round trips (one load, one compare-and-set write per step).
/// Throws when Redis or the dead-letter topic cannot be reached; the caller retries the whole batch, which
/// is safe because each profile records the offsets and event ids it has applied.
/// </summary>
public sealed class EventBatchProcessor(
    RedisProfileStore store,
    RedisKpiStore kpis,
    ProfileCache cache,
    ProfileUpdater updater,
    DeadLetterPublisher deadLetters,
    IOptions<KafkaOptions> kafkaOptions,
    IOptions<IngestionOptions> ingestionOptions,
    NbaTelemetry telemetry,
    TimeProvider clock,
    IEnumerable<IIngestionObserver>? observers = null)
{
    private readonly IIngestionObserver[] observers = observers?.ToArray() ?? [];

    /// <summary>Compare-and-set conflicts are rare (two writers on one customer); past this many rounds something is wrong.</summary>
    private const int MaxWriteRounds = 5;

    private readonly EventLimits limits = new(
        ingestionOptions.Value.MaxEventBytes, TimeSpan.FromSeconds(ingestionOptions.Value.MaxClockSkewSeconds))
    {
        MaxEventAge = TimeSpan.FromDays(ingestionOptions.Value.MaxEventAgeDays),
    };

    private readonly TopicNames topics = kafkaOptions.Value.Topics;

    public async Task<BatchResult> ProcessAsync(IReadOnlyList<IncomingMessage> batch, CancellationToken cancellationToken)
    {
        // The batch span links every message's producer span; each message continues its own trace in a process span.
        using var activity = telemetry.ActivitySource.StartActivity(
            "ingest batch", ActivityKind.Consumer, default(ActivityContext), links: Links(batch));
        activity?.SetTag("messaging.system", "kafka");
        activity?.SetTag("messaging.operation.type", "process");
        activity?.SetTag("messaging.batch.message_count", batch.Count);
        var spans = StartProcessSpans(batch, activity);
        try
        {
            return await ProcessAsync(batch, activity, spans, cancellationToken);
        }
        finally
        {
            foreach (var span in spans.Values)
            {
                span.Dispose();
            }

            Activity.Current = activity;
        }
    }

    private static List<ActivityLink>? Links(IReadOnlyList<IncomingMessage> batch)
    {
        List<ActivityLink>? links = null;
        foreach (var message in batch)
        {
            if (message.TraceContext != default)
            {
                (links ??= []).Add(new ActivityLink(message.TraceContext));
            }
        }

        return links;
    }

    /// <summary>One process span per message, each a child of its producer's span; the batch span stays the current one.</summary>
    private Dictionary<IncomingMessage, Activity> StartProcessSpans(IReadOnlyList<IncomingMessage> batch, Activity? batchActivity)
    {
        var spans = new Dictionary<IncomingMessage, Activity>(ReferenceEqualityComparer.Instance);
        if (!telemetry.ActivitySource.HasListeners())
        {
            return spans;
        }

        foreach (var message in batch)
        {
            if (KafkaTracing.StartProcess(telemetry.ActivitySource, message.Topic, message.Partition, message.Offset, message.TraceContext,
                batchActivity?.Context ?? default) is { } span)
            {
                spans[message] = span;
            }

            Activity.Current = batchActivity;
        }

        return spans;
    }

    private async Task<BatchResult> ProcessAsync(
        IReadOnlyList<IncomingMessage> batch, Activity? activity, Dictionary<IncomingMessage, Activity> spans, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var rejected = new List<(IncomingMessage Message, string Reason, string? Type)>();
        var byCustomer = new Dictionary<string, List<(IncomingMessage Message, ValidEvent Event)>>(StringComparer.Ordinal);
        var unknownTypes = 0;
        var noEffect = new List<string>();
        var catalogEvents = new List<ValidEvent>();

        foreach (var message in batch)
        {
            var read = EventReader.Read(message.Value, now, limits);
            switch (read.Outcome)
            {
                case ReadOutcome.Invalid:
                    rejected.Add((message, read.Reason!, read.Type));
                    break;
                case ReadOutcome.UnknownType:
                    // Counted under one label: producers' free-form type names must not explode metric cardinality.
                    unknownTypes++;
                    break;
                default:
                    var e = read.Event!;
                    var key = message.Key is null ? null : Encoding.UTF8.GetString(message.Key);
                    if (topics.InputFor(e.Type) is { } expectedTopic && expectedTopic != message.Topic)
                    {
                        rejected.Add((message, $"{e.Type} events belong on {expectedTopic}, not on {message.Topic}", e.Type));
                    }
                    else if (key is not null && key != e.Subject)
                    {
                        // One writer per customer relies on the key being the subject; a mismatch would race.
                        rejected.Add((message, "message key must equal the event subject (the customer or product id)", e.Type));
                    }
                    else if (message.Topic == topics.Catalog)
                    {
                        noEffect.Add(e.Type);
                        catalogEvents.Add(e);
                    }
                    else
                    {
                        if (!byCustomer.TryGetValue(e.Subject, out var events))
                        {
                            byCustomer[e.Subject] = events = [];
                        }

                        events.Add((message, e));
                    }

                    break;
            }
        }

        if (rejected.Count > 0)
        {
            foreach (var (message, _, _) in rejected)
            {
                spans.GetValueOrDefault(message)?.SetStatus(ActivityStatusCode.Error, "dead-lettered");
            }

            await deadLetters.PublishAsync(rejected, cancellationToken);
        }

        if (catalogEvents.Count > 0)
        {
            foreach (var observer in observers)
            {
                await observer.OnCatalogEventsAsync(catalogEvents, now, cancellationToken);
            }
        }

        var outcomes = byCustomer.Count > 0 ? await ApplyAsync(byCustomer, spans, now, cancellationToken) : [];
        RecordFreshness(byCustomer.Values.SelectMany(events => events).Select(e => e.Message));

        foreach (var (_, _, type) in rejected)
        {
            Count(type ?? "unparsed", "dead_lettered");
        }

        if (unknownTypes > 0)
        {
            Count("unknown", "unknown_type", unknownTypes);
        }

        foreach (var type in noEffect)
        {
            Count(type, "no_effect");
        }

        foreach (var (type, outcome) in outcomes)
        {
            Count(type, outcome switch
            {
                ApplyOutcome.Applied => "applied",
                ApplyOutcome.Duplicate => "duplicate",
                _ => "no_effect",
            });
        }

        var result = new BatchResult(
            outcomes.Count(o => o.Outcome == ApplyOutcome.Applied),
            outcomes.Count(o => o.Outcome == ApplyOutcome.Duplicate),
            outcomes.Count(o => o.Outcome == ApplyOutcome.NoProfileEffect) + noEffect.Count,
            rejected.Count,
            unknownTypes);
        activity?.SetTag("nba.ingestion.applied", result.Applied);
        activity?.SetTag("nba.ingestion.dead_lettered", result.DeadLettered);
        return result;
    }

    private async Task<List<(string Type, ApplyOutcome Outcome)>> ApplyAsync(
        Dictionary<string, List<(IncomingMessage Message, ValidEvent Event)>> byCustomer,
        Dictionary<IncomingMessage, Activity> spans,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var outcomes = new List<(string, ApplyOutcome)>();
        var pending = byCustomer.Keys.ToList();
        var partitions = byCustomer.Values.SelectMany(events => events).Select(e => e.Message.PartitionKey).ToHashSet(StringComparer.Ordinal);
        var kpiOffsets = kpis.LoadOffsetsAsync(partitions);
        Dictionary<string, (long Expected, KpiBatch Batch)>? kpiBatches = null;
        for (var round = 1; pending.Count > 0; round++)
        {
            if (round > MaxWriteRounds)
            {
                throw new ProfileWriteConflictException(
                    $"{pending.Count} profile(s) changed under every one of {MaxWriteRounds} write attempts; retrying the batch");
            }

            cancellationToken.ThrowIfCancellationRequested();
            var loadStarted = Stopwatch.GetTimestamp();
            var loaded = await LoadAsync(pending, now);
            telemetry.RecordRedis("profile_load", loadStarted);

            // The KPI deltas come from the first round; a retry after a write conflict must not count them again.
            var countKpis = kpiBatches is null;
            kpiBatches ??= (await kpiOffsets).ToDictionary(kv => kv.Key, kv => (kv.Value, new KpiBatch()), StringComparer.Ordinal);
            var roundOutcomes = new List<(string Customer, string Type, ApplyOutcome Outcome)>();
            var toWrite = new List<VersionedProfile>(loaded.Count);
            var observed = Array.ConvertAll(observers, o => o.BeginRound(now));
            foreach (var current in loaded)
            {
                var profile = current.Profile;

                // Redelivery of records this profile already applied (after a crash or rebalance) changes nothing,
                // not even the bookkeeping, so it needs no write.
                var redelivered = byCustomer[profile.CustomerId].All(m => ProfileUpdater.IsRedelivery(profile, m.Event, m.Message.PartitionKey, m.Message.Offset));
                foreach (var (message, e) in byCustomer[profile.CustomerId])
                {
                    var before = KpiCounters.Of(profile);
                    var outcome = updater.Apply(profile, e, message.PartitionKey, message.Offset);
                    roundOutcomes.Add((profile.CustomerId, e.Type, outcome));
                    if (outcome == ApplyOutcome.Applied)
                    {
                        var trace = spans.TryGetValue(message, out var span) ? span.Context : message.TraceContext;
                        foreach (var observerRound in observed)
                        {
                            observerRound.OnApplied(profile, e, trace);
                        }
                    }

                    var (counted, batch) = kpiBatches[message.PartitionKey];
                    if (countKpis && message.Offset > counted)
                    {
                        batch.Add(profile.CustomerId, before, KpiCounters.Of(profile), e.Time, message.Offset);
                    }
                }

                if (redelivered)
                {
                    cache.Put(current);
                }
                else
                {
                    toWrite.Add(current);
                }
            }

            if (countKpis)
            {
                // Before the profiles: if the process dies in between, redelivery finds the KPIs already counted
                // (offset guard) and the profiles not yet changed, and applies each exactly once.
                await kpis.AddAsync(kpiBatches);
            }

            foreach (var observerRound in observed)
            {
                await observerRound.CompleteAsync(cancellationToken);
            }

            var writes = StartWriteSpans(toWrite, byCustomer, spans);
            var writeStarted = Stopwatch.GetTimestamp();
            var written = await store.TryWriteAsync(toWrite, now);
            telemetry.RecordRedis("profile_write", writeStarted);
            foreach (var write in writes)
            {
                write.Dispose();
            }

            var conflicted = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < toWrite.Count; i++)
            {
                if (written[i])
                {
                    cache.Put(toWrite[i] with { Version = toWrite[i].Version + 1 });
                }
                else
                {
                    conflicted.Add(toWrite[i].Profile.CustomerId);
                }
            }

            outcomes.AddRange(roundOutcomes.Where(o => !conflicted.Contains(o.Customer)).Select(o => (o.Type, o.Outcome)));
            pending = [.. conflicted];
        }

        return outcomes;
    }

    /// <summary>A Redis client span per message whose profile is written, under that message's process span.</summary>
    private List<Activity> StartWriteSpans(
        List<VersionedProfile> toWrite, Dictionary<string, List<(IncomingMessage Message, ValidEvent Event)>> byCustomer, Dictionary<IncomingMessage, Activity> spans)
    {
        var writes = new List<Activity>();
        if (spans.Count == 0)
        {
            return writes;
        }

        var current = Activity.Current;
        foreach (var versioned in toWrite)
        {
            foreach (var (message, _) in byCustomer[versioned.Profile.CustomerId])
            {
                if (spans.TryGetValue(message, out var process)
                    && telemetry.ActivitySource.StartActivity("redis profile write", ActivityKind.Client, process.Context) is { } write)
                {
                    write.SetTag("db.system.name", "redis");
                    write.SetTag("db.operation.name", "profile write");
                    writes.Add(write);
                }
            }
        }

        Activity.Current = current;
        return writes;
    }

    /// <summary>Profiles from the cache where this consumer wrote them last, the rest in one pipelined read.</summary>
    private async Task<List<VersionedProfile>> LoadAsync(List<string> customerIds, DateTimeOffset now)
    {
        var profiles = new List<VersionedProfile>(customerIds.Count);
        var missing = new List<string>();
        foreach (var id in customerIds)
        {
            if (cache.TryTake(id, out var cached))
            {
                cached.Profile.Temporary = cached.Profile.Temporary.VisibleAt(now);
                profiles.Add(cached);
            }
            else
            {
                missing.Add(id);
            }
        }

        if (missing.Count > 0)
        {
            using var activity = telemetry.ActivitySource.StartActivity("redis profile load", ActivityKind.Client);
            activity?.SetTag("db.system.name", "redis");
            activity?.SetTag("db.operation.name", "profile load");
            activity?.SetTag("nba.profiles", missing.Count);
            profiles.AddRange(await store.LoadAsync(missing, now));
        }

        return profiles;
    }

    /// <summary>Time from the producer's record timestamp until the profile write was acknowledged.</summary>
    private void RecordFreshness(IEnumerable<IncomingMessage> applied)
    {
        var now = clock.GetUtcNow();
        foreach (var message in applied)
        {
            if (message.ProducedAt is { } producedAt)
            {
                telemetry.IngestionFreshness.Record(Math.Max(0, (now - producedAt).TotalSeconds));
            }
        }
    }

    private void Count(string eventType, string outcome, int events = 1) =>
        telemetry.IngestedEvents.Add(events,
            new KeyValuePair<string, object?>("event_type", eventType),
            new KeyValuePair<string, object?>("outcome", outcome));
}

/// <summary>Another writer kept changing the same profiles; the batch is retried as a whole.</summary>
public sealed class ProfileWriteConflictException(string message) : Exception(message);
