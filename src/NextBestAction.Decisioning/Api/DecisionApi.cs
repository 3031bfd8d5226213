using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using NextBestAction.Contracts;
using NextBestAction.Decisioning.Catalog;
using NextBestAction.Decisioning.Engine;
using NextBestAction.Decisioning.Privacy;
using NextBestAction.Decisioning.Serving;
using NextBestAction.Profiles;
using NextBestAction.ServiceDefaults.Auth;

namespace NextBestAction.Decisioning.Api;

public static class DecisionApi
{
    public static IEndpointRouteBuilder MapDecisionApi(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1");

        v1.MapPost("/decisions", DecideAsync)
            .WithName("Decide")
            .WithSummary("Pick the next best action for a customer at a touch point")
            .Accepts<DecisionRequest>("application/json")
            .Produces<DecisionResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .RequireScope(Scopes.Decide);

        v1.MapPost("/decisions/{decisionId}/outcome", RecordOutcomeAsync)
            .WithName("RecordOutcome")
            .WithSummary("Record what the customer did with an action of a decision: accepted, declined or ignored")
            .Accepts<OutcomeRequest>("application/json")
            .Produces<OutcomeResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .RequireScope(Scopes.Feedback);

        v1.MapGet("/decisions/{decisionId}", GetDecisionAsync)
            .WithName("GetDecision")
            .WithSummary("A served decision with its explanation and outcomes (GDPR Art. 22), for the service desk; kept for the outcome window")
            .Produces<DecisionAuditResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequireScope(Scopes.ProfileRead);

        v1.MapGet("/customers/{customerId}/profile", GetProfileAsync)
            .WithName("GetProfile")
            .WithSummary("The stored profile of a customer, as decisions see it: permanent data and unexpired temporary data")
            .RequireScope(Scopes.ProfileRead);

        return app;
    }

