using NextBestAction.ServiceDefaults.Auth;

namespace NextBestAction.OperatorConsole.Components.Layout;

/// <summary>A console screen in the navigation: where it is, its label, the link's id, and the scope it needs besides <c>console</c>.</summary>
public sealed record ConsoleScreen(string Href, string Label, string Id, string? Scope);

/// <summary>The console's screens in navigation order; a screen whose scope the signed-in key lacks is not listed.</summary>
public static class ConsoleScreens
{
    public static IReadOnlyList<ConsoleScreen> All { get; } =
    [
        new("/console", "Overview", "nav-overview", null),
        new("/console/kpis", "KPI library", "nav-kpis", null),
        new("/console/offers", "Offers", "nav-offers", null),
        new("/console/customers", "Customer viewer", "nav-customers", Scopes.ProfileRead),
        new("/console/catalog", "Catalog and rules", "nav-catalog", null),
        new("/console/models", "Models", "nav-models", null),
        new("/console/privacy", "Privacy desk", "nav-privacy", Scopes.Privacy),
    ];
}
