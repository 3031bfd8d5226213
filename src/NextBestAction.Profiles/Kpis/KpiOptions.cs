using System.ComponentModel.DataAnnotations;

namespace NextBestAction.Profiles.Kpis;

/// <summary>
/// Settings under <c>Kpis</c>. Adding one: a property here with its default and a line in docs/configuration.md.
/// </summary>
public sealed class KpiOptions
{
    public const string Section = "Kpis";

    /// <summary>The KPI library file (definition, goal, interpretation, owner per KPI); relative to the application directory.</summary>
    [Required(ErrorMessage = "Kpis:DefinitionsPath is required.")]
    public string DefinitionsPath { get; set; } = "kpis/definitions.json";
}
