using System.Text.Json;
using System.Text.Json.Serialization;

namespace NextBestAction.Profiles.Kpis;

/// <summary>One KPI of the library: what it measures, what we aim for, how to read it and who owns it.</summary>
public sealed record KpiDefinition(string Id, string Name, string Definition, string Goal, string Interpretation, string Owner, string Unit);

/// <summary>The KPI library file.</summary>
public sealed record KpiLibrary(string Version, IReadOnlyList<KpiDefinition> Kpis)
{
    /// <summary>The KPIs this service computes; the file must describe each of them and nothing else.</summary>
    public static IReadOnlyList<string> ComputedIds { get; } =
        [KpiIds.ContactMoments, KpiIds.OrdersPerWeek, KpiIds.FirstTimeRight, KpiIds.EngagedCustomers, KpiIds.PromisesKept, KpiIds.PromisesBroken];

    public static KpiLibrary Load(string path)
    {
        KpiLibrary? library;
        try
        {
            library = JsonSerializer.Deserialize(File.ReadAllBytes(path), KpiJsonContext.Default.KpiLibrary);
        }
        catch (Exception ex) when (ex is JsonException or IOException)
        {
            throw new InvalidDataException($"{path}: {ex.Message}", ex);
        }

        if (library is null)
        {
            throw new InvalidDataException($"{path}: the file holds JSON null");
        }

        var missing = ComputedIds.Except(library.Kpis.Select(k => k.Id)).ToList();
        var unknown = library.Kpis.Select(k => k.Id).Except(ComputedIds).ToList();
        var incomplete = library.Kpis.Where(k => new[] { k.Name, k.Definition, k.Goal, k.Interpretation, k.Owner, k.Unit }.Any(string.IsNullOrWhiteSpace)).Select(k => k.Id).ToList();
        if (missing.Count > 0 || unknown.Count > 0 || incomplete.Count > 0)
        {
            throw new InvalidDataException(
                $"{path}: missing KPIs [{string.Join(", ", missing)}], unknown KPIs [{string.Join(", ", unknown)}], KPIs without name, definition, goal, interpretation, owner or unit [{string.Join(", ", incomplete)}]");
        }

        return library;
    }
}

public static class KpiIds
{
    public const string ContactMoments = "contact_moments";
    public const string OrdersPerWeek = "orders_per_week";
    public const string FirstTimeRight = "first_time_right";
    public const string EngagedCustomers = "engaged_customers";
    public const string PromisesKept = "promises_kept";
    public const string PromisesBroken = "promises_broken";
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(KpiLibrary))]
internal sealed partial class KpiJsonContext : JsonSerializerContext;
