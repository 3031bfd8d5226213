using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using NextBestAction.Contracts;

namespace NextBestAction.Decisioning.Api;

/// <summary>The problem responses every per-customer route gives, worded once.</summary>
internal static class CustomerProblems
{
    public static ProblemHttpResult InvalidCustomerId() =>
        TypedResults.Problem(title: "Invalid customer id", detail: $"customerId must be {Identifiers.Rule}.", statusCode: StatusCodes.Status400BadRequest);

    public static ProblemHttpResult UnknownCustomer() =>
        TypedResults.Problem(title: "Unknown customer", detail: "No profile is stored for this customer.", statusCode: StatusCodes.Status404NotFound);
}
