using NextBestAction.Contracts;
using NextBestAction.Profiles;

namespace NextBestAction.Ingestion;

/// <summary>An event that took effect on a profile, with the profile as it is after the event.</summary>
public sealed record AppliedEvent(CustomerProfile Profile, ValidEvent Event);

/// <summary>
/// Work that rides on the ingestion path (for example notification triggers). Both calls come before the batch's
/// offsets are stored, and <see cref="OnProfilesChangingAsync"/> before the profiles are written: if the process
/// dies after it, redelivery finds the events not yet applied and calls it again, so an observer must be
/// idempotent (keyed by something deterministic), never lose work. An exception fails the batch, which is retried.
/// </summary>
public interface IIngestionObserver
{
    /// <summary>Events of one write round that changed their profiles, before the compare-and-set write.</summary>
    Task OnProfilesChangingAsync(IReadOnlyList<AppliedEvent> applied, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Valid events from the catalog topic (keyed by product, not customer).</summary>
    Task OnCatalogEventsAsync(IReadOnlyList<ValidEvent> events, DateTimeOffset now, CancellationToken cancellationToken);
}
