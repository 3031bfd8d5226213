using Microsoft.Extensions.DependencyInjection;

namespace NextBestAction.OperatorConsole.Catalog;

public static class CatalogScreenServices
{
    /// <summary>The catalog screen's draft, publishing and what-if; the catalog, its publications and the engine come from decisioning.</summary>
    public static IServiceCollection AddCatalogScreen(this IServiceCollection services)
    {
        services.AddSingleton<CatalogDesk>();
        services.AddSingleton<WhatIfReplay>();
        return services;
    }
}
