namespace NextBestAction.Testing;

/// <summary>Where the repository is, for tests and benchmarks that read its files. Shared as a linked source file.</summary>
internal static class RepositoryPaths
{
    /// <summary>The folder holding NextBestAction.sln above the build output, or null when run from elsewhere.</summary>
    public static string? FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NextBestAction.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }

    public static string Root => FindRoot() ?? throw new InvalidOperationException("NextBestAction.sln not found above " + AppContext.BaseDirectory);
}
