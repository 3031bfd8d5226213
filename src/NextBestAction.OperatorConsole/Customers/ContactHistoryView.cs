using NextBestAction.Decisioning.Catalog;
using NextBestAction.Decisioning.Privacy;

namespace NextBestAction.OperatorConsole.Customers;

/// <summary>
/// The last decline of an action with the contact policy's cool-down that follows it (the action's
/// <c>cooldownAfterDecline</c> in the live catalog); <see cref="CooldownUntil"/> is null when the action has no
/// cool-down or is no longer in the catalog.
/// </summary>
public sealed record DeclineRow(string ActionId, DateTimeOffset DeclinedAt, DateTimeOffset? CooldownUntil, bool InCooldown);

/// <summary>Impressions of one day, one count per action (<c>*</c>: all marketing actions, for the overall caps).</summary>
public sealed record ImpressionDay(DateOnly Day, IReadOnlyList<ExportedImpressions> PerAction);

/// <summary>The contact history as the service desk reads it: impressions per day, newest first, and the last declines with their cool-downs.</summary>
public sealed record ContactHistoryView(IReadOnlyList<ImpressionDay> Days, IReadOnlyList<DeclineRow> Declines)
{
    public static ContactHistoryView From(IReadOnlyList<ExportedImpressions> impressions, IReadOnlyList<ExportedDecline> declines, ActionCatalog catalog, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(impressions);
        ArgumentNullException.ThrowIfNull(declines);
        ArgumentNullException.ThrowIfNull(catalog);
        var days = impressions
            .GroupBy(i => i.Day)
            .OrderByDescending(g => g.Key)
            .Select(g => new ImpressionDay(g.Key, [.. g.OrderBy(i => i.ActionId, StringComparer.Ordinal)]));
        return new ContactHistoryView([.. days], [.. declines.Select(d => Decline(d, catalog, now)).OrderByDescending(d => d.DeclinedAt)]);
    }

    public static DeclineRow Decline(ExportedDecline decline, ActionCatalog catalog, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(decline);
        ArgumentNullException.ThrowIfNull(catalog);
        DateTimeOffset? until = catalog.ById.TryGetValue(decline.ActionId, out var action) && action.CooldownAfterDecline > TimeSpan.Zero
            ? decline.At + action.CooldownAfterDecline
            : null;
        return new DeclineRow(decline.ActionId, decline.At, until, until > now);
    }
}
