namespace NextBestAction.Benchmarks.Infrastructure;

/// <summary>Collections per generation and time paused, since process start; subtract two to get a phase's.</summary>
internal readonly record struct CollectorActivity(int Gen0, int Gen1, int Gen2, TimeSpan Pause, TimeSpan Elapsed)
{
    private static readonly long Started = System.Diagnostics.Stopwatch.GetTimestamp();

    public static CollectorActivity Now() =>
        new(GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration(),
            System.Diagnostics.Stopwatch.GetElapsedTime(Started));

    /// <summary>A collection of generation n also counts as one of every lower generation; these are as the runtime counts them.</summary>
    public static CollectorActivity operator -(CollectorActivity after, CollectorActivity before) =>
        new(after.Gen0 - before.Gen0, after.Gen1 - before.Gen1, after.Gen2 - before.Gen2, after.Pause - before.Pause, after.Elapsed - before.Elapsed);

    public override string ToString() =>
        $"{Gen0} gen0, {Gen1} gen1 and {Gen2} gen2 collections (gen1 and gen2 counted in gen0 too), paused {Pause.TotalMilliseconds:0} ms "
        + $"= {100 * Pause / Elapsed:0.00}% of {Elapsed.TotalSeconds:0} s";
}
