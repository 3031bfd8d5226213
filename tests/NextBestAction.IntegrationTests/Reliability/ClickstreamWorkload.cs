using NextBestAction.Contracts;
using NextBestAction.Simulator;

namespace NextBestAction.IntegrationTests.Reliability;

/// <summary>
/// Realistic input from the traffic simulator's <see cref="WebshopModel"/>, restricted to the clickstream topic:
/// with one input topic, each customer's events sit in one partition in one order, so the consumer has exactly
/// one correct result, and the oracle can compute it.
/// </summary>
internal static class ClickstreamWorkload
{
    private static readonly TopicNames DefaultTopics = new();

    /// <summary>
    /// <paramref name="count"/> clickstream events of <paramref name="customers"/> customers, in simulated-time
    /// order. Event times end about a minute ago, so none is refused as clock skew, and for 100k events start about
    /// ten minutes ago: the store hides temporary data (sessions, locations) by the wall clock when it loads a
    /// profile, so events older than their time to live would make the stored result depend on batch boundaries.
    /// </summary>
    public static List<SimulatedEvent> Generate(int customers, int count, int seed, string runId)
    {
        var model = new WebshopModel(customers, new Random(seed), runId);
        var step = TimeSpan.FromMilliseconds(5);
        var time = DateTimeOffset.UtcNow - TimeSpan.FromMinutes(1) - (step * count * 1.2);
        var events = new List<SimulatedEvent>(count);
        while (events.Count < count)
        {
            time += step;
            var e = model.Next(time);
            if (SimulatedEvent.TopicFor(e.Type, DefaultTopics) == DefaultTopics.Clickstream)
            {
                events.Add(e);
            }
        }

        return events;
    }

    public static (string Key, byte[] Value) AsMessage(SimulatedEvent e) => (e.Subject, SimulatedEventJson.ToUtf8Json(e));
}
