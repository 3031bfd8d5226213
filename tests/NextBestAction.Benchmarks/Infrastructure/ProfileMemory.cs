using NextBestAction.Profiles;
using NextBestAction.Simulator;
using StackExchange.Redis;

namespace NextBestAction.Benchmarks.Infrastructure;

/// <summary>
/// What one customer's profile costs in Redis: <c>MEMORY USAGE</c> of the profile's keys (decision part, bookkeeping,
/// temporary data, version) of a random sample of customers that have a profile, and of the decision part alone.
/// </summary>
internal static class ProfileMemory
{
    private const int PipelineDepth = 250;

    public static async Task<ProfileMemorySample> SampleAsync(IDatabase redis, ProfileKeys keys, int customers, int maxSample, int seed)
    {
        var candidates = Enumerable.Range(1, customers).Select(SimulatedCustomers.Id).ToArray();
        new Random(seed).Shuffle(candidates);
        long totalBytes = 0;
        long decisionPartBytes = 0;
        var sampled = 0;
        foreach (var chunk in candidates.Chunk(PipelineDepth))
        {
            var usages = await Task.WhenAll(chunk.Select(id => Task.WhenAll(
                Usage(redis, keys.Profile(id)), Usage(redis, keys.Bookkeeping(id)), Usage(redis, keys.Temporary(id)), Usage(redis, keys.Version(id)))));
            foreach (var usage in usages.Where(u => u[0] is not null).Take(maxSample - sampled))
            {
                totalBytes += usage.Sum(u => u ?? 0);
                decisionPartBytes += usage[0] ?? 0;
                sampled++;
            }

            if (sampled >= maxSample)
            {
                break;
            }
        }

        return sampled == 0
            ? throw new InvalidOperationException("no profile keys were found to measure")
            : new ProfileMemorySample(sampled, totalBytes / (double)sampled, decisionPartBytes / (double)sampled);
    }

    private static async Task<long?> Usage(IDatabase redis, string key)
    {
        var usage = await redis.ExecuteAsync("MEMORY", "USAGE", (RedisKey)key);
        return usage.IsNull ? null : (long)usage;
    }
}

/// <param name="AverageBytes">All of a customer's profile keys.</param>
/// <param name="DecisionPartBytes">The key a decision reads the profile from.</param>
internal sealed record ProfileMemorySample(int Profiles, double AverageBytes, double DecisionPartBytes);
