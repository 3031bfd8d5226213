using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using NextBestAction.Contracts;
using NextBestAction.Profiles;
using NextBestAction.Profiles.Kpis;
using NextBestAction.ServiceDefaults.Auth;

namespace NextBestAction.Decisioning.Api;

/// <summary>The KPI library with current values, in aggregate and per customer.</summary>
public static class KpiApi
{
    public static IEndpointRouteBuilder MapKpiApi(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1");

        v1.MapGet("/kpis", GetKpisAsync)
            .WithName("GetKpis")
            .WithSummary("Every KPI of the library (definition, goal, interpretation, owner) with its current value")
            .RequireScope(Scopes.ProfileRead);

        v1.MapGet("/customers/{customerId}/kpis", GetCustomerKpisAsync)
            .WithName("GetCustomerKpis")
            .WithSummary("The KPI library's values for one customer")
            .RequireScope(Scopes.ProfileRead);

        return app;
    }

    private static async Task<Ok<KpiReport>> GetKpisAsync(KpiLibrary library, RedisKpiStore kpis, IOptions<ProfileRules> rules, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        var window = rules.Value.EngagedWindow;
        var totals = await kpis.ReadAsync(KpiReports.Days(now, window));
        return TypedResults.Ok(KpiReports.Aggregate(library, totals, now, window));
    }

    private static async Task<Results<Ok<KpiReport>, ProblemHttpResult>> GetCustomerKpisAsync(
        string customerId, KpiLibrary library, RedisProfileStore profiles, IOptions<ProfileRules> rules, TimeProvider clock)
    {
        if (!Identifiers.IsValid(customerId))
        {
            return CustomerProblems.InvalidCustomerId();
        }

        var now = clock.GetUtcNow();
        var profile = await profiles.GetAsync(customerId, now);
        return profile is null
            ? CustomerProblems.UnknownCustomer()
            : TypedResults.Ok(KpiReports.ForCustomer(library, profile, now, rules.Value));
    }
}
