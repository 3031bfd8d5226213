using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace NextBestAction.ServiceDefaults;

/// <summary>Settings under <c>Telemetry</c>: trace sampling and what a decision span may say about the customer.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>False switches tracing off altogether (no span is even created); metrics stay on.</summary>
    public bool TracingEnabled { get; set; } = true;

    /// <summary>Share of traces without a parent that are sampled; spans with a parent follow it.</summary>
    [Range(0d, 1d, ErrorMessage = "Telemetry:SamplingRatio must be between 0 and 1.")]
    public double SamplingRatio { get; set; } = 0.1;

    /// <summary>A decision span slower than this is kept even when its trace was not sampled.</summary>
    [Range(1, 60_000, ErrorMessage = "Telemetry:SlowDecisionMs must be between 1 and 60000.")]
    public int SlowDecisionMs { get; set; } = 50;

    /// <summary>
    /// When set, decision spans carry <c>nba.customer.hash</c>: a keyed hash (HMAC-SHA256, first 16 hex digits) of the
    /// customer id with this secret, so one customer's decisions can be found without the id ever being in a trace.
    /// Empty (the default): no customer attribute at all.
    /// </summary>
    public string CustomerHashKey { get; set; } = "";

    /// <summary>The configured values, checked; a bad one fails start-up naming its setting.</summary>
    public static TelemetryOptions From(IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        var problems = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), problems, validateAllProperties: true))
        {
            throw new InvalidOperationException(string.Join(" ", problems.Select(p => p.ErrorMessage)));
        }

        return options;
    }
}
