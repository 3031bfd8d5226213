using System.ComponentModel.DataAnnotations;

namespace NextBestAction.Decisioning;

/// <summary>
/// Settings under <c>Decisions</c>. Adding one: a property here with its default and range, and a line in
/// the README's configuration reference.
/// </summary>
public sealed class DecisionOptions
{
    public const string Section = "Decisions";

    /// <summary>The action catalog file; relative paths are resolved against the application's directory.</summary>
    [Required(ErrorMessage = "Decisions:CatalogPath is required.")]
    public string CatalogPath { get; set; } = "catalog/actions.json";

    /// <summary>How long a decision waits for the profile before it serves a context-only fallback.</summary>
    [Range(1, 10_000, ErrorMessage = "Decisions:ProfileReadBudgetMs must be between 1 and 10000.")]
    public int ProfileReadBudgetMs { get; set; } = 20;
}
