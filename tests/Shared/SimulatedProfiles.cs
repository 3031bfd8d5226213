using NextBestAction.Contracts;
using NextBestAction.Profiles;
using NextBestAction.Simulator;

namespace NextBestAction.Testing;

/// <summary>
/// Customer profiles as ingestion builds them, in memory: the simulator's <see cref="WebshopModel"/> plays a history
/// whose event times end at <c>now</c>, and every event goes through the contract's <see cref="EventReader"/> and the
/// profile service's <see cref="ProfileUpdater"/> (with a Kafka-like topic/partition and offset, so the bookkeeping is
/// as large as in production). Catalog events (keyed by product) have no profile effect and are skipped, as ingestion
/// does. The <c>decide</c> benchmark writes these profiles to Redis; the <c>engine</c> benchmark decides on them directly;
/// unit tests use them as profiles with every list and map filled somewhere. Shared as a linked source file.
/// </summary>
internal static class SimulatedProfiles
{
    /// <summary>The ingest benchmark's history pace: follow-ups (deliveries, late ones, returns, contacts) come due within it.</summary>
    public const double DefaultEventsPerSecond = 200;

    /// <summary>Partitions per input topic, as the mock cluster gives an auto-created topic.</summary>
    private const int Partitions = 4;

    /// <param name="runId">Names the simulated run in the events' sources and ids.</param>
    /// <param name="eventsPerSecond">The history's pace in event time: slower leaves fewer orders and contacts still open at <paramref name="now"/>.</param>
    public static SimulatedHistory Play(
        ProfileUpdater updater, string runId, int customers, int events, int seed, DateTimeOffset now, CancellationToken cancellationToken,
        double eventsPerSecond = DefaultEventsPerSecond)
    {
        var model = new WebshopModel(customers, new Random(seed), runId);
        var topics = new TopicNames();
        var spacing = TimeSpan.FromSeconds(1 / eventsPerSecond);
        var eventTime = now - (spacing * events);
        var profiles = new Dictionary<string, CustomerProfile>(StringComparer.Ordinal);
        var offsets = new Dictionary<string, long>(StringComparer.Ordinal);
        var invalid = 0;
        for (var i = 0; i < events; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var simulated = model.Next(eventTime);
            eventTime += spacing;
            var topic = simulated.TopicIn(topics);
            if (topic == topics.Catalog)
            {
                continue;
            }

            var read = EventReader.Read(SimulatedEventJson.ToUtf8Json(simulated), now, EventLimits.Default);
            if (read.Event is not { } e)
            {
                invalid++;
                continue;
            }

            var partitionKey = $"{topic}/{(ulong)ProfileUpdater.EventHash(e.Subject) % Partitions}";
            var offset = offsets[partitionKey] = offsets.GetValueOrDefault(partitionKey) + 1;
            if (!profiles.TryGetValue(e.Subject, out var profile))
            {
                profiles[e.Subject] = profile = new CustomerProfile { CustomerId = e.Subject };
            }

            updater.Apply(profile, e, partitionKey, offset);
        }

        return new SimulatedHistory(profiles, invalid);
    }
}

/// <param name="Profiles">The profiles by customer id.</param>
/// <param name="Invalid">Simulated events the contract's reader refused (0 unless simulator and contract disagree).</param>
internal sealed record SimulatedHistory(IReadOnlyDictionary<string, CustomerProfile> Profiles, int Invalid)
{
    /// <summary>Customers that have a profile, in ordinal order so a seeded pick among them repeats.</summary>
    public string[] CustomerIds() => [.. Profiles.Keys.Order(StringComparer.Ordinal)];
}
