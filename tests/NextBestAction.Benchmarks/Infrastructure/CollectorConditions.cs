using System.Runtime;

namespace NextBestAction.Benchmarks.Infrastructure;

/// <summary>The garbage collector this process runs, for the printed conditions.</summary>
internal static class CollectorConditions
{
    /// <summary>For example "workstation GC, concurrent (as the service hosts run)".</summary>
    public static string Describe()
    {
        if (GCSettings.IsServerGC)
        {
            var datasOff = AppContext.GetData("System.GC.DynamicAdaptationMode") is { } mode
                && Convert.ToString(mode, System.Globalization.CultureInfo.InvariantCulture) == "0";
            return $"server GC{(datasOff ? ", DATAS off" : " with DATAS")} (the service hosts run workstation GC, concurrent; this run does not match them)";
        }

        return GCSettings.LatencyMode == GCLatencyMode.Batch
            ? "workstation GC, not concurrent (the service hosts run it concurrent; this run does not match them)"
            : "workstation GC, concurrent (as the service hosts run)";
    }
}
