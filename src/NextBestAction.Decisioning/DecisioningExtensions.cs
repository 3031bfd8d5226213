using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NextBestAction.Decisioning.Api;
using NextBestAction.Decisioning.Catalog;

namespace NextBestAction.Decisioning;

public static class DecisioningExtensions
{
    /// <summary>Registers the decision service and loads the action catalog (a bad catalog fails start-up).</summary>
    public static IHostApplicationBuilder AddDecisioning(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DecisionOptions>()
            .Bind(builder.Configuration.GetSection(DecisionOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddSingleton(sp =>
        {
            var path = sp.GetRequiredService<IOptions<DecisionOptions>>().Value.CatalogPath;
            return CatalogLoader.Load(Path.IsPathRooted(path) ? path : Path.Combine(AppContext.BaseDirectory, path));
        });
        // Resolving the catalog while the host starts turns a bad catalog file into a start-up failure.
        builder.Services.AddHostedService<CatalogStartupLoader>();
        builder.Services.AddSingleton<DecisionService>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.Configure<JsonOptions>(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, DecisionJsonContext.Default));
        builder.Services.AddOpenApi();
        return builder;
    }

    /// <summary>API-key authentication, the OpenAPI document and the <c>/v1</c> routes.</summary>
    public static WebApplication UseDecisionApi(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapOpenApi();
        app.MapDecisionApi();
        return app;
    }
}

/// <summary>Loads the catalog during start-up so its validation errors stop the host before it serves.</summary>
internal sealed class CatalogStartupLoader(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = services.GetRequiredService<ActionCatalog>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
