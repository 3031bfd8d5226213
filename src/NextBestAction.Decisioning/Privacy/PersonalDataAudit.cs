using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using NextBestAction.Profiles.Privacy;

namespace NextBestAction.Decisioning.Privacy;

/// <summary>
/// The audit log of personal-data reads (GDPR Art. 5(2), 30): every profile view, export, decision audit and debug
/// decision is written as one log line under the category <see cref="Category"/>, naming what was read, by which API
/// key, through which route, and the customer as subject hash only. The data itself is never written. Operators ship
/// that category to an append-only store with its own retention.
/// </summary>
public sealed partial class PersonalDataAudit(SubjectHasher hasher, ILoggerFactory loggers)
{
    public const string Category = "NextBestAction.Audit.PersonalData";

    /// <summary>What can be read.</summary>
    public const string Profile = "profile";
    public const string Export = "export";
    public const string DecisionAudit = "decision";
    public const string DebugDecision = "debug-decision";

    private readonly ILogger logger = loggers.CreateLogger(Category);

    public async Task RecordAsync(HttpContext context, string customerId, string what)
    {
        ArgumentNullException.ThrowIfNull(context);
        var subject = await hasher.HashAsync(customerId);
        var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "";
        LogRead(logger, what, subject, context.User.Identity?.Name ?? "", context.Request.Method, route, context.TraceIdentifier);
    }

    [LoggerMessage(EventId = 9001, Level = LogLevel.Information,
        Message = "Personal data read: {What} of subject {Subject} by API key {KeyName} via {Method} {Route} (request {RequestId})")]
    private static partial void LogRead(ILogger logger, string what, string subject, string keyName, string method, string route, string requestId);
}
