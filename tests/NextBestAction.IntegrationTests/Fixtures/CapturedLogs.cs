using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace NextBestAction.IntegrationTests.Fixtures;

/// <summary>A logger provider that keeps every formatted message, for tests that read what a host logged.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<(string Category, string Message)> messages = new();

    public IReadOnlyList<(string Category, string Message)> Messages => [.. messages];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, messages);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<(string, string)> messages) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            messages.Enqueue((category, formatter(state, exception)));
    }
}
