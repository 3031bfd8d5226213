using System.Runtime;

namespace NextBestAction.Benchmarks.Infrastructure;

/// <summary>The garbage collector this process runs, for the printed conditions.</summary>
internal static class CollectorConditions
{
    /// <summary>For example "server GC, DATAS off (as the service hosts run)".</summary>
    public static string Describe()
    {
        if (!GCSettings.IsServerGC)
        {
            return "workstation GC (the service hosts run server GC with DATAS off; this run does not match them)";
        }

        var datasOff = AppContext.GetData("System.GC.DynamicAdaptationMode") is { } mode && Convert.ToString(mode, System.Globalization.CultureInfo.InvariantCulture) == "0";
        return datasOff
            ? "server GC, DATAS off (as the service hosts run)"
            : "server GC with DATAS (the service hosts turn DATAS off; this run does not match them)";
    }
}
