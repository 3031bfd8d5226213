using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace NextBestAction.Profiles;

/// <summary>
/// Ways of reading release 1's JSON profiles that leave properties out: parsing skips their JSON, which is cheaper
/// than building the lists and maps a reader would ignore. Binary profiles need none of this: their parts are apart.
/// </summary>
public static class LegacyJsonView
{
    /// <summary>What a decision reads of a JSON profile: every property of <see cref="ProfileDecisionPart"/>, nothing of the bookkeeping.</summary>
    public static JsonTypeInfo<CustomerProfile> DecisionPart { get; } = Without(
        [.. typeof(ProfileBookkeeping).GetProperties().Select(p => p.Name), nameof(CustomerProfile.RecentEventHashes)]);

    /// <summary>A view that leaves out the named properties (by their C# names).</summary>
    /// <exception cref="ArgumentException">A name is not a stored property of <see cref="CustomerProfile"/>.</exception>
    public static JsonTypeInfo<CustomerProfile> Without(params IReadOnlyCollection<string> propertyNames)
    {
        var stored = ProfilesJsonContext.Default.CustomerProfile.Properties.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var left = propertyNames.Select(JsonNamingPolicy.CamelCase.ConvertName).ToHashSet(StringComparer.Ordinal);
        if (left.FirstOrDefault(name => !stored.Contains(name)) is { } unknown)
        {
            throw new ArgumentException($"{unknown} is not a stored property of {nameof(CustomerProfile)}", nameof(propertyNames));
        }

        var options = new JsonSerializerOptions(ProfilesJsonContext.Default.Options)
        {
            TypeInfoResolver = ProfilesJsonContext.Default.WithAddedModifier(info =>
            {
                if (info.Type == typeof(CustomerProfile))
                {
                    foreach (var property in info.Properties.Where(p => left.Contains(p.Name)).ToList())
                    {
                        info.Properties.Remove(property);
                    }
                }
            }),
        };
        return (JsonTypeInfo<CustomerProfile>)options.GetTypeInfo(typeof(CustomerProfile));
    }
}
