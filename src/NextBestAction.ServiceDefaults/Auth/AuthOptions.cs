namespace NextBestAction.ServiceDefaults.Auth;

/// <summary>
/// Settings under <c>Auth</c>. Adding one: a property here with its default, a rule in
/// <see cref="AuthOptionsValidator"/>, and a line in docs/configuration.md.
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>API keys clients send in <c>X-Api-Key</c>, each with the scopes it grants.</summary>
    public List<ApiKeyOptions> ApiKeys { get; set; } = [];

    /// <summary>
    /// Sustained rate of the one bucket that all requests to <c>/v1</c> without a valid key share. Such
    /// requests are refused anyway; the bucket bounds the work they cause and slows key guessing.
    /// </summary>
    public double UnauthenticatedRequestsPerSecond { get; set; } = 100;

    /// <summary>Requests without a valid key that may arrive at once before the bucket refuses them.</summary>
    public int UnauthenticatedBurst { get; set; } = 200;
}

public sealed class ApiKeyOptions
{
    /// <summary>Who holds the key (for example "webshop"); shown in logs and traces instead of the key.</summary>
    public string Name { get; set; } = "";

    public string Key { get; set; } = "";

    public List<string> Scopes { get; set; } = [];

    /// <summary>
    /// Sustained rate of this key's token bucket. Far above what one webshop sends by default, so the
    /// limit only stops a runaway or abusive client; fractions (0.5 = one request every 2 s) are allowed.
    /// </summary>
    public double RequestsPerSecond { get; set; } = 10_000;

    /// <summary>Requests the key may send at once on top of an idle period; at least one second's worth.</summary>
    public int Burst { get; set; } = 20_000;
}

/// <summary>Scopes a key can carry (docs/contracts.md).</summary>
public static class Scopes
{
    public const string Decide = "decide";
    public const string Feedback = "feedback";
    public const string ProfileRead = "profile:read";
    public const string Admin = "admin";

    /// <summary>The privacy desk: erasure and privacy receipts.</summary>
    public const string Privacy = "privacy";

    /// <summary>
    /// Debug answers of the decision route (why every other action was not chosen): they show what the profile holds
    /// (open contacts, late orders, objections), so <see cref="Decide"/> alone does not grant them.
    /// </summary>
    public const string DecideDebug = "decide:debug";

    /// <summary>Consent given or withdrawn by the customer, sent by the systems that collect it.</summary>
    public const string Consent = "consent";

    /// <summary>Signing in to the operator console under <c>/console</c>; its screens need the scope of what they do as well.</summary>
    public const string Console = "console";

    public static IReadOnlyList<string> All { get; } = [Decide, DecideDebug, Feedback, ProfileRead, Admin, Privacy, Consent, Console];
}

/// <summary>The key that embedded mode accepts out of the box; refused anywhere else.</summary>
public static class LocalDevelopmentKey
{
    public const string Value = "nba-local-dev-key";
    public const string Name = "local-development";
}
