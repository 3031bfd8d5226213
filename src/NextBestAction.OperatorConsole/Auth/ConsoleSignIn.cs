using NextBestAction.ServiceDefaults.Auth;

namespace NextBestAction.OperatorConsole.Auth;

/// <summary>Decides a sign-in attempt: the presented key must be configured and grant the console scope.</summary>
public sealed class ConsoleSignIn(ApiKeyDirectory keys, ConsoleAudit audit)
{
    public const string UnknownKeyMessage = "This API key is not known to the service.";
    public const string NoConsoleScopeMessage = "This API key is valid, but it does not grant the \"console\" scope. Ask for a key with that scope.";

    /// <summary>The key to sign in with, or null and the reason to show; either way the attempt is audited.</summary>
    public (ApiKeyOptions? Key, string? Refusal) Attempt(string presented)
    {
        var key = string.IsNullOrEmpty(presented) ? null : keys.Find(presented);
        if (key is null)
        {
            audit.Record(ConsoleAudit.UnknownKey, ConsoleAudit.SignInRefused, "unknown key");
            return (null, UnknownKeyMessage);
        }

        if (!key.Scopes.Contains(Scopes.Console))
        {
            audit.Record(key.Name, ConsoleAudit.SignInRefused, "key lacks the console scope");
            return (null, NoConsoleScopeMessage);
        }

        audit.Record(key.Name, ConsoleAudit.SignedIn, "scopes " + string.Join(' ', key.Scopes));
        return (key, null);
    }
}
