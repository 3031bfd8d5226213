using System.Text.Json.Serialization.Metadata;
using Confluent.Kafka;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NextBestAction.Contracts;
using NextBestAction.Decisioning.Api;
using NextBestAction.Decisioning.Catalog;
using NextBestAction.Decisioning.DecisionLog;
using NextBestAction.Decisioning.Engine;
using NextBestAction.Decisioning.Models;
using NextBestAction.Decisioning.Privacy;
using NextBestAction.Profiles.Privacy;
using NextBestAction.Decisioning.Serving;
using NextBestAction.Decisioning.Warmup;
using NextBestAction.Kafka;
using NextBestAction.Profiles;
using NextBestAction.Profiles.Kpis;
using NextBestAction.ServiceDefaults;
using NextBestAction.Telemetry;

namespace NextBestAction.Decisioning;

public static class DecisioningExtensions
{
    /// <summary>
    /// Registers the decision service, its background writers and the action catalog (a bad catalog fails
    /// start-up). Needs the profile store, Kafka options and API-key authentication registered by the host.
    /// </summary>
    public static IHostApplicationBuilder AddDecisioning(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DecisionOptions>()
            .Bind(builder.Configuration.GetSection(DecisionOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddSingleton<CatalogPublications>();
        builder.Services.AddSingleton<CatalogProvider>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CatalogProvider>());
        builder.Services.LoadAtStartup<CatalogProvider>();

        builder.Services.AddOptions<KpiOptions>()
            .Bind(builder.Configuration.GetSection(KpiOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton(sp => KpiLibrary.Load(DataFiles.ResolvePath(sp.GetRequiredService<IOptions<KpiOptions>>().Value.DefinitionsPath)));
        builder.Services.LoadAtStartup<KpiLibrary>();

        builder.Services.AddOptions<ModelOptions>()
            .Bind(builder.Configuration.GetSection(ModelOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<PriorPropensityModel>();
        builder.Services.AddSingleton<ModelRegistry>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ModelRegistry>());
        builder.Services.LoadAtStartup<ModelRegistry>();
        builder.Services.AddSingleton<IPropensityModel>(sp => sp.GetRequiredService<ModelRegistry>());
        builder.Services.AddSingleton<IExplorationPolicy>(sp => sp.GetRequiredService<IOptions<DecisionOptions>>().Value is { ExplorationPolicy: "epsilon-greedy" } o
            ? new EpsilonGreedyPolicy(o.ExplorationEpsilon)
            : new GreedyPolicy());
        if (builder.Configuration.GetSection(DecisionOptions.Section).GetValue(nameof(DecisionOptions.AdaptiveEnabled), true))
        {
            builder.Services.AddSingleton<AdaptiveStore>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<AdaptiveStore>());
        }

        builder.Services.AddSingleton(sp => new DecisionEngine(
            sp.GetRequiredService<IPropensityModel>(),
            sp.GetRequiredService<IExplorationPolicy>(),
            sp.GetRequiredService<IOptions<ProfileRules>>().Value,
            sp.GetService<AdaptiveStore>(),
            sp.GetRequiredService<NbaTelemetry>().ActivitySource,
            sp.GetRequiredService<IOptions<DecisionOptions>>().Value.ArbitrationMode));
        // A challenger is ranked as the champion is (same exploration policy, rules, adaptive correction and arbitration),
        // without stage spans of its own: its shadow runs on every logged decision and should cost as little as it can.
        builder.Services.AddSingleton(sp => new ModelArms(
            sp.GetRequiredService<DecisionEngine>(),
            model => new DecisionEngine(model, sp.GetRequiredService<IExplorationPolicy>(), sp.GetRequiredService<IOptions<ProfileRules>>().Value,
                sp.GetService<AdaptiveStore>(), arbitrationMode: sp.GetRequiredService<IOptions<DecisionOptions>>().Value.ArbitrationMode),
            sp.GetRequiredService<IOptions<ModelOptions>>().Value.ChallengerTrafficShare));
        builder.Services.AddHostedService<ServingVersionMetrics>();
        builder.Services.AddSingleton<ContactHistoryStore>();
        builder.Services.AddSingleton<DecisionRecordStore>();
        builder.Services.AddSingleton<ServedDecisionWrites>();
        builder.Services.AddSingleton<OfferStatisticsStore>();
        builder.Services.AddSingleton<DecisionRecorder>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DecisionRecorder>());
        builder.Services.AddSingleton<SealingKeys>();
        builder.Services.AddSingleton<DecisionLogPublisher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DecisionLogPublisher>());
        builder.Services.AddSingleton<IProducer<string, byte[]>>(sp =>
            new ProducerBuilder<string, byte[]>(KafkaClientConfigs.Producer(sp.GetRequiredService<IOptions<KafkaOptions>>().Value, "nba-decisions")).Build());
        builder.Services.AddSingleton<OutcomeService>();
        builder.Services.AddSingleton<DecisionService>();
        builder.Services.AddSingleton<ErasureService>();
        builder.Services.AddSingleton<CustomerExport>();
        builder.Services.AddSingleton<AccessRequests>();
        builder.Services.AddSingleton<PersonalDataAudit>();
        builder.Services.AddSingleton<ConsentService>();
        // Registered last of the decision services, so it runs after the catalog and models loaded and before Kestrel starts.
        builder.Services.AddSingleton<DecisionWarmup>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DecisionWarmup>());
        builder.Services.AddHealthChecks().AddCheck<DecisionWarmupHealthCheck>("decision-warmup", tags: [ServiceDefaultsExtensions.ReadyTag]);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, DecisionJsonContext.Default);
            o.SerializerOptions.TypeInfoResolverChain.Insert(1, PrivacyJsonContext.Default);
            o.SerializerOptions.TypeInfoResolver = o.SerializerOptions.TypeInfoResolver!.WithAddedModifier(CustomerProfileJson.HideIngestionInternals);
            // Absent rather than null: debug output, degradedReason and the like only appear when they say something.
            o.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull;
        });
        builder.Services.AddOpenApi(o => o.AddExamples());
        return builder;
    }

    /// <summary>API-key authentication, the OpenAPI document and the <c>/v1</c> routes.</summary>
    public static WebApplication UseDecisionApi(this WebApplication app)
    {
        app.UseAuthentication();
        // After authentication (one bucket per key name), before authorization (so requests without a valid key are limited too).
        app.UseRateLimiter();
        app.UseAuthorization();
        app.MapOpenApi();
        app.MapDecisionApi();
        app.MapKpiApi();
        app.MapAdminApi();
        app.MapPrivacyApi();
        return app;
    }
}
