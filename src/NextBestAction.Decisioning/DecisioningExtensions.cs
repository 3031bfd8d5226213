using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NextBestAction.Decisioning.Api;
using NextBestAction.Decisioning.Catalog;
using NextBestAction.Profiles.Kpis;
using NextBestAction.ServiceDefaults;

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
            return CatalogLoader.Load(ResolvePath(sp.GetRequiredService<IOptions<DecisionOptions>>().Value.CatalogPath));
        });
        builder.Services.LoadAtStartup<ActionCatalog>();

        builder.Services.AddOptions<KpiOptions>()
            .Bind(builder.Configuration.GetSection(KpiOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton(sp => KpiLibrary.Load(ResolvePath(sp.GetRequiredService<IOptions<KpiOptions>>().Value.DefinitionsPath)));
        builder.Services.LoadAtStartup<KpiLibrary>();
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
        app.MapKpiApi();
        return app;
    }

    /// <summary>Relative paths of data files are relative to the application directory, where the build puts them.</summary>
    private static string ResolvePath(string path) => Path.IsPathRooted(path) ? path : Path.Combine(AppContext.BaseDirectory, path);
}
