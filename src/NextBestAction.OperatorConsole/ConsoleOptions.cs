using Microsoft.Extensions.Options;

namespace NextBestAction.OperatorConsole;

/// <summary>
/// Settings under <c>Console</c>. Adding one: a property here with its default, a rule in
/// <see cref="ConsoleOptionsValidator"/>, and a line in docs/configuration.md.
/// </summary>
public sealed class ConsoleOptions
{
    public const string Section = "Console";

    /// <summary>A signed-in session ends after this many minutes without a request (sliding expiry).</summary>
    public int IdleMinutes { get; set; } = 30;

    /// <summary>A session ends this many hours after sign-in however active it is, so scopes taken from the key are re-checked.</summary>
    public int MaxSessionHours { get; set; } = 12;

    /// <summary>Seconds between two samples of the service's metrics for the overview; an hour of samples is kept in memory.</summary>
    public int SampleIntervalSeconds { get; set; } = 5;

    /// <summary>Seconds between two in-memory samples of engaged customers, the one KPI the store keeps no history of; a day is kept.</summary>
    public int KpiSampleIntervalSeconds { get; set; } = 60;
}

/// <summary>Fails start-up on a console setting out of range, naming it.</summary>
public sealed class ConsoleOptionsValidator : IValidateOptions<ConsoleOptions>
{
    public ValidateOptionsResult Validate(string? name, ConsoleOptions options)
    {
        var errors = new List<string>();
        if (options.IdleMinutes is < 1 or > 24 * 60)
        {
            errors.Add($"Console:IdleMinutes must be between 1 and 1440 minutes (was {options.IdleMinutes}).");
        }

        if (options.MaxSessionHours is < 1 or > 7 * 24)
        {
            errors.Add($"Console:MaxSessionHours must be between 1 and 168 hours (was {options.MaxSessionHours}).");
        }
        else if (options.MaxSessionHours * 60 < options.IdleMinutes)
        {
            errors.Add($"Console:MaxSessionHours ({options.MaxSessionHours} h) must not be shorter than Console:IdleMinutes ({options.IdleMinutes} min).");
        }

        if (options.SampleIntervalSeconds is < 1 or > 60)
        {
            errors.Add($"Console:SampleIntervalSeconds must be between 1 and 60 seconds (was {options.SampleIntervalSeconds}).");
        }

        if (options.KpiSampleIntervalSeconds is < 1 or > 3600)
        {
            errors.Add($"Console:KpiSampleIntervalSeconds must be between 1 and 3600 seconds (was {options.KpiSampleIntervalSeconds}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
