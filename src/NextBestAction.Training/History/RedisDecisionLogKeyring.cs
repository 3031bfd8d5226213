using NextBestAction.Profiles.Privacy;
using StackExchange.Redis;

namespace NextBestAction.Training.History;

/// <summary>
/// Reads the customers' decision-log keys from the service's Redis (<see cref="DecisionLogKeys"/>), once per subject:
/// a history holds many records per customer. Nothing is written.
/// </summary>
internal sealed class RedisDecisionLogKeyring(IConnectionMultiplexer redis, string keyPrefix) : IDecisionLogKeyring, IDisposable
{
    private readonly Dictionary<string, byte[]?> known = new(StringComparer.Ordinal);

    /// <exception cref="HistoryReadException">Redis cannot be reached.</exception>
    public static RedisDecisionLogKeyring Connect(string configuration, string keyPrefix)
    {
        try
        {
            return new RedisDecisionLogKeyring(ConnectionMultiplexer.Connect(configuration), keyPrefix);
        }
        catch (Exception ex) when (ex is RedisConnectionException or ArgumentException)
        {
            throw new HistoryReadException($"--redis: {ex.Message}");
        }
    }

    public byte[]? KeyOf(string subject)
    {
        if (!known.TryGetValue(subject, out var key))
        {
            key = redis.GetDatabase().StringGet(DecisionLogKeys.KeyName(keyPrefix, subject));
            known[subject] = key;
        }

        return key;
    }

    public void Dispose() => redis.Dispose();
}
