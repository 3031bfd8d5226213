using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NextBestAction.Profiles.Kpis;
using NextBestAction.Profiles.Privacy;
using StackExchange.Redis;

namespace NextBestAction.Profiles;

public static class ProfilesExtensions
{
    /// <summary>Registers the shared Redis connection and the profile store.</summary>
    public static IHostApplicationBuilder AddProfileStore(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RedisOptions>()
            .Bind(builder.Configuration.GetSection(RedisOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => !string.IsNullOrWhiteSpace(o.Configuration),
                "Redis:Configuration is required: set it to your Redis endpoint (for example \"redis:6379\").")
            .ValidateOnStart();

        builder.Services.AddSingleton<IConnectionMultiplexer>(sp =>
        {
            var redisOptions = sp.GetRequiredService<IOptions<RedisOptions>>().Value;
            var config = ConfigurationOptions.Parse(redisOptions.Configuration);
            // Start even when Redis is down: decisions degrade and ingestion waits instead of the process dying.
            config.AbortOnConnectFail = false;
            config.ClientName ??= builder.Environment.ApplicationName;
            // Key names hold customer ids; exception messages, which are logged, must not.
            config.IncludeDetailInExceptions = false;
            return ConnectionMultiplexer.Connect(config);
        });
        builder.Services.AddSingleton<RedisProfileStore>();

        builder.Services.AddOptions<ProfileRules>()
            .Bind(builder.Configuration.GetSection(ProfileRules.Section))
            .ValidateDataAnnotations()
            .Validate(r => r.SeasonalMonths.All(m => m is >= 1 and <= 12), "Profiles:SeasonalMonths must hold month numbers from 1 to 12.")
            .Validate(r => r.LifeStageHorizonDays.Values.All(d => d > 0), "Profiles:LifeStageHorizonDays must give every category a horizon of at least 1 day.")
            .Validate(r => r.MaxProfileBytes >= r.UntrimmableBytes,
                "Profiles:MaxProfileBytes must leave room for the duplicate window and the consent history: at least Profiles:DuplicateWindowMaxEvents x 48 + 40384 bytes.")
            .ValidateOnStart();
        builder.Services.AddSingleton(sp => new ProfileUpdater(sp.GetRequiredService<IOptions<ProfileRules>>().Value));
        builder.Services.AddSingleton<RedisKpiStore>();

        builder.Services.AddOptions<PrivacyOptions>()
            .Bind(builder.Configuration.GetSection(PrivacyOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => IsHashKey(o.SubjectHashKey), "Privacy:SubjectHashKey must be empty or the base64 of at least 32 bytes.")
            .ValidateOnStart();
        builder.Services.AddSingleton<SubjectHasher>();
        builder.Services.AddSingleton<ErasureList>();
        builder.Services.AddSingleton<DecisionLogKeys>();
        builder.Services.AddSingleton<CustomerEraser>();
        builder.Services.AddSingleton<PrivacyReceipts>();
        builder.Services.AddSingleton<PrivacyRequests>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        return builder;
    }

    private static bool IsHashKey(string base64)
    {
        if (string.IsNullOrWhiteSpace(base64))
        {
            return true;
        }

        var bytes = new byte[base64.Length];
        return Convert.TryFromBase64String(base64, bytes, out var length) && length >= 32;
    }
}
