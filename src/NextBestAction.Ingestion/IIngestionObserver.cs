using NextBestAction.Contracts;
using NextBestAction.Profiles;

namespace NextBestAction.Ingestion;

/// <summary>
/// Work that rides on the ingestion path (for example notification triggers). Everything happens before the batch's
/// offsets are stored, and a round's work before its profiles are written: if the process dies after it, redelivery
/// finds the events not yet applied and does it again, so an observer must be idempotent (keyed by something
/// deterministic) and never lose work. An exception fails the batch, which is retried.
/// </summary>
public interface IIngestionObserver
{
    /// <summary>Starts one write round of a batch (a compare-and-set conflict starts another, with fresh profiles).</summary>
    IIngestionRound BeginRound(DateTimeOffset now);

    /// <summary>Valid events from the catalog topic (keyed by product, not customer).</summary>
    Task OnCatalogEventsAsync(IReadOnlyList<ValidEvent> events, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>An observer's view of one write round.</summary>
public interface IIngestionRound
{
    /// <summary>An event took effect; <paramref name="profile"/> is as it is right after this event (later events of the batch not yet applied).</summary>
    /// <param name="profile">The customer's profile right after the event.</param>
    /// <param name="e">The event.</param>
    /// <param name="trace">The event's processing span, so what the observer produces for it continues the event's trace.</param>
    void OnApplied(CustomerProfile profile, ValidEvent e, System.Diagnostics.ActivityContext trace = default);

    /// <summary>The round's events are all applied; runs before the profiles are written.</summary>
    Task CompleteAsync(CancellationToken cancellationToken);
}
