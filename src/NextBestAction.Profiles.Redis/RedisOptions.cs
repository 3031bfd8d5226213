using System.ComponentModel.DataAnnotations;

namespace NextBestAction.Profiles;

/// <summary>
/// Settings under <c>Redis</c>. Adding one: a property here with its default, a line in docs/configuration.md,
/// and the environment variable in docker-compose.yml/deploy when it differs there.
/// </summary>
public sealed class RedisOptions
{
    public const string Section = "Redis";

    /// <summary>StackExchange.Redis configuration string. Empty in the all-in-one server: an embedded Garnet is started.</summary>
    public string Configuration { get; set; } = "";

    /// <summary>First part of every key: <c>{prefix}:{customer}:profile</c>.</summary>
    [Required, RegularExpression("^[a-zA-Z0-9_.-]{1,32}$", ErrorMessage = "Redis:KeyPrefix must be 1 to 32 letters, digits, '_', '.' or '-'.")]
    public string KeyPrefix { get; set; } = "nba";
}
