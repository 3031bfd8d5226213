using Microsoft.Extensions.Logging;

namespace NextBestAction.OperatorConsole.Auth;

/// <summary>
/// The audit log of the console: every sign-in, refusal, sign-out and (as screens that change things arrive) every
/// change, one log line under <see cref="Category"/> with who (the API key's name, never the key), what and when.
/// Operators ship that category to an append-only store, as they do the personal-data audit.
/// </summary>
public sealed partial class ConsoleAudit(ILoggerFactory loggers, TimeProvider time)
{
    public const string Category = "NextBestAction.Audit.Console";

    /// <summary>Who a sign-in with a key that matches no configured key is recorded as.</summary>
    public const string UnknownKey = "(unknown key)";

    public const string SignedIn = "sign-in";
    public const string SignInRefused = "sign-in-refused";
    public const string SignedOut = "sign-out";

    private readonly ILogger logger = loggers.CreateLogger(Category);

    /// <summary>Records that <paramref name="who"/> did <paramref name="what"/>; <paramref name="detail"/> must hold no personal data.</summary>
    public void Record(string who, string what, string detail)
    {
        var at = time.GetUtcNow();
        LogAction(logger, who, what, detail, at);
    }

    [LoggerMessage(EventId = 9101, Level = LogLevel.Information, Message = "Console: {Who} {What} ({Detail}) at {At:O}")]
    private static partial void LogAction(ILogger logger, string who, string what, string detail, DateTimeOffset at);
}
