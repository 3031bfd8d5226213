using NextBestAction.ServiceDefaults;
using NextBestAction.ServiceDefaults.Auth;

namespace NextBestAction.UnitTests.Auth;

public sealed class AuthOptionsValidatorTests
{
    private static AuthOptions Keys(params ApiKeyOptions[] keys) => new() { ApiKeys = [.. keys] };

    private static ApiKeyOptions Key(string key, params string[] scopes) => new() { Name = "webshop", Key = key, Scopes = [.. scopes] };

    [Fact]
    public void Validate_LocalKeyOutsideEmbeddedMode_FailsNamingTheSetting()
    {
        var result = new AuthOptionsValidator(new HostingMode(Embedded: false))
            .Validate(null, Keys(Key(LocalDevelopmentKey.Value, Scopes.Decide)));

        Assert.True(result.Failed);
        Assert.Contains("Auth:ApiKeys:0:Key", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("embedded mode", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_LocalKeyInEmbeddedMode_Succeeds()
    {
        var result = new AuthOptionsValidator(new HostingMode(Embedded: true))
            .Validate(null, Keys(Key(LocalDevelopmentKey.Value, Scopes.Decide)));

        Assert.True(result.Succeeded);
    }

    [Fact]
    public void Validate_NoKeys_FailsNamingTheSetting()
    {
        var result = new AuthOptionsValidator(new HostingMode(false)).Validate(null, Keys());

        Assert.Contains("Auth:ApiKeys", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ShortKeyUnknownScopeAndDuplicate_ReportsEach()
    {
        var result = new AuthOptionsValidator(new HostingMode(false)).Validate(null, Keys(
            Key("short", Scopes.Decide),
            Key("a-long-enough-secret-key", "superuser"),
            Key("a-long-enough-secret-key", Scopes.Decide)));

        Assert.Contains("Auth:ApiKeys:0:Key must be at least", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Auth:ApiKeys:1:Scopes has unknown scope \"superuser\"", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Auth:ApiKeys:2:Key repeats an earlier key", result.FailureMessage, StringComparison.Ordinal);
    }
}
