using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using NextBestAction.Contracts;
using NextBestAction.Decisioning.Privacy;
using NextBestAction.Profiles.Privacy;
using NextBestAction.ServiceDefaults.Auth;
using StackExchange.Redis;

namespace NextBestAction.Decisioning.Api;

/// <summary>The privacy desk's routes: erasure (GDPR Art. 17) and the receipts of privacy requests.</summary>
public static class PrivacyApi
{
    /// <summary>The response header that names an export's privacy request (its receipt).</summary>
    public const string RequestIdHeader = "X-Privacy-Request-Id";

    public static IEndpointRouteBuilder MapPrivacyApi(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1");

        v1.MapDelete("/customers/{customerId}", EraseAsync)
            .WithName("EraseCustomer")
            .WithSummary("Erase everything held about a customer (GDPR Art. 17) and return the receipt; erasing again is harmless")
            .Produces<PrivacyReceipt>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .RequireScope(Scopes.Privacy);

        v1.MapGet("/customers/{customerId}/export", ExportAsync)
            .WithName("ExportCustomer")
            .WithSummary("Everything held about a customer (GDPR Art. 15 and 20): profile, temporary data, contact history, decisions, notifications")
            .Produces<CustomerExportDocument>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .RequireScope(Scopes.Privacy);

        v1.MapPut("/customers/{customerId}/consent", ChangeConsentAsync)
            .WithName("ChangeConsent")
            .WithSummary("Record consent given or withdrawn (GDPR Art. 7), with where it was collected and the consent text's version")
            .Accepts<ConsentRequest>("application/json")
            .Produces<ConsentAccepted>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .RequireScope(Scopes.Consent);

        v1.MapPut("/customers/{customerId}/restriction", RestrictAsync)
            .WithName("RestrictProcessing")
            .WithSummary("Restrict processing of a customer's data, or lift the restriction (GDPR Art. 18): the data is kept but used for nothing")
            .Accepts<RestrictionRequest>("application/json")
            .Produces<ConsentAccepted>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .RequireScope(Scopes.Privacy);

        v1.MapGet("/privacy/requests/{requestId}", GetReceiptAsync)
            .WithName("GetPrivacyReceipt")
            .WithSummary("The receipt of a privacy request: what was done, per store, without the customer id")
            .Produces<PrivacyReceipt>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequireScope(Scopes.Privacy);

        return app;
    }

    private static async Task<Results<Ok<PrivacyReceipt>, ProblemHttpResult>> EraseAsync(string customerId, HttpContext context, ErasureService erasures)
    {
        if (!Identifiers.IsValid(customerId))
        {
            return CustomerProblems.InvalidCustomerId();
        }

        try
        {
            return TypedResults.Ok(await erasures.EraseAsync(customerId, context.User.Identity?.Name));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return TypedResults.Problem(title: "Erasure not completed",
                detail: "Redis could not be reached while erasing. Part of the data may be gone already; repeat the request, which is safe.",
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        catch (Confluent.Kafka.KafkaException)
        {
            return TypedResults.Problem(title: "Erasure not announced",
                detail: "The data was erased, but the customer.erased event could not be written to Kafka. Repeat the request: it erases nothing more and announces again.",
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    private static Task<Results<Accepted<ConsentAccepted>, ValidationProblem, ProblemHttpResult>> ChangeConsentAsync(
        string customerId, HttpRequest httpRequest, ConsentService consent, CancellationToken cancellationToken) =>
        SendConsentStatementAsync(customerId, httpRequest, DecisionJsonContext.Default.ConsentRequest, "consent change", ConsentService.Validate,
            consent.ChangeAsync, cancellationToken);

    private static Task<Results<Accepted<ConsentAccepted>, ValidationProblem, ProblemHttpResult>> RestrictAsync(
        string customerId, HttpRequest httpRequest, ConsentService consent, CancellationToken cancellationToken) =>
        SendConsentStatementAsync(customerId, httpRequest, DecisionJsonContext.Default.RestrictionRequest, "restriction", ConsentService.Validate,
            consent.RestrictAsync, cancellationToken);

    /// <summary>
    /// Reads and checks a consent statement (a consent change or a restriction), then sends it to the consent topic
    /// with the API key's name as its sender: 202, or a problem saying what is wrong.
    /// </summary>
    private static async Task<Results<Accepted<ConsentAccepted>, ValidationProblem, ProblemHttpResult>> SendConsentStatementAsync<TRequest>(
        string customerId,
        HttpRequest httpRequest,
        JsonTypeInfo<TRequest> typeInfo,
        string what,
        Func<TRequest, Dictionary<string, string[]>> validate,
        Func<string, TRequest, string, CancellationToken, Task<ConsentAccepted>> send,
        CancellationToken cancellationToken)
        where TRequest : class
    {
        if (!Identifiers.IsValid(customerId))
        {
            return CustomerProblems.InvalidCustomerId();
        }

        var body = await JsonRequestBody.ReadAsync(httpRequest, typeInfo, what, cancellationToken);
        if (!body.IsRead)
        {
            return body.Problem;
        }

        var errors = validate(body.Value);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: $"Invalid {what}");
        }

        try
        {
            var sender = httpRequest.HttpContext.User.Identity?.Name ?? "unknown";
            return TypedResults.Accepted((string?)null, await send(customerId, body.Value, sender, cancellationToken));
        }
        catch (Confluent.Kafka.KafkaException)
        {
            return TypedResults.Problem(title: $"The {what} was not recorded",
                detail: "Kafka could not take the change right now; nothing was recorded. Retry later.", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    /// <summary>
    /// 200 with <c>holdsAnything: false</c> for a customer of whom nothing is held: that is the answer the person asked for.
    /// Each export is receipted; the receipt's id is in the <see cref="RequestIdHeader"/> header.
    /// </summary>
    private static async Task<Results<Ok<CustomerExportDocument>, ProblemHttpResult>> ExportAsync(
        string customerId, HttpContext context, AccessRequests access, PersonalDataAudit audit)
    {
        if (!Identifiers.IsValid(customerId))
        {
            return CustomerProblems.InvalidCustomerId();
        }

        await audit.RecordAsync(context, customerId, PersonalDataAudit.Export);
        var (document, receipt) = await access.ExportAsync(customerId, context.User.Identity?.Name);
        context.Response.Headers[RequestIdHeader] = receipt.RequestId;
        return TypedResults.Ok(document);
    }

    private static async Task<Results<Ok<PrivacyReceipt>, ProblemHttpResult>> GetReceiptAsync(string requestId, PrivacyReceipts receipts)
    {
        if (!PrivacyReceipt.IsRequestId(requestId))
        {
            return TypedResults.Problem(title: "Invalid request id", detail: "requestId must be the 32 hexadecimal characters a privacy request returned.",
                statusCode: StatusCodes.Status400BadRequest);
        }

        return await receipts.GetAsync(requestId) is { } receipt
            ? TypedResults.Ok(receipt)
            : TypedResults.Problem(title: "Unknown privacy request", detail: "No receipt is kept for this request id (unknown, or past its retention).",
                statusCode: StatusCodes.Status404NotFound);
    }
}
