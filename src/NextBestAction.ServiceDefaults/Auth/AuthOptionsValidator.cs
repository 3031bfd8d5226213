using Microsoft.Extensions.Options;

namespace NextBestAction.ServiceDefaults.Auth;

/// <summary>Fails start-up on an unusable key list, naming the offending setting.</summary>
public sealed class AuthOptionsValidator(HostingMode mode) : IValidateOptions<AuthOptions>
{
    public const int MinimumKeyLength = 16;

    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        if (options.ApiKeys.Count == 0)
        {
            return ValidateOptionsResult.Fail(
                "Auth:ApiKeys is empty: configure at least one key (Auth:ApiKeys:0:Name, Auth:ApiKeys:0:Key, Auth:ApiKeys:0:Scopes:0).");
        }

        var errors = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
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
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
