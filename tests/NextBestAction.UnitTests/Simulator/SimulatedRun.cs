using NextBestAction.Contracts;
using NextBestAction.Simulator;

namespace NextBestAction.UnitTests.Simulator;

/// <summary>One event of a simulated run, serialized and read back the way a consumer would.</summary>
internal sealed record RunEvent(SimulatedEvent Event, byte[] Bytes, ReadResult Read);

/// <summary>Plays a <see cref="WebshopModel"/> for a number of steps on a fixed clock.</summary>
internal static class SimulatedRun
{
    public static readonly DateTimeOffset June = new(2026, 6, 1, 9, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset December = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    /// <summary>50,000 steps of 20 ms: about 17 simulated minutes, long enough for deliveries, returns and resolutions.</summary>
    public static IReadOnlyList<RunEvent> Default { get; } = Play(seed: 42, customers: 2000, steps: 50_000, June);

    public static IReadOnlyList<RunEvent> Play(int seed, int customers, int steps, DateTimeOffset start, string runId = "test")
    {
        var model = new WebshopModel(customers, new Random(seed), runId);
        var events = new List<RunEvent>(steps);
        for (var i = 0; i < steps; i++)
        {
            var now = start + TimeSpan.FromMilliseconds(20 * i);
            var e = model.Next(now);
            var bytes = SimulatedEventJson.ToUtf8Json(e);
            events.Add(new RunEvent(e, bytes, EventReader.Read(bytes, now, EventLimits.Default)));
        }

        return events;
    }

    public static IEnumerable<(int Index, SimulatedEvent Event, T Data)> OfType<T>(this IReadOnlyList<RunEvent> run, string type)
        where T : EventData
    {
        for (var i = 0; i < run.Count; i++)
        {
            if (run[i].Event.Type == type)
            {
                yield return (i, run[i].Event, (T)run[i].Event.Data);
            }
        }
    }
}
