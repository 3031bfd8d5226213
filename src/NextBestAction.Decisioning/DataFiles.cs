namespace NextBestAction.Decisioning;

/// <summary>Where the data files named in settings (catalog, models, KPI definitions) are found.</summary>
internal static class DataFiles
{
    /// <summary>Relative paths of data files are relative to the application directory, where the build puts them.</summary>
    public static string ResolvePath(string path) => Path.IsPathRooted(path) ? path : Path.Combine(AppContext.BaseDirectory, path);
}
