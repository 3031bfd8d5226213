using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using NextBestAction.Profiles;
using NextBestAction.ServiceDefaults;
using NextBestAction.ServiceDefaults.Auth;

namespace NextBestAction.Decisioning;

/// <summary>
/// The decision API host's services and request pipeline, in one place so the DecisionApi host and the
/// <c>decide</c> benchmark run exactly the same service.
/// </summary>
public static class DecisionApiHosting
{
    /// <summary>Service defaults, the profile store, API-key authentication and decisioning.</summary>
    public static IHostApplicationBuilder AddDecisionApiServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDefaults();
        builder.AddProfileStore();
        builder.AddApiKeyAuthentication();
        builder.AddDecisioning();
        return builder;
    }

    /// <summary>Problem responses, the authenticated <c>/v1</c> routes and OpenAPI, health and metrics.</summary>
    public static WebApplication UseDecisionApiPipeline(this WebApplication app)
    {
        app.UseServiceDefaults();
        app.UseDecisionApi();
        app.MapDefaultEndpoints();
        return app;
    }
}
