using System.Text;

namespace NextBestAction.Training.History;

/// <summary>Hands every event of a source to a callback, in order, with a label saying where it came from.</summary>
internal static class HistoryReader
{
    /// <param name="source">A file or a topic.</param>
    /// <param name="kafka">Brokers for a topic; unused for a file.</param>
    /// <param name="step">Names the step in progress lines, e.g. "reading decisions".</param>
    /// <param name="onEvent">Called with the event's JSON and where it was read (file:line, or topic[partition]@offset).</param>
    /// <param name="output">Progress lines go here.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <returns>The number of events read.</returns>
    public static async Task<long> ReadAsync(
        HistorySource source, KafkaSettings? kafka, string step, Action<byte[], string> onEvent, TextWriter output, CancellationToken cancellationToken)
    {
        if (source.Topic is { } topic)
        {
            if (kafka is null || string.IsNullOrWhiteSpace(kafka.BootstrapServers))
            {
                throw new HistoryReadException($"{source}: --bootstrap is required to read from Kafka");
            }

            // The consumer's calls block; reading happens off the caller's thread.
            return await Task.Run(() => KafkaTopicReader.Read(topic, kafka, new Progress(output, step, "events"), onEvent, cancellationToken), cancellationToken);
        }

        return await ReadFileAsync(source.FilePath!, step, onEvent, output, cancellationToken);
    }

    private static async Task<long> ReadFileAsync(string path, string step, Action<byte[], string> onEvent, TextWriter output, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new HistoryReadException($"{path}: file not found");
        }

        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16, FileOptions.SequentialScan);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var progress = new Progress(output, step, "events", stream.Length);
        long line = 0, events = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } text)
        {
            line++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            onEvent(Encoding.UTF8.GetBytes(text), $"{path}:{line}");
            events++;
            progress.Report(events, stream.Position);
        }

        progress.Done(events, $"from {path}");
        return events;
    }
}
