using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using NextBestAction.Decisioning.Catalog;
using NextBestAction.Decisioning.Engine;
using NextBestAction.Decisioning.Models;
using NextBestAction.Decisioning.Serving;
using NextBestAction.ServiceDefaults.Auth;

namespace NextBestAction.Decisioning.Api;

/// <summary>The live catalog and an immediate reload, for the people who own the catalog.</summary>
public static class AdminApi
{
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/v1/admin");

        admin.MapGet("/catalog", (CatalogProvider catalogs, DecisionEngine engine) => TypedResults.Ok(Status(catalogs, engine)))
            .WithName("GetCatalogStatus")
            .WithSummary("The live catalog version, its actions, and the errors of the last refused version")
            .RequireScope(Scopes.Admin);

        admin.MapPost("/catalog/reload", Reload)
            .WithName("ReloadCatalog")
            .WithSummary("Load the catalog file now; a version with errors is refused (422) and the live one stays")
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .RequireScope(Scopes.Admin);

        admin.MapGet("/model", (ModelRegistry models, ModelArms arms) => TypedResults.Ok(ModelStatusOf(models, arms)))
            .WithName("GetModelStatus")
            .WithSummary("The live propensity model with its churn and value models, the challenger beside it, the versions in the registry and the reasons the last versions were refused")
            .RequireScope(Scopes.Admin);

        admin.MapPost("/model/reload", ReloadModel)
            .WithName("ReloadModel")
            .WithSummary("Load the versions the registry's current and challenger files name now; a refused version (422) leaves the live model")
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .RequireScope(Scopes.Admin);

        return app;
    }

    private static Results<Ok<ModelStatus>, ProblemHttpResult> ReloadModel(ModelRegistry models, ModelArms arms)
    {
        try
        {
            models.Reload();
            return TypedResults.Ok(ModelStatusOf(models, arms));
        }
        catch (ModelArtifactException ex)
        {
            return TypedResults.Problem(title: "Model refused", detail: ex.Message, statusCode: StatusCodes.Status422UnprocessableEntity,
                extensions: new Dictionary<string, object?> { ["liveVersion"] = models.Version });
        }
    }

    private static ModelStatus ModelStatusOf(ModelRegistry models, ModelArms arms) =>
        new(models.Version, models.Available, models.LastRejection)
        {
            CustomerModels = models.Current.CustomerModels?.Version,
            Challenger = models.Challenger is { } challenger
                ? new ChallengerStatus(challenger.Version, arms.TrafficShare, arms.TrafficShare > 0 ? "traffic" : "shadow")
                : null,
            ChallengerRejection = models.LastChallengerRejection,
        };

    private static Results<Ok<CatalogStatus>, ProblemHttpResult> Reload(CatalogProvider catalogs, DecisionEngine engine)
    {
        try
        {
            catalogs.Reload();
            return TypedResults.Ok(Status(catalogs, engine));
        }
        catch (CatalogValidationException ex)
        {
            return TypedResults.Problem(title: "Catalog refused", detail: ex.Message, statusCode: StatusCodes.Status422UnprocessableEntity,
                extensions: new Dictionary<string, object?> { ["liveVersion"] = catalogs.Current.Version });
        }
    }

    private static CatalogStatus Status(CatalogProvider catalogs, DecisionEngine engine)
    {
        var live = catalogs.Live;
        var catalog = live.Catalog;
        return new CatalogStatus(catalog.Version, engine.ModelVersion, catalogs.LastRejection,
            [.. catalog.Actions.Select(a => new CatalogActionSummary(a.Id, a.Kind, a.Title, a.Marketing, [.. a.Eligibility.Select(r => r.Text)]))])
        {
            Publication = live.Publication is { } p ? new CatalogPublicationStatus(p.Number, p.PublishedBy, p.PublishedAt, catalogs.FileCatalog.Catalog.Version) : null,
        };
    }
}

public sealed record ModelStatus(string ModelVersion, IReadOnlyList<string> Available, string? LastRejection)
{
    /// <summary>The churn and value models deployed with the live propensity model, if any.</summary>
    public string? CustomerModels { get; init; }

    /// <summary>The challenger running beside the live model, if any.</summary>
    public ChallengerStatus? Challenger { get; init; }

    /// <summary>Why the version the challenger file names was refused, if it was.</summary>
    public string? ChallengerRejection { get; init; }
}

/// <param name="ModelVersion">The challenger's version.</param>
/// <param name="TrafficShare">Share of customers it serves (<c>Models:ChallengerTrafficShare</c>).</param>
/// <param name="Mode"><c>shadow</c> (decides beside every champion decision, never shown) or <c>traffic</c> (also serves its share).</param>
public sealed record ChallengerStatus(string ModelVersion, double TrafficShare, string Mode);

public sealed record CatalogStatus(string CatalogVersion, string ModelVersion, string? LastRejection, IReadOnlyList<CatalogActionSummary> Actions)
{
    /// <summary>The console publication that is live, if one is; absent when the catalog file is live.</summary>
    public CatalogPublicationStatus? Publication { get; init; }
}

/// <param name="Number">The publication's number (the console lists them for rollback).</param>
/// <param name="FileVersion">The version of the catalog file, kept behind the publication until someone returns to it.</param>
public sealed record CatalogPublicationStatus(long Number, string PublishedBy, DateTimeOffset PublishedAt, string FileVersion);

public sealed record CatalogActionSummary(string Id, string Kind, string Title, bool Marketing, IReadOnlyList<string> Eligibility);
