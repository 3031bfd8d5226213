using Microsoft.Extensions.Options;
using NextBestAction.Profiles;
using NextBestAction.Profiles.Privacy;
using StackExchange.Redis;

namespace NextBestAction.Training.History;

/// <summary>
/// Reads the customers' decision-log keys (<see cref="DecisionLogKeys"/>) and their current consent from the service's
/// Redis, once per subject and customer: a history holds many records per customer. Nothing is written.
/// </summary>
internal sealed class RedisDecisionLogAccess(IConnectionMultiplexer redis, string keyPrefix, DateTimeOffset now) : IDecisionLogAccess, IDisposable
{
    public const string Objection = "objection";
    public const string Restriction = "restriction";
    public const string UnreadableProfile = "unreadable-profile";

    private readonly ProfileKeys profileKeys = new(keyPrefix);
    private readonly DecisionLogKeys logKeys = new(redis, Options.Create(new RedisOptions { KeyPrefix = keyPrefix }), Options.Create(new PrivacyOptions()));
    private readonly Dictionary<string, byte[]?> keys = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> withheld = new(StringComparer.Ordinal);

    /// <exception cref="HistoryReadException">Redis cannot be reached.</exception>
    public static RedisDecisionLogAccess Connect(string configuration, string keyPrefix, DateTimeOffset now)
    {
        try
        {
            return new RedisDecisionLogAccess(ConnectionMultiplexer.Connect(configuration), keyPrefix, now);
        }
        catch (Exception ex) when (ex is RedisConnectionException or ArgumentException)
        {
            throw new HistoryReadException($"--redis: {ex.Message}");
        }
    }

    public byte[]? KeyOf(string subject)
    {
        if (!keys.TryGetValue(subject, out var key))
        {
            key = logKeys.Get(subject);
            keys[subject] = key;
        }

        return key;
    }

    public string? Withheld(string customerId)
    {
        if (!withheld.TryGetValue(customerId, out var reason))
        {
            var stored = redis.GetDatabase().StringGet(profileKeys.Profile(customerId));
            try
            {
                var consent = RedisProfileStore.FromRead(customerId, [stored, RedisValue.Null], now)?.Consent;
                reason = consent?.Restricted == true ? Restriction : consent?.Profiling == false ? Objection : null;
            }
            catch (InvalidDataException)
            {
                // Whether the customer objects cannot be told: leave their decisions out rather than risk it.
                reason = UnreadableProfile;
            }

            withheld[customerId] = reason;
        }

        return reason;
    }

    public void Dispose() => redis.Dispose();
}
