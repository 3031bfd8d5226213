namespace NextBestAction.Training.History;

/// <summary>A source of logged events could not be read (file missing, topic unknown, broker unreachable).</summary>
internal sealed class HistoryReadException : Exception
{
    public HistoryReadException()
    {
    }

    public HistoryReadException(string message)
        : base(message)
    {
    }

    public HistoryReadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
