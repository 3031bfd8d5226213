using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using NextBestAction.OperatorConsole.Auth;
using NextBestAction.OperatorConsole.Catalog;
using NextBestAction.OperatorConsole.Components;
using NextBestAction.OperatorConsole.Customers;
using NextBestAction.OperatorConsole.Kpis;
using NextBestAction.OperatorConsole.Metrics;
using NextBestAction.OperatorConsole.Models;
using NextBestAction.OperatorConsole.Offers;
using NextBestAction.OperatorConsole.Privacy;

namespace NextBestAction.OperatorConsole;

public static class ConsoleExtensions
{
    /// <summary>Where the console is served; the start-up banner prints it.</summary>
    public const string Path = "/console";

    /// <summary>
    /// The console's pages, its cookie scheme and policies, the audit log, the metrics sampler, the KPI board and its
    /// engaged-customers sampler. Needs API-key
    /// authentication registered first (the sign-in form looks keys up in the same directory), and the KPI library and
    /// KPI store of the decision services (the KPI page reads them in process).
    /// </summary>
    public static WebApplicationBuilder AddOperatorConsole(this WebApplicationBuilder builder)
    {
        // MudBlazor's stylesheet from its package when run from source in any environment (dotnet run is Production
        // here, having no launch profile); a published host serves it from wwwroot, where this finds nothing to add.
        builder.WebHost.UseStaticWebAssets();
        builder.Services.AddOptions<ConsoleOptions>()
            .Bind(builder.Configuration.GetSection(ConsoleOptions.Section))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ConsoleOptions>, ConsoleOptionsValidator>();
        builder.Services.AddRazorComponents();
        builder.Services.AddMudServices();
        builder.Services.AddConsoleAuthentication();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ConsoleAudit>();
        builder.Services.AddSingleton<ConsoleSignIn>();
        builder.Services.AddSingleton<ServiceMetricsSampler>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ServiceMetricsSampler>());
        builder.Services.AddSingleton<KpiBoard>();
        builder.Services.AddSingleton<EngagedCustomersSampler>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<EngagedCustomersSampler>());
        builder.Services.AddOffers();
        builder.Services.AddCustomerViewer();
        builder.Services.AddCatalogScreen();
        builder.Services.AddPrivacyDesk();
        builder.Services.AddModelsScreen();
        return builder;
    }

    /// <summary>The console's pages, its static files (MudBlazor's stylesheet) and sign-out; after the API's authorization.</summary>
    public static WebApplication MapOperatorConsole(this WebApplication app)
    {
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapRazorComponents<App>();
        app.MapPost(ConsoleAuthentication.SignOutPath, SignOutAsync)
            .RequireAuthorization(ConsoleAuthentication.OverviewPolicy)
            .WithMetadata(new RequireAntiforgeryTokenAttribute())
            .ExcludeFromDescription();
        app.MapPrivacyDesk();
        return app;
    }

    private static async Task<Results<RedirectHttpResult, ProblemHttpResult>> SignOutAsync(HttpContext context, ConsoleAudit audit)
    {
        if (context.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: false })
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid form",
                detail: "The form carried no valid antiforgery token; reload the console and try again.");
        }

        audit.Record(context.User.Identity?.Name ?? "", ConsoleAudit.SignedOut, "by the user");
        await context.SignOutAsync(ConsoleAuthentication.Scheme);
        return TypedResults.Redirect(ConsoleAuthentication.SignInPath + "?signedOut=true");
    }
}
