using NextBestAction.Contracts;
using NextBestAction.Profiles;
using NextBestAction.ServiceDefaults;
using NextBestAction.ServiceDefaults.Auth;

namespace NextBestAction.Server.Embedded;

/// <summary>Which embedded parts this process started, for the start-up banner.</summary>
public sealed record EmbeddedParts(EmbeddedKafka? Kafka, EmbeddedRedis? Redis)
{
    public bool FullyEmbedded => Kafka is not null && Redis is not null;
}

public static class EmbeddedInfrastructure
{
    /// <summary>The share of customers held out in the fully embedded mode unless <c>Decisions:HoldoutPercent</c> is set.</summary>
    public const string EmbeddedHoldoutPercent = "10";

    /// <summary>
    /// Starts an embedded Kafka when <c>Kafka:BootstrapServers</c> is empty and an embedded Redis when
    /// <c>Redis:Configuration</c> is empty, each independently, and points the configuration at them.
    /// Only when both are embedded is the documented local API key accepted, the traffic simulator then asks this
    /// process's own decision API for an offer at every checkout, and a tenth of customers is held out.
    /// </summary>
    public static EmbeddedParts AddEmbeddedInfrastructure(this WebApplicationBuilder builder)
    {
        var kafka = string.IsNullOrWhiteSpace(builder.Configuration[$"{KafkaOptions.Section}:{nameof(KafkaOptions.BootstrapServers)}"])
            ? EmbeddedKafka.Start()
            : null;
        var redis = string.IsNullOrWhiteSpace(builder.Configuration[$"{RedisOptions.Section}:{nameof(RedisOptions.Configuration)}"])
            ? EmbeddedRedis.Start()
            : null;

        var overrides = new Dictionary<string, string?>();
        if (kafka is not null)
        {
            overrides[$"{KafkaOptions.Section}:{nameof(KafkaOptions.BootstrapServers)}"] = kafka.BootstrapServers;
            builder.Services.AddSingleton(kafka);

            // The mock cluster holds every fetch for fetch.wait.max.ms (500 ms by default) even when records are
            // waiting, which a real broker does not; a short wait keeps embedded freshness realistic.
            const string fetchWait = $"{KafkaOptions.Section}:{nameof(KafkaOptions.Consumer)}:fetch.wait.max.ms";
            if (builder.Configuration[fetchWait] is null)
            {
                overrides[fetchWait] = "25";
            }
        }

        else if (builder.Configuration["Simulator:Enabled"] is null)
        {
            // Synthetic traffic must never reach a real cluster by default; compose opts in explicitly.
            overrides["Simulator:Enabled"] = "false";
        }

        if (redis is not null)
        {
            overrides[$"{RedisOptions.Section}:{nameof(RedisOptions.Configuration)}"] = redis.Endpoint;
            builder.Services.AddSingleton(redis);
        }

        var parts = new EmbeddedParts(kafka, redis);
        if (parts.FullyEmbedded)
        {
            var index = builder.Configuration.GetSection($"{AuthOptions.Section}:{nameof(AuthOptions.ApiKeys)}").GetChildren().Count();
            var prefix = $"{AuthOptions.Section}:{nameof(AuthOptions.ApiKeys)}:{index}";
            overrides[$"{prefix}:Name"] = LocalDevelopmentKey.Name;
            overrides[$"{prefix}:Key"] = LocalDevelopmentKey.Value;
            for (var i = 0; i < Scopes.All.Count; i++)
            {
                overrides[$"{prefix}:Scopes:{i}"] = Scopes.All[i];
            }

            // Local development: a webhook receiver on this machine may listen on plain http.
            const string allowHttp = "Notifications:Webhook:AllowHttp";
            if (builder.Configuration[allowHttp] is null)
            {
                overrides[allowHttp] = "true";
            }

            // A holdout, so the console's Offers screen can show the policy's uplift on the simulated traffic.
            const string holdout = "Decisions:HoldoutPercent";
            if (builder.Configuration[holdout] is null)
            {
                overrides[holdout] = EmbeddedHoldoutPercent;
            }

            // The simulated webshop asks this process for its offers, as a real one would, unless told otherwise.
            if (builder.Configuration["Simulator:DecisionsUrl"] is null)
            {
                overrides["Simulator:DecisionsUrl"] = "self";
                overrides["Simulator:DecisionsApiKey"] = LocalDevelopmentKey.Value;
            }
        }

        builder.Configuration.AddInMemoryCollection(overrides);
        if (kafka is not null)
        {
            // Every topic exists before anything subscribes: an outcome topic the simulator first writes minutes later
            // would otherwise stay unseen by the ingestion group until its next metadata refresh.
            var topics = builder.Configuration.GetSection($"{KafkaOptions.Section}:{nameof(KafkaOptions.Topics)}").Get<TopicNames>() ?? new TopicNames();
            kafka.CreateTopics(topics.All);
        }

        builder.Services.AddSingleton(new HostingMode(parts.FullyEmbedded));
        builder.Services.AddSingleton(parts);
        return parts;
    }
}
