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

    [Fact]
    public void Validate_DefaultRateLimits_Succeed()
    {
        var result = new AuthOptionsValidator(new HostingMode(false)).Validate(null, Keys(Key("a-long-enough-secret-key", Scopes.Decide)));

        Assert.True(result.Succeeded);
    }

    [Fact]
    public void Validate_FractionalRate_Succeeds()
    {
        var key = Key("a-long-enough-secret-key", Scopes.Decide);
        key.RequestsPerSecond = AuthOptionsValidator.MinimumRequestsPerSecond;
        key.Burst = 1;

        Assert.True(new AuthOptionsValidator(new HostingMode(false)).Validate(null, Keys(key)).Succeeded);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(0.0001)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Validate_UnusableRequestsPerSecond_FailsNamingTheSetting(double rate)
    {
        var key = Key("a-long-enough-secret-key", Scopes.Decide);
        key.RequestsPerSecond = rate;

        var result = new AuthOptionsValidator(new HostingMode(false)).Validate(null, Keys(key));

        Assert.True(result.Failed);
        Assert.Contains("Auth:ApiKeys:0:RequestsPerSecond must be", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Validate_BurstBelowOne_FailsNamingTheSetting(int burst)
    {
        var key = Key("a-long-enough-secret-key", Scopes.Decide);
        key.Burst = burst;

        var result = new AuthOptionsValidator(new HostingMode(false)).Validate(null, Keys(key));

        Assert.Contains("Auth:ApiKeys:0:Burst must be at least 1", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_BurstBelowOneSecondOfRate_FailsNamingBothSettings()
    {
        var key = Key("a-long-enough-secret-key", Scopes.Decide);
        key.RequestsPerSecond = 1000;
        key.Burst = 500;

        var result = new AuthOptionsValidator(new HostingMode(false)).Validate(null, Keys(key));

        Assert.Contains("Auth:ApiKeys:0:Burst (500) must be at least Auth:ApiKeys:0:RequestsPerSecond (1000)", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SameNameDifferentLimits_Fails()
    {
        var old = Key("an-old-secret-key-being-rotated", Scopes.Decide);
        var replacement = Key("its-new-secret-key-replacing-it", Scopes.Decide);
        replacement.Burst = 3000;

        var result = new AuthOptionsValidator(new HostingMode(false)).Validate(null, Keys(old, replacement));

        Assert.Contains("Auth:ApiKeys:1:RequestsPerSecond and Auth:ApiKeys:1:Burst differ from those of Auth:ApiKeys:0", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SameNameSameLimits_Succeeds()
    {
        var result = new AuthOptionsValidator(new HostingMode(false)).Validate(null, Keys(
            Key("an-old-secret-key-being-rotated", Scopes.Decide),
            Key("its-new-secret-key-replacing-it", Scopes.Decide)));

        Assert.True(result.Succeeded);
    }

    [Fact]
    public void Validate_UnusableUnauthenticatedLimits_FailNamingTheSettings()
    {
        var options = Keys(Key("a-long-enough-secret-key", Scopes.Decide));
        options.UnauthenticatedRequestsPerSecond = 0;
        options.UnauthenticatedBurst = 0;

        var result = new AuthOptionsValidator(new HostingMode(false)).Validate(null, options);

        Assert.Contains("Auth:UnauthenticatedRequestsPerSecond must be", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Auth:UnauthenticatedBurst must be at least 1", result.FailureMessage, StringComparison.Ordinal);
    }
}