    /// <summary>The body is read by hand so a malformed request gets a problem response that says what is wrong.</summary>
    private static async Task<Results<Ok<DecisionResponse>, ValidationProblem, ProblemHttpResult>> DecideAsync(
        HttpRequest httpRequest, DecisionService decisions, CatalogProvider catalogs, PersonalDataAudit audit, CancellationToken cancellationToken)
    {
        var body = await JsonRequestBody.ReadAsync(httpRequest, DecisionJsonContext.Default.DecisionRequest, "decision request", cancellationToken);
        if (!body.IsRead)
        {
            return body.Problem;
        }

        var request = body.Value;
        if (request.Debug == true && !httpRequest.HttpContext.User.HasClaim(ApiKeyAuthenticationHandler.ScopeClaim, Scopes.DecideDebug))
        {
            return TypedResults.Problem(title: "Debug not allowed",
                detail: $"A debug answer shows what the profile holds; it needs an API key with the {Scopes.DecideDebug} scope.",
                statusCode: StatusCodes.Status403Forbidden);
        }

        var errors = DecisionRequestValidator.Validate(request, catalogs.Current);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "Invalid decision request");
        }

        if (request.Debug == true)
        {
            await audit.RecordAsync(httpRequest.HttpContext, request.CustomerId!, PersonalDataAudit.DebugDecision);
        }

        return TypedResults.Ok(await decisions.DecideAsync(request, cancellationToken));
    }

    private static async Task<Results<Ok<OutcomeResponse>, ValidationProblem, ProblemHttpResult>> RecordOutcomeAsync(
        string decisionId, HttpRequest httpRequest, OutcomeService outcomes, CancellationToken cancellationToken)
    {
        var body = await JsonRequestBody.ReadAsync(httpRequest, DecisionJsonContext.Default.OutcomeRequest, "outcome", cancellationToken);
        if (!body.IsRead)
        {
            return body.Problem;
        }

        var request = body.Value;
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!Identifiers.IsValid(decisionId))
        {
            errors["decisionId"] = [$"decisionId must be {Identifiers.Rule}"];
        }

        if (!Identifiers.IsValid(request.ActionId))
        {
            errors["actionId"] = [$"actionId is required: {Identifiers.Rule}"];
        }

        if (!OutcomeService.All.Contains(request.Outcome))
        {
            errors["outcome"] = [$"outcome must be one of {string.Join(", ", OutcomeService.All)}"];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "Invalid outcome");
        }

        var (actionId, outcome) = (request.ActionId!, request.Outcome!);
        OutcomeResult result;
        try
        {
            result = await outcomes.RecordAsync(decisionId, actionId, outcome, cancellationToken);
        }
        catch (Exception ex) when (ex is Confluent.Kafka.KafkaException or StackExchange.Redis.RedisException or TimeoutException)
        {
            return TypedResults.Problem(title: "Outcome not recorded",
                detail: "The outcome could not be stored right now; nothing was recorded. Retry later.", statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        return result switch
        {
            OutcomeResult.Recorded => TypedResults.Ok(new OutcomeResponse(decisionId, actionId, outcome, AlreadyRecorded: false)),
            OutcomeResult.AlreadyRecorded => TypedResults.Ok(new OutcomeResponse(decisionId, actionId, outcome, AlreadyRecorded: true)),
            OutcomeResult.UnknownDecision => TypedResults.Problem(title: "Unknown decision",
                detail: "No decision with this id was served within the outcome window.", statusCode: StatusCodes.Status404NotFound),
            OutcomeResult.ActionNotInDecision => TypedResults.Problem(title: "Action not in decision",
                detail: $"Action \"{actionId}\" was not among the actions of this decision.", statusCode: StatusCodes.Status422UnprocessableEntity),
            _ => TypedResults.Problem(title: "Outcome already recorded",
                detail: "A different outcome was already recorded for this action of the decision.", statusCode: StatusCodes.Status409Conflict),
        };
    }

    private static async Task<Results<Ok<DecisionAuditResponse>, ProblemHttpResult>> GetDecisionAsync(
        string decisionId, HttpContext context, DecisionRecordStore records, PersonalDataAudit audit)
    {
        if (!Identifiers.IsValid(decisionId))
        {
            return TypedResults.Problem(title: "Invalid decision id", detail: $"decisionId must be {Identifiers.Rule}.", statusCode: StatusCodes.Status400BadRequest);
        }

        if (await records.GetAuditedAsync(decisionId) is not { } audited)
        {
            return TypedResults.Problem(title: "Unknown decision",
                detail: "No decision with this id was served within the outcome window (Decisions:OutcomeWindowHours).", statusCode: StatusCodes.Status404NotFound);
        }

        var record = audited.Record;
        await audit.RecordAsync(context, record.CustomerId, PersonalDataAudit.DecisionAudit);
        return TypedResults.Ok(new DecisionAuditResponse(record.DecisionId, record.CustomerId, record.At, record.Touchpoint, record.ActionIds,
            audited.Explanation, audited.Outcomes));
    }

    private static async Task<Results<Ok<ProfileResponse>, ProblemHttpResult>> GetProfileAsync(
        string customerId, HttpContext context, RedisProfileStore profiles, PersonalDataAudit audit, TimeProvider clock)
    {
        if (!Identifiers.IsValid(customerId))
        {
            return CustomerProblems.InvalidCustomerId();
        }

        await audit.RecordAsync(context, customerId, PersonalDataAudit.Profile);
        var profile = await profiles.GetAsync(customerId, clock.GetUtcNow());
        return profile is null
            ? CustomerProblems.UnknownCustomer()
            : TypedResults.Ok(new ProfileResponse(profile, profile.Temporary));
    }
}

/// <summary>
/// A served decision for the service desk: whose, when, where, the actions shown, why (<paramref name="Explanation"/>:
/// reasons, feature contributions, arbitration, versions; null for decisions made by release 1) and what the customer did.
/// </summary>
public sealed record DecisionAuditResponse(
    string DecisionId,
    string CustomerId,
    DateTimeOffset At,
    string Touchpoint,
    IReadOnlyList<string> ActionIds,
    DecisionExplanation? Explanation,
    IReadOnlyDictionary<string, string> Outcomes);

/// <summary>The profile as decisions see it, with the temporary data (which expires) shown apart.</summary>
public sealed record ProfileResponse(CustomerProfile Profile, TemporaryData Temporary);
