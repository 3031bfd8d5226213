using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace NextBestAction.ServiceDefaults;

/// <summary>
/// A request the server refuses while reading it (a body over the size limit, a truncated or malformed body) is the
/// client's error: it is answered with its own status (413, 400) as a problem response and logged at information level,
/// not as a 500 with an error and a stack trace. Handled here, ASP.NET Core records no <c>error.type</c> for it either.
/// </summary>
internal sealed partial class ClientErrorExceptionHandler(IProblemDetailsService problems, ILogger<ClientErrorExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException refused)
        {
            return false;
        }

        var tooLarge = refused.StatusCode == StatusCodes.Status413PayloadTooLarge;
        var limit = httpContext.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize ?? ServiceDefaultsExtensions.MaxRequestBodyBytes;
        var detail = tooLarge
            ? $"The body may hold at most {limit} bytes ({limit / 1024} KiB)."
            : "The request body could not be read; send it again complete.";
        // The route pattern, not the path: a path may hold a customer id.
        var route = (httpContext.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(no route)";
        LogRefused(logger, httpContext.Request.Method, route, refused.StatusCode, detail);

        httpContext.Response.StatusCode = refused.StatusCode;
        await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = new ProblemDetails
            {
                Status = refused.StatusCode,
                Title = tooLarge ? "Request body too large" : "Unreadable request body",
                Detail = detail,
            },
        });
        return true;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Refused a {Method} request to {Route} with {StatusCode}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string method, string route, int statusCode, string reason);
}
