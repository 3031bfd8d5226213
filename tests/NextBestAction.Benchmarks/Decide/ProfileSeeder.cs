using System.Diagnostics;
using NextBestAction.Profiles;
using NextBestAction.Testing;

namespace NextBestAction.Benchmarks.Decide;

/// <summary>
/// Fills Redis with profiles as ingestion would have built them: <see cref="SimulatedProfiles"/> plays a simulated
/// history whose event times end now through the real <see cref="ProfileUpdater"/>, and the profiles are written with
/// <see cref="RedisProfileStore"/>'s compare-and-set write.
/// </summary>
internal static class ProfileSeeder
{
    private const int WriteBatch = 500;

    public static async Task<SeededProfiles> SeedAsync(
        RedisProfileStore store, ProfileUpdater updater, int customers, int events, int seed, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var history = SimulatedProfiles.Play(updater, "bench-decide", customers, events, seed, DateTimeOffset.UtcNow, cancellationToken);
        var profiles = history.Profiles;

        var writtenAt = DateTimeOffset.UtcNow;
        foreach (var batch in profiles.Values.Chunk(WriteBatch))
        {
            var written = await store.TryWriteAsync([.. batch.Select(p => new VersionedProfile(p, 0))], writtenAt);
            if (written.Any(w => !w))
            {
                throw new InvalidOperationException("a profile write was refused although the benchmark's redis-server was empty");
            }
        }

        return new SeededProfiles(
            history.CustomerIds(),
            events,
            history.Invalid,
            ProfileMix.Of(profiles.Values, writtenAt),
            [.. profiles.Values.Select(p => p.OpenOrders.Select(o => o.PromisedDeliveryDate).ToArray()).Where(d => d.Length > 0)],
            Stopwatch.GetElapsedTime(started));
    }
}

/// <param name="CustomerIds">Customers that have a profile; requests pick from these.</param>
/// <param name="Invalid">Simulated events the contract's reader refused (0 unless simulator and contract disagree).</param>
/// <param name="OpenOrderPromises">Promised delivery dates of the orders still open when seeding ended, per customer.</param>
internal sealed record SeededProfiles(
    IReadOnlyList<string> CustomerIds,
    int Events,
    int Invalid,
    ProfileMix Mix,
    IReadOnlyList<DateTimeOffset[]> OpenOrderPromises,
    TimeSpan Elapsed)
{
    /// <summary>
    /// Customers with an order past its promised date at <paramref name="at"/>. Time stands still in Redis while the
    /// benchmark runs (no more deliveries come), so this share grows during the run; it is reported at start and end.
    /// </summary>
    public int WithLateOrderAt(DateTimeOffset at) => OpenOrderPromises.Count(promises => promises.Any(p => p < at));
}

/// <summary>How many seeded profiles carry each signal the decision rules look at.</summary>
internal sealed record ProfileMix(
    int Profiles, int WithCart, int WithOrders, int WithLateOrder, int WithBrokenPromise90d, int WithOpenContact, int WithNotFirstTimeRight,
    int WithReturns)
{
    public static ProfileMix Of(IEnumerable<CustomerProfile> profiles, DateTimeOffset now)
    {
        int total = 0, cart = 0, orders = 0, late = 0, broken = 0, open = 0, notFirstTimeRight = 0, returns = 0;
        foreach (var p in profiles)
        {
            total++;
            cart += p.Cart.Count > 0 ? 1 : 0;
            orders += p.OrderCount > 0 ? 1 : 0;
            late += p.LateOpenOrders(now).Any() ? 1 : 0;
            broken += p.BrokenPromisesSince(now.AddDays(-90)) > 0 ? 1 : 0;
            open += p.OpenContacts.Count > 0 ? 1 : 0;
            notFirstTimeRight += p.ResolvedContacts > p.FirstTimeRightContacts ? 1 : 0;
            returns += p.Returns > 0 ? 1 : 0;
        }

        return new ProfileMix(total, cart, orders, late, broken, open, notFirstTimeRight, returns);
    }

    public override string ToString()
    {
        string Share(int n) => $"{100.0 * n / Math.Max(1, Profiles):0.0}%";
        return $"with cart {Share(WithCart)}, with orders {Share(WithOrders)}, late order now {Share(WithLateOrder)}, "
            + $"broken promise in 90 days {Share(WithBrokenPromise90d)}, open service contact {Share(WithOpenContact)}, "
            + $"contact not first time right {Share(WithNotFirstTimeRight)}, returns {Share(WithReturns)}";
    }
}
