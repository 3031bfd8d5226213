using NextBestAction.Decisioning.Catalog;
using NextBestAction.Decisioning.Serving;
using StackExchange.Redis;

namespace NextBestAction.OperatorConsole.Offers;

/// <summary>The Offers page's data for a window of UTC days (today and the days before it), or why there is none.</summary>
public sealed record OfferBoardView(int WindowDays, DateOnly From, DateOnly To, OfferReport? Report, string? Unavailable);

/// <summary>Reads the offer statistics of a window of days in one pipelined batch and sums them up against the live catalog.</summary>
public sealed class OfferBoard(OfferStatisticsStore store, CatalogProvider catalogs, TimeProvider clock)
{
    public const int DefaultWindow = 7;

    /// <summary>The windows offered, in days; the statistics are kept longer than the longest (<see cref="OfferStatisticsStore.KeyLifetime"/>).</summary>
    public static IReadOnlyList<int> Windows { get; } = [1, 7, 28];

    /// <summary>The window asked for when it is one of <see cref="Windows"/>, else the default.</summary>
    public static int WindowOrDefault(int? days) => days is { } d && Windows.Contains(d) ? d : DefaultWindow;

    /// <summary>The UTC days of a window ending today, oldest first.</summary>
    public static IReadOnlyList<DateOnly> Days(DateTimeOffset now, int window)
    {
        var today = OfferStatisticsStore.DayOf(now);
        return [.. Enumerable.Range(0, window).Reverse().Select(i => today.AddDays(-i))];
    }

    public async Task<OfferBoardView> ReadAsync(int window)
    {
        var days = Days(clock.GetUtcNow(), window);
        OfferStatistics statistics;
        try
        {
            statistics = await store.ReadAsync(days);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return new OfferBoardView(window, days[0], days[^1], null,
                "The offer statistics (Redis) cannot be read right now; reload the page to try again.");
        }

        var catalog = catalogs.Current.Actions.Select(a => (a.Id, a.Title)).ToList();
        return new OfferBoardView(window, days[0], days[^1], OfferFigures.Summarize(statistics, catalog), null);
    }
}
