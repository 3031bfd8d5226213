using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using NextBestAction.Contracts;
using NextBestAction.Decisioning.Engine;
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
            .RequireScope(Scopes.Decide);

        v1.MapGet("/customers/{customerId}/profile", GetProfileAsync)
            .WithName("GetProfile")
            .WithSummary("The stored profile of a customer, as decisions see it: permanent data and unexpired temporary data")
            .RequireScope(Scopes.ProfileRead);

        return app;
    }

    /// <summary>The body is read by hand so a malformed request gets a problem response that says what is wrong.</summary>
    private static async Task<Results<Ok<DecisionResponse>, ValidationProblem, ProblemHttpResult>> DecideAsync(
        HttpRequest httpRequest, DecisionService decisions, CancellationToken cancellationToken)
    {
        DecisionRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync(httpRequest.Body, DecisionJsonContext.Default.DecisionRequest, cancellationToken);
        }
        catch (JsonException ex)
        {
            return TypedResults.Problem(
                title: "Malformed decision request",
                detail: $"The body is not a valid decision request: {ex.Message}",
                statusCode: StatusCodes.Status400BadRequest);
        }

        if (request is null)
        {
            return TypedResults.Problem(title: "Malformed decision request", detail: "The body must be a JSON object.",
                statusCode: StatusCodes.Status400BadRequest);
        }

        var errors = DecisionRequestValidator.Validate(request);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "Invalid decision request");
        }

        return TypedResults.Ok(await decisions.DecideAsync(request, cancellationToken));
    }

    private static async Task<Results<Ok<ProfileResponse>, ProblemHttpResult>> GetProfileAsync(string customerId, RedisProfileStore profiles, TimeProvider clock)
    {
        if (!Identifiers.IsValid(customerId))
        {
            return CustomerProblems.InvalidCustomerId();
        }

        var profile = await profiles.GetAsync(customerId, clock.GetUtcNow());
        return profile is null
            ? CustomerProblems.UnknownCustomer()
            : TypedResults.Ok(new ProfileResponse(profile, profile.Temporary));
    }
}

/// <summary>The profile as decisions see it, with the temporary data (which expires) shown apart.</summary>
public sealed record ProfileResponse(CustomerProfile Profile, TemporaryData Temporary);
