using System.Diagnostics;
using NextBestAction.Contracts;
using NextBestAction.Profiles;

namespace NextBestAction.Ingestion;

/// <summary>
/// Work that rides on the ingestion path (for example KPI counting and notification triggers). Everything happens
/// before the batch's offsets are stored, and a round's work before its profiles are written: if the process dies
/// after it, redelivery finds the events not yet applied and does it again, so an observer must be idempotent (keyed
/// by something deterministic) and never lose work. An exception fails the batch, which is retried. Observers run in
/// the order they were registered.
/// </summary>
public interface IIngestionObserver
{
    /// <summary>Starts one write round of a batch, before its profiles are read.</summary>
    IIngestionRound BeginRound(WriteRound round);

    /// <summary>Valid events from the catalog topic (keyed by product, not customer).</summary>
    Task OnCatalogEventsAsync(IReadOnlyList<ValidEvent> events, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>One write round of a batch.</summary>
/// <param name="Now">The clock reading the whole batch is handled at.</param>
/// <param name="Number">1 for the first round; a compare-and-set conflict starts the next one, with fresh profiles of the customers that conflicted.</param>
/// <param name="Messages">The messages whose events this round applies.</param>
public sealed record WriteRound(DateTimeOffset Now, int Number, IReadOnlyList<IncomingMessage> Messages);

/// <summary>An observer's view of one write round. Per event: <see cref="OnApplying"/>, <see cref="OnApplied"/> when it took effect, then <see cref="OnHandled"/>.</summary>
public interface IIngestionRound
{
    /// <summary>An event of the round is about to be applied (whatever its outcome will be); <paramref name="profile"/> is as it is before it.</summary>
    void OnApplying(CustomerProfile profile, IncomingMessage message, ValidEvent e)
    {
    }

    /// <summary>An event took effect; <paramref name="profile"/> is as it is right after this event (later events of the batch not yet applied).</summary>
    /// <param name="profile">The customer's profile right after the event.</param>
    /// <param name="e">The event.</param>
    /// <param name="trace">The event's processing span, so what the observer produces for it continues the event's trace.</param>
    void OnApplied(CustomerProfile profile, ValidEvent e, ActivityContext trace = default);

    /// <summary>The updater is done with an event, whatever the outcome; <paramref name="profile"/> is as it is right after it.</summary>
    void OnHandled(CustomerProfile profile, IncomingMessage message, ValidEvent e, ApplyOutcome outcome)
    {
    }

    /// <summary>The round's events are all applied; runs before the profiles are written.</summary>
    Task CompleteAsync(CancellationToken cancellationToken);
}
