using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NextBestAction.Contracts;

namespace NextBestAction.Simulator;

public static class SimulatorExtensions
{
    /// <summary>
    /// Registers the traffic simulator when <c>Simulator:Enabled</c> is true (the default). Its options are validated
    /// at start-up either way, so a typo fails fast even while the simulator is switched off.
    /// </summary>
    public static IHostApplicationBuilder AddTrafficSimulator(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var section = builder.Configuration.GetSection(SimulatorOptions.Section);
        builder.Services.AddOptions<SimulatorOptions>()
            .Bind(section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SimulatorOptions>, SimulatorOptionsValidation>();

        // Other components bind the same section; binding it twice is harmless.
        builder.Services.AddOptions<KafkaOptions>().Bind(builder.Configuration.GetSection(KafkaOptions.Section));
        builder.Services.TryAddSingleton(TimeProvider.System);

        if (section.GetValue(nameof(SimulatorOptions.Enabled), new SimulatorOptions().Enabled))
        {
            // Registered as itself too, so its counters can be read.
            builder.Services.AddSingleton<TrafficSimulator>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<TrafficSimulator>());
        }

        return builder;
    }
}

/// <summary>The checks of <see cref="SimulatorOptions.Problems"/>, each naming its setting.</summary>
internal sealed class SimulatorOptionsValidation : IValidateOptions<SimulatorOptions>
{
    public ValidateOptionsResult Validate(string? name, SimulatorOptions options)
    {
        var problems = options.Problems().ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
