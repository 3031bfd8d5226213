namespace NextBestAction.Contracts;

/// <summary>Kafka topic names; every one can be overridden under <c>Kafka:Topics</c>.</summary>
public sealed class TopicNames
{
    public string Clickstream { get; set; } = "nba.clickstream";
    public string Orders { get; set; } = "nba.orders";
    public string Service { get; set; } = "nba.service";
    public string Catalog { get; set; } = "nba.catalog";
    public string Feedback { get; set; } = "nba.feedback";
    public string Consent { get; set; } = "nba.consent";
    public string Notifications { get; set; } = "nba.notifications";
    public string Decisions { get; set; } = "nba.decisions";
    public string DeadLetter { get; set; } = "nba.deadletter";

    public IReadOnlyList<string> Inputs => [Clickstream, Orders, Service, Catalog, Feedback, Consent];

    public IReadOnlyList<string> All => [.. Inputs, Notifications, Decisions, DeadLetter];
}
