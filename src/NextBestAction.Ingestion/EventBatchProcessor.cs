using System.Diagnostics;
using Microsoft.Extensions.Options;
using NextBestAction.Contracts;
using NextBestAction.Profiles;
using NextBestAction.Profiles.Privacy;
using NextBestAction.Telemetry;

namespace NextBestAction.Ingestion;

/// <summary>
/// Handles one micro-batch: sorts the messages (<see cref="BatchTriage"/>), dead-letters the bad ones, and applies
/// the good ones to their customers' profiles in pipelined round trips (one load, one compare-and-set write per
/// <see cref="CompareAndSetRounds">round</see>), with the <see cref="IIngestionObserver">observers</see> (KPIs,
/// notifications) seeing each event before the profiles are written. Throws when Redis or the dead-letter topic
/// cannot be reached; the caller retries the whole batch, which is safe because each profile records the offsets
/// and event ids it has applied.
/// </summary>
public sealed class EventBatchProcessor(
    RedisProfileStore store,
    ProfileCache cache,
    ErasureList erasures,
    SubjectHasher subjects,
    PrivacyTopicRequests privacy,
    ProfileUpdater updater,
    DeadLetterPublisher deadLetters,
    IOptions<KafkaOptions> kafkaOptions,
    IOptions<IngestionOptions> ingestionOptions,
    NbaTelemetry telemetry,
    TimeProvider clock,
    IEnumerable<IIngestionObserver>? observers = null)
{
    private readonly IIngestionObserver[] observers = observers?.ToArray() ?? [];

    private readonly EventLimits limits = new(
        ingestionOptions.Value.MaxEventBytes, TimeSpan.FromSeconds(ingestionOptions.Value.MaxClockSkewSeconds))
    {
        MaxEventAge = TimeSpan.FromDays(ingestionOptions.Value.MaxEventAgeDays),
    };

    private readonly TopicNames topics = kafkaOptions.Value.Topics;

    public async Task<BatchResult> ProcessAsync(IReadOnlyList<IncomingMessage> batch, CancellationToken cancellationToken)
    {
        using var tracing = BatchTracing.Start(telemetry.ActivitySource, batch);
        var now = clock.GetUtcNow();
        var readStarted = Stopwatch.GetTimestamp();
        var triaged = BatchTriage.Sort(batch, now, limits, topics);
        telemetry.RecordStage(IngestionStages.Read, readStarted);
        if (triaged.Rejected.Count > 0)
        {
            foreach (var (message, _, _) in triaged.Rejected)
            {
                tracing.DeadLettered(message);
            }

            await deadLetters.PublishAsync(triaged.Rejected, cancellationToken);
        }

        if (triaged.CatalogEvents.Count > 0)
        {
            foreach (var observer in observers)
            {
                await observer.OnCatalogEventsAsync(triaged.CatalogEvents, now, cancellationToken);
            }
        }

        // Before the customer events: an erasure in this batch drops the same customer's older events in it too.
        if (triaged.PrivacyEvents.Count > 0)
        {
            await privacy.HandleAsync(triaged.PrivacyEvents, cancellationToken);
        }

        var outcomes = triaged.ByCustomer.Count > 0 ? await ApplyAsync(triaged.ByCustomer, tracing, now, cancellationToken) : [];
        RecordFreshness(triaged.ByCustomer.Values.SelectMany(events => events).Select(e => e.Message));
        var result = CountOutcomes(triaged, outcomes);
        tracing.Completed(result);
        return result;
    }

    private async Task<List<(string Type, ApplyOutcome Outcome)>> ApplyAsync(
        Dictionary<string, List<CustomerEvent>> byCustomer, BatchTracing tracing, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var outcomes = new List<(string, ApplyOutcome)>();
        var pending = byCustomer.Keys.ToList();
        for (var round = 1; pending.Count > 0; round++)
        {
            CompareAndSetRounds.ThrowIfExhausted(round, pending.Count);
            cancellationToken.ThrowIfCancellationRequested();
            var writeRound = new WriteRound(now, round, [.. pending.SelectMany(customer => byCustomer[customer]).Select(e => e.Message)]);
            var observed = Array.ConvertAll(observers, o => o.BeginRound(writeRound));
            var loadStarted = Stopwatch.GetTimestamp();
            var (loaded, erasedAt) = await LoadAsync(pending, tracing, now);
            telemetry.RecordRedis("profile_load", loadStarted);
            telemetry.RecordStage(IngestionStages.Redis, loadStarted);

            var applyStarted = Stopwatch.GetTimestamp();

            var roundOutcomes = new List<(string Customer, string Type, ApplyOutcome Outcome)>();
            var toWrite = new List<VersionedProfile>(loaded.Count);
            foreach (var current in loaded)
            {
                var customerId = current.Profile.CustomerId;
                var events = byCustomer[customerId];
                if (erasedAt.TryGetValue(customerId, out var erasure))
                {
                    // Events from before the customer's erasure (a replay, or in flight when it happened) are dropped.
                    roundOutcomes.AddRange(events.Where(m => m.Event.Time <= erasure).Select(m => (customerId, m.Event.Type, ApplyOutcome.Erased)));
                    events = [.. events.Where(m => m.Event.Time > erasure)];
                    if (events.Count == 0)
                    {
                        continue;
                    }
                }

                // Redelivery of records this profile already applied (after a crash or rebalance) changes nothing,
                // not even the bookkeeping, so it needs no write.
                var redelivered = events.All(m => ProfileUpdater.IsRedelivery(current.Profile, m.Event, m.Message.PartitionKey, m.Message.Offset));
                foreach (var (message, e) in events)
                {
                    roundOutcomes.Add((customerId, e.Type, Apply(current.Profile, message, e, observed, tracing)));
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

            foreach (var observerRound in observed)
            {
                await observerRound.CompleteAsync(cancellationToken);
            }

            telemetry.RecordStage(IngestionStages.Apply, applyStarted);
            var refused = await WriteAsync(toWrite, byCustomer, tracing, now);
            outcomes.AddRange(roundOutcomes.Where(o => !refused.Contains(o.Customer)).Select(o => (o.Type, o.Outcome)));
            pending = [.. refused];
        }

        return outcomes;
    }

    private ApplyOutcome Apply(CustomerProfile profile, IncomingMessage message, ValidEvent e, IIngestionRound[] observed, BatchTracing tracing)
    {
        foreach (var observerRound in observed)
        {
            observerRound.OnApplying(profile, message, e);
        }

        var outcome = updater.Apply(profile, e, message.PartitionKey, message.Offset);
        if (outcome == ApplyOutcome.Applied)
        {
            var trace = tracing.ContextOf(message);
            foreach (var observerRound in observed)
            {
                observerRound.OnApplied(profile, e, trace);
            }
        }

        foreach (var observerRound in observed)
        {
            observerRound.OnHandled(profile, message, e, outcome);
        }

        return outcome;
    }

    /// <summary>
    /// Profiles from the cache where this consumer wrote them last, the rest in one pipelined read, and when each erased
    /// customer among them was erased (looked up in the same round trip). A cached copy of an erased customer may be
    /// from before the erasure, so those few are read again.
    /// </summary>
    private async Task<(List<VersionedProfile> Profiles, Dictionary<string, DateTimeOffset> ErasedAt)> LoadAsync(
        List<string> customerIds, BatchTracing tracing, DateTimeOffset now)
    {
        var lookup = erasures.LookUpAsync(store.Database, await subjects.HashAllAsync(customerIds));
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
            using var activity = tracing.StartProfileLoad(missing.Count);
            profiles.AddRange(await store.LoadAsync(missing, now));
        }

        var erasedAt = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var erasureTimes = await lookup;
        for (var i = 0; i < customerIds.Count; i++)
        {
            if (erasureTimes[i] is { } at)
            {
                erasedAt[customerIds[i]] = at;
            }
        }

        if (erasedAt.Count > 0)
        {
            var cachedErased = erasedAt.Keys.Except(missing, StringComparer.Ordinal).ToList();
            profiles.RemoveAll(p => cachedErased.Contains(p.Profile.CustomerId, StringComparer.Ordinal));
            profiles.AddRange(cachedErased.Count > 0 ? await store.LoadAsync(cachedErased, now) : []);
        }

        return (profiles, erasedAt);
    }

    /// <summary>Writes each profile if it is still at the version read; caches the written ones and returns the customers whose write was refused.</summary>
    private async Task<HashSet<string>> WriteAsync(
        List<VersionedProfile> toWrite, Dictionary<string, List<CustomerEvent>> byCustomer, BatchTracing tracing, DateTimeOffset now)
    {
        var encodeStarted = Stopwatch.GetTimestamp();
        var encoded = new EncodedProfile[toWrite.Count];
        for (var i = 0; i < toWrite.Count; i++)
        {
            encoded[i] = store.Encode(toWrite[i], now);
        }

        telemetry.RecordStage(IngestionStages.Encode, encodeStarted);
        var spans = tracing.StartProfileWrites(toWrite.SelectMany(v => byCustomer[v.Profile.CustomerId]).Select(e => e.Message));
        var writeStarted = Stopwatch.GetTimestamp();
        var written = await store.TryWriteAsync(encoded);
        telemetry.RecordRedis("profile_write", writeStarted);
        telemetry.RecordStage(IngestionStages.Redis, writeStarted);
        BatchTracing.End(spans);
        for (var i = 0; i < toWrite.Count; i++)
        {
            if (written[i])
            {
                cache.Put(toWrite[i] with { Version = toWrite[i].Version + 1 });
            }
        }

        return CompareAndSetRounds.Refused(toWrite, written).ToHashSet(StringComparer.Ordinal);
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

    private BatchResult CountOutcomes(TriagedBatch triaged, List<(string Type, ApplyOutcome Outcome)> outcomes)
    {
        foreach (var (_, _, type) in triaged.Rejected)
        {
            Count(type ?? "unparsed", "dead_lettered");
        }

        if (triaged.UnknownTypes > 0)
        {
            Count("unknown", "unknown_type", triaged.UnknownTypes);
        }

        foreach (var e in triaged.CatalogEvents)
        {
            Count(e.Type, "no_effect");
        }

        foreach (var e in triaged.PrivacyEvents)
        {
            Count(e.Type, e.Type == EventTypes.ErasureRequested ? "applied" : "no_effect");
        }

        foreach (var (type, outcome) in outcomes)
        {
            Count(type, outcome switch
            {
                ApplyOutcome.Applied => "applied",
                ApplyOutcome.Duplicate => "duplicate",
                ApplyOutcome.Erased => "erased",
                _ => "no_effect",
            });
        }

        return new BatchResult(
            outcomes.Count(o => o.Outcome == ApplyOutcome.Applied) + triaged.PrivacyEvents.Count(e => e.Type == EventTypes.ErasureRequested),
            outcomes.Count(o => o.Outcome == ApplyOutcome.Duplicate),
            outcomes.Count(o => o.Outcome is ApplyOutcome.NoProfileEffect or ApplyOutcome.Erased) + triaged.CatalogEvents.Count
                + triaged.PrivacyEvents.Count(e => e.Type != EventTypes.ErasureRequested),
            triaged.Rejected.Count,
            triaged.UnknownTypes);
    }

    private void Count(string eventType, string outcome, int events = 1) =>
        telemetry.IngestedEvents.Add(events,
            new KeyValuePair<string, object?>("event_type", eventType),
            new KeyValuePair<string, object?>("outcome", outcome));
}
