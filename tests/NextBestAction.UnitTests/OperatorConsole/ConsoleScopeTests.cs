using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NextBestAction.OperatorConsole;
using NextBestAction.OperatorConsole.Auth;
using NextBestAction.ServiceDefaults.Auth;

namespace NextBestAction.UnitTests.OperatorConsole;

/// <summary>The console's sign-in decision, its policies per scope, and where a sign-in may send the browser.</summary>
public sealed class ConsoleScopeTests
{
    private static readonly ApiKeyOptions Operator = new() { Name = "operator", Key = "operator-key-0123456789", Scopes = [Scopes.Console] };
    private static readonly ApiKeyOptions Webshop = new() { Name = "webshop", Key = "webshop-key-0123456789", Scopes = [Scopes.Decide] };
    private static readonly ApiKeyOptions PrivacyDesk = new() { Name = "privacy-desk", Key = "privacy-key-0123456789", Scopes = [Scopes.Console, Scopes.Privacy] };

    private readonly ConsoleSignIn signIn = new(
        new ApiKeyDirectory(Options.Create(new AuthOptions { ApiKeys = [Operator, Webshop, PrivacyDesk] })),
        new ConsoleAudit(NullLoggerFactory.Instance, TimeProvider.System));

    [Fact]
    public void Attempt_KeyWithConsoleScope_SignsInAsThatKey() => Assert.Same(Operator, signIn.Attempt(Operator.Key).Key);

    [Fact]
    public void Attempt_KeyWithoutConsoleScope_RefusedSayingSo() =>
        Assert.Equal((null, ConsoleSignIn.NoConsoleScopeMessage), signIn.Attempt(Webshop.Key));

    [Theory]
    [InlineData("")]
    [InlineData("not-a-configured-key-000")]
    public void Attempt_UnknownKey_Refused(string key) => Assert.Equal((null, ConsoleSignIn.UnknownKeyMessage), signIn.Attempt(key));

    [Fact]
    public void PrincipalOf_NamesTheHolderAndScopes_NeverTheKey()
    {
        var principal = ConsoleAuthentication.PrincipalOf(PrivacyDesk);

        Assert.Equal("privacy-desk", principal.Identity!.Name);
        Assert.Equal([Scopes.Console, Scopes.Privacy], principal.FindAll(ApiKeyAuthenticationHandler.ScopeClaim).Select(c => c.Value));
        Assert.DoesNotContain(principal.Claims, c => c.Value.Contains(PrivacyDesk.Key, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("operator", ConsoleAuthentication.OverviewPolicy, true)]
    [InlineData("webshop", ConsoleAuthentication.OverviewPolicy, false)]
    [InlineData("operator", ConsoleAuthentication.PolicyPrefix + Scopes.Privacy, false)]
    [InlineData("privacy-desk", ConsoleAuthentication.PolicyPrefix + Scopes.Privacy, true)]
    public async Task Policy_NeedsConsoleAndTheScreensScope(string holder, string policy, bool allowed)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddOptions<ConsoleOptions>();
        services.AddConsoleAuthentication();
        await using var provider = services.BuildServiceProvider();
        var key = new[] { Operator, Webshop, PrivacyDesk }.Single(k => k.Name == holder);

        var result = await provider.GetRequiredService<IAuthorizationService>().AuthorizeAsync(ConsoleAuthentication.PrincipalOf(key), policy);

        Assert.Equal(allowed, result.Succeeded);
    }

    [Theory]
    [InlineData(null, "/console")]
    [InlineData("/console", "/console")]
    [InlineData("/console/offers", "/console/offers")]
    [InlineData("https://evil.example/console", "/console")]
    [InlineData("//evil.example/console", "/console")]
    [InlineData("/console\\..\\v1", "/console")]
    [InlineData("/consolex", "/console")]
    public void LocalReturnUrl_OnlyConsolePages(string? returnUrl, string expected) =>
        Assert.Equal(expected, ConsoleAuthentication.LocalReturnUrl(returnUrl));

    [Theory]
    [InlineData(0, "Console:SampleIntervalSeconds must be between 1 and 60")]
    [InlineData(61, "Console:SampleIntervalSeconds must be between 1 and 60")]
    public void Validator_SampleIntervalOutOfRange_NamesTheSetting(int seconds, string message)
    {
        var result = new ConsoleOptionsValidator().Validate(null, new ConsoleOptions { SampleIntervalSeconds = seconds });

        Assert.Contains(result.Failures!, f => f.StartsWith(message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3601)]
    public void Validator_KpiSampleIntervalOutOfRange_NamesTheSetting(int seconds)
    {
        var result = new ConsoleOptionsValidator().Validate(null, new ConsoleOptions { KpiSampleIntervalSeconds = seconds });

        Assert.Contains(result.Failures!, f => f.StartsWith("Console:KpiSampleIntervalSeconds must be between 1 and 3600", StringComparison.Ordinal));
    }

    [Fact]
    public void Validator_MaxSessionShorterThanIdle_NamesBoth()
    {
        var result = new ConsoleOptionsValidator().Validate(null, new ConsoleOptions { IdleMinutes = 120, MaxSessionHours = 1 });

        Assert.Contains(result.Failures!, f => f.Contains("Console:MaxSessionHours", StringComparison.Ordinal) && f.Contains("Console:IdleMinutes", StringComparison.Ordinal));
    }

    [Fact]
    public void Validator_Defaults_Valid() => Assert.True(new ConsoleOptionsValidator().Validate(null, new ConsoleOptions()).Succeeded);
}
