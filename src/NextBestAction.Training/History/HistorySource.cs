namespace NextBestAction.Training.History;

/// <summary>Where logged events come from: a JSON-lines file (one CloudEvent per line) or a Kafka topic, <c>kafka:&lt;topic&gt;</c>.</summary>
internal sealed record HistorySource
{
    public const string KafkaPrefix = "kafka:";

    private HistorySource(string? filePath, string? topic)
    {
        FilePath = filePath;
        Topic = topic;
    }

    public string? FilePath { get; }

    public string? Topic { get; }

    public bool IsKafka => Topic is not null;

    /// <summary>Reads <c>kafka:nba.decisions</c> as a topic and anything else as a file path; null with a reason when unusable.</summary>
    public static HistorySource? TryParse(string? spec, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(spec))
        {
            error = "a file path or kafka:<topic> is required";
            return null;
        }

        if (spec.StartsWith(KafkaPrefix, StringComparison.OrdinalIgnoreCase))
        {
            var topic = spec[KafkaPrefix.Length..];
            if (string.IsNullOrWhiteSpace(topic))
            {
                error = $"\"{spec}\" names no topic; write kafka:<topic>, e.g. kafka:nba.decisions";
                return null;
            }

            return new HistorySource(null, topic);
        }

        return new HistorySource(spec, null);
    }

    public override string ToString() => Topic is not null ? $"{KafkaPrefix}{Topic}" : FilePath!;
}
