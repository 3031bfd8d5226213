using Microsoft.Extensions.Options;

namespace NextBestAction.ServiceDefaults.Auth;

/// <summary>Fails start-up on an unusable key list, naming the offending setting.</summary>
public sealed class AuthOptionsValidator(HostingMode mode) : IValidateOptions<AuthOptions>
{
    public const int MinimumKeyLength = 16;

    /// <summary>One request every 1000 s: slower buckets gain nothing and their refill period grows without bound.</summary>
    public const double MinimumRequestsPerSecond = 0.001;

    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        if (options.ApiKeys.Count == 0)
        {
            return ValidateOptionsResult.Fail(
                "Auth:ApiKeys is empty: configure at least one key (Auth:ApiKeys:0:Name, Auth:ApiKeys:0:Key, Auth:ApiKeys:0:Scopes:0).");
        }

        var errors = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var firstWithName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < options.ApiKeys.Count; i++)
        {
            var key = options.ApiKeys[i];
            var path = $"Auth:ApiKeys:{i}";
            if (string.IsNullOrWhiteSpace(key.Name))
            {
                errors.Add($"{path}:Name is required.");
            }

            if (key.Key == LocalDevelopmentKey.Value && !mode.Embedded)
            {
                errors.Add($"{path}:Key is the documented local development key, which is accepted only in embedded mode; configure a secret key of your own.");
            }
            else if (key.Key.Length < MinimumKeyLength)
            {
                errors.Add($"{path}:Key must be at least {MinimumKeyLength} characters.");
            }

            if (!seen.Add(key.Key))
            {
                errors.Add($"{path}:Key repeats an earlier key.");
            }

            if (key.Scopes.Count == 0)
            {
                errors.Add($"{path}:Scopes is empty: grant at least one of {string.Join(", ", Scopes.All)}.");
            }

            foreach (var scope in key.Scopes.Where(s => !Scopes.All.Contains(s)))
            {
                errors.Add($"{path}:Scopes has unknown scope \"{scope}\"; known scopes: {string.Join(", ", Scopes.All)}.");
            }

            errors.AddRange(RateLimitErrors($"{path}:RequestsPerSecond", key.RequestsPerSecond, $"{path}:Burst", key.Burst));

            // The limiter keeps one bucket per name (rotating a key means two keys with one name), so it must have one size.
            if (!string.IsNullOrWhiteSpace(key.Name) && !firstWithName.TryAdd(key.Name, i))
            {
                var first = options.ApiKeys[firstWithName[key.Name]];
                if (!first.RequestsPerSecond.Equals(key.RequestsPerSecond) || first.Burst != key.Burst)
                {
                    errors.Add($"{path}:RequestsPerSecond and {path}:Burst differ from those of Auth:ApiKeys:{firstWithName[key.Name]}, which has the same Name; keys with one name share one rate limit, so give them the same values.");
                }
            }
        }

        errors.AddRange(RateLimitErrors("Auth:UnauthenticatedRequestsPerSecond", options.UnauthenticatedRequestsPerSecond,
            "Auth:UnauthenticatedBurst", options.UnauthenticatedBurst));

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static IEnumerable<string> RateLimitErrors(string rateSetting, double rate, string burstSetting, int burst)
    {
        if (!double.IsFinite(rate) || rate < MinimumRequestsPerSecond)
        {
            yield return $"{rateSetting} must be a number of requests per second of at least {MinimumRequestsPerSecond}; fractions are allowed.";
        }

        if (burst < 1)
        {
            yield return $"{burstSetting} must be at least 1.";
        }
        else if (double.IsFinite(rate) && burst < rate)
        {
            // The bucket refills about a second's worth at a time and keeps at most Burst of it.
            yield return $"{burstSetting} ({burst}) must be at least {rateSetting} ({rate}), or the bucket could not hold a second's worth of requests.";
        }
    }
}
