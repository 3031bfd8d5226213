using System.CommandLine;

namespace NextBestAction.Benchmarks.Cli;

/// <summary>Options several benchmarks share the shape of, with their range checked at parse time (a usage error).</summary>
internal static class BenchmarkOptions
{
    public static Option<int> Positive(string name, int defaultValue, string description)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1)
            {
                r.AddError($"{name} must be at least 1.");
            }
        });
        return option;
    }

    public static Option<int> NotNegative(string name, int defaultValue, string description)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 0)
            {
                r.AddError($"{name} must be 0 or more.");
            }
        });
        return option;
    }
}
