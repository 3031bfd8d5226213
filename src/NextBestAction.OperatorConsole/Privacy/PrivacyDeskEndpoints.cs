using System.Text.Json;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using NextBestAction.Contracts;
using NextBestAction.Decisioning.Api;
using NextBestAction.Decisioning.Privacy;
using NextBestAction.OperatorConsole.Auth;
using NextBestAction.ServiceDefaults.Auth;
using StackExchange.Redis;

namespace NextBestAction.OperatorConsole.Privacy;

/// <summary>
/// The privacy desk's services, and its export: a form post answered with the export document as a file, which a
/// Razor component cannot return. It reads through the same <see cref="CustomerExport"/> as
/// <c>GET /v1/customers/{id}/export</c> and is recorded in the personal-data audit like that route.
/// </summary>
public static class PrivacyDeskEndpoints
{
    public const string PagePath = "/console/privacy";
    public const string ExportPath = "/console/privacy/export";
    public const string Policy = ConsoleAuthentication.PolicyPrefix + Scopes.Privacy;

    /// <summary>The export form's field; the id travels in the body, never in the URL.</summary>
    public const string CustomerIdField = "customerId";

    /// <summary>Why an export was not made, in the page's query string (<c>?export=</c>): no customer id in it.</summary>
    public const string InvalidId = "invalid-id";
    public const string Unavailable = "unavailable";

    public static IServiceCollection AddPrivacyDesk(this IServiceCollection services)
    {
        services.AddSingleton<PrivacyDesk>();
        return services;
    }

    public static IEndpointRouteBuilder MapPrivacyDesk(this IEndpointRouteBuilder app)
    {
        app.MapPost(ExportPath, ExportAsync)
            .RequireAuthorization(Policy)
            .WithMetadata(new RequireAntiforgeryTokenAttribute())
            .ExcludeFromDescription();
        return app;
    }

    /// <summary>The file name of an export: its privacy request's id, never the customer id (downloads folders and proxies keep names).</summary>
    public static string FileName(string requestId) => $"customer-export-{requestId}.json";

    private static async Task<Results<FileContentHttpResult, RedirectHttpResult, ProblemHttpResult>> ExportAsync(
        HttpContext context, AccessRequests access, PersonalDataAudit personalData, ConsoleAudit audit)
    {
        if (context.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: false })
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid form",
                detail: "The form carried no valid antiforgery token; reload the console and try again.");
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var customerId = form[CustomerIdField].ToString().Trim();
        if (!Identifiers.IsValid(customerId))
        {
            return TypedResults.Redirect($"{PagePath}?export={InvalidId}");
        }

        var who = context.User.Identity?.Name ?? "";
        try
        {
            await personalData.RecordAsync(context, customerId, PersonalDataAudit.Export);
            var (document, receipt) = await access.ExportAsync(customerId, who);
            audit.Record(who, PrivacyDesk.ExportedAudit, $"request {receipt.RequestId}, {(document.HoldsAnything ? "data held" : "nothing held")}");
            return TypedResults.File(JsonSerializer.SerializeToUtf8Bytes(document, DecisionJsonContext.Default.CustomerExportDocument),
                "application/json", FileName(receipt.RequestId));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            audit.Record(who, PrivacyDesk.ExportedAudit, "export not made: Redis unreachable");
            return TypedResults.Redirect($"{PagePath}?export={Unavailable}");
        }
    }
}
