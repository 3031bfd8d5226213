using System.Text;
using NextBestAction.Contracts;

namespace NextBestAction.Ingestion;

/// <summary>A valid event and the message it came in.</summary>
public readonly record struct CustomerEvent(IncomingMessage Message, ValidEvent Event);

/// <summary>A batch sorted by what happens to each message next.</summary>
public sealed class TriagedBatch
{
    /// <summary>Messages for the dead-letter topic, with the reason and, when it could be read, the event type.</summary>
    public List<(IncomingMessage Message, string Reason, string? Type)> Rejected { get; } = [];

    /// <summary>Well-formed events of a type this service does not know; skipped.</summary>
    public int UnknownTypes { get; set; }

    /// <summary>Valid events from the catalog topic: keyed by product, they change no profile.</summary>
    public List<ValidEvent> CatalogEvents { get; } = [];

    /// <summary>Valid events from the privacy topic: erasure requests, and the service's own erasure announcements.</summary>
    public List<ValidEvent> PrivacyEvents { get; } = [];

    /// <summary>Valid customer events by customer id, each customer's in batch order.</summary>
    public Dictionary<string, List<CustomerEvent>> ByCustomer { get; } = new(StringComparer.Ordinal);
}

/// <summary>
/// Validates every message of a batch and sorts it: dead letter, unknown type, catalog event, privacy event or a customer's event.
/// Pure: the clock reading, limits and topic names are passed in.
/// </summary>
public static class BatchTriage
{
    public static TriagedBatch Sort(IReadOnlyList<IncomingMessage> batch, DateTimeOffset now, EventLimits limits, TopicNames topics)
    {
        var triaged = new TriagedBatch();
        foreach (var message in batch)
        {
            var read = EventReader.Read(message.Value, now, limits);
            switch (read.Outcome)
            {
                case ReadOutcome.Invalid:
                    triaged.Rejected.Add((message, read.Reason!, read.Type));
                    break;
                case ReadOutcome.UnknownType:
                    // Counted under one label: producers' free-form type names must not explode metric cardinality.
                    triaged.UnknownTypes++;
                    break;
                default:
                    Place(triaged, message, read.Event!, topics);
                    break;
            }
        }

        return triaged;
    }

    private static void Place(TriagedBatch triaged, IncomingMessage message, ValidEvent e, TopicNames topics)
    {
        var key = message.Key is null ? null : Encoding.UTF8.GetString(message.Key);
        if (topics.InputFor(e.Type) is { } expectedTopic && expectedTopic != message.Topic)
        {
            triaged.Rejected.Add((message, $"{e.Type} events belong on {expectedTopic}, not on {message.Topic}", e.Type));
        }
        else if (key is not null && key != e.Subject)
        {
            // One writer per customer relies on the key being the subject; a mismatch would race.
            triaged.Rejected.Add((message, "message key must equal the event subject (the customer or product id)", e.Type));
        }
        else if (message.Topic == topics.Catalog)
        {
            triaged.CatalogEvents.Add(e);
        }
        else if (message.Topic == topics.Privacy)
        {
            triaged.PrivacyEvents.Add(e);
        }
        else
        {
            if (!triaged.ByCustomer.TryGetValue(e.Subject, out var events))
            {
                triaged.ByCustomer[e.Subject] = events = [];
            }

            events.Add(new CustomerEvent(message, e));
        }
    }
}
