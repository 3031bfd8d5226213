using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NextBestAction.IntegrationTests.Fixtures;
using NextBestAction.OperatorConsole.Auth;
using NextBestAction.ServiceDefaults.Auth;

namespace NextBestAction.IntegrationTests.OperatorConsole;

/// <summary>
/// The console's sign-in, scope checks and antiforgery over real HTTP on Kestrel: the real cookie scheme, the real
/// antiforgery tokens, the API's own key directory.
/// </summary>
public sealed partial class ConsoleAuthTests(KafkaFixture kafka, RedisServerFixture redis) : IAsyncLifetime
{
    private readonly ConsoleServerFactory factory = new(kafka, redis);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => factory.DisposeAsync();

    [Theory]
    [InlineData("/console")]
    [InlineData("/console/kpis")]
    public async Task ConsolePage_WithoutCookie_RedirectsToSignIn(string page)
    {
        using var client = factory.CreateBrowserLikeClient();

        using var response = await client.GetAsync(page);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/console/signin", response.Headers.Location!.AbsolutePath);
        Assert.Contains("ReturnUrl=" + Uri.EscapeDataString(page), response.Headers.Location.Query, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/console")]
    [InlineData("/console/kpis")]
    public async Task ConsolePage_SessionWithoutConsoleScope_Forbidden(string page)
    {
        using var client = factory.CreateBrowserLikeClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, page);
        request.Headers.Add("Cookie", $"{ConsoleAuthentication.CookieName}={SessionCookie("webshop", Scopes.Decide, Scopes.ProfileRead)}");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task ConsolePage_SessionWithConsoleScope_ShowsTheOverview()
    {
        using var client = factory.CreateBrowserLikeClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/console");
        request.Headers.Add("Cookie", $"{ConsoleAuthentication.CookieName}={SessionCookie(ConsoleServerFactory.OperatorName, Scopes.Console)}");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("Signed in as operator", page, StringComparison.Ordinal);
        Assert.Contains("id=\"decisions-per-second\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConsolePage_SessionOlderThanMaxSessionHours_RedirectsToSignInAndDropsTheCookie()
    {
        using var client = factory.CreateBrowserLikeClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/console");
        var cookie = SessionCookie(ConsoleServerFactory.OperatorName, DateTimeOffset.UtcNow.AddHours(-13), Scopes.Console);
        request.Headers.Add("Cookie", $"{ConsoleAuthentication.CookieName}={cookie}");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/console/signin", response.Headers.Location!.AbsolutePath);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(ConsoleAuthentication.CookieName + "=;", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ApiRoute_WithConsoleCookie_StillNeedsAnApiKey()
    {
        using var client = factory.CreateBrowserLikeClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/kpis");
        request.Headers.Add("Cookie", $"{ConsoleAuthentication.CookieName}={SessionCookie("every-scope", [.. Scopes.All])}");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task SignIn_WithConsoleKey_SetsAStrictHttpOnlyCookieWithoutTheKey_AndIsAudited()
    {
        var cookies = new CookieContainer();
        using var client = factory.CreateBrowserLikeClient(cookies);
        var token = await AntiforgeryTokenAsync(client, "/console/signin");

        using var response = await client.PostAsync("/console/signin", SignInForm(ConsoleServerFactory.OperatorKey, token));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/console", new Uri(client.BaseAddress!, response.Headers.Location!).AbsolutePath);
        var setCookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(ConsoleAuthentication.CookieName + "=", StringComparison.Ordinal));
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/console", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(ConsoleServerFactory.OperatorKey, setCookie, StringComparison.Ordinal);
        using var overview = await client.GetAsync("/console");
        Assert.Equal(HttpStatusCode.OK, overview.StatusCode);

        var audit = Assert.Single(factory.Logs.Entries, e => e.Category == ConsoleAudit.Category);
        Assert.StartsWith($"Console: {ConsoleServerFactory.OperatorName} {ConsoleAudit.SignedIn} (scopes console) at ", audit.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(factory.Logs.Entries, e => e.Message.Contains(ConsoleServerFactory.OperatorKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SignIn_FormPostWithoutAntiforgeryToken_RefusedWithoutASession()
    {
        using var client = factory.CreateBrowserLikeClient();

        using var response = await client.PostAsync("/console/signin", SignInForm(NbaServerFactory.AllScopesKey, token: null));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(response.Headers.TryGetValues("Set-Cookie", out var set) && set.Any(c => c.StartsWith(ConsoleAuthentication.CookieName, StringComparison.Ordinal)));
        Assert.DoesNotContain(factory.Logs.Entries, e => e.Category == ConsoleAudit.Category && e.Message.Contains(ConsoleAudit.SignedIn, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SignOut_FormPostWithoutAntiforgeryToken_RefusedAndTheSessionStays()
    {
        var cookies = new CookieContainer();
        using var client = factory.CreateBrowserLikeClient(cookies);
        var token = await AntiforgeryTokenAsync(client, "/console/signin");
        (await client.PostAsync("/console/signin", SignInForm(ConsoleServerFactory.OperatorKey, token))).Dispose();

        using var forged = await client.PostAsync("/console/signout", new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        using var overview = await client.GetAsync("/console");
        Assert.Equal(HttpStatusCode.OK, overview.StatusCode);
        Assert.DoesNotContain(factory.Logs.Entries, e => e.Category == ConsoleAudit.Category && e.Message.Contains(ConsoleAudit.SignedOut, StringComparison.Ordinal));
    }

    /// <summary>A session cookie as the console's own cookie scheme writes it, for a principal sign-in would not produce.</summary>
    private string SessionCookie(string name, params string[] scopes) => SessionCookie(name, DateTimeOffset.UtcNow, scopes);

    private string SessionCookie(string name, DateTimeOffset issued, params string[] scopes)
    {
        _ = factory.BaseAddress;
        var options = factory.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(ConsoleAuthentication.Scheme);
        var principal = ConsoleAuthentication.PrincipalOf(new ApiKeyOptions { Name = name, Scopes = [.. scopes] });
        var properties = new AuthenticationProperties { IssuedUtc = issued, ExpiresUtc = DateTimeOffset.UtcNow.AddMinutes(10) };
        return options.TicketDataFormat.Protect(new AuthenticationTicket(principal, properties, ConsoleAuthentication.Scheme));
    }

    private static async Task<string> AntiforgeryTokenAsync(HttpClient client, string path)
    {
        var page = await client.GetStringAsync(path);
        return AntiforgeryInput().Match(page).Groups[1].Value;
    }

    private static FormUrlEncodedContent SignInForm(string key, string? token)
    {
        var fields = new List<KeyValuePair<string, string>> { new("_handler", "signin"), new("Input.Key", key) };
        if (token is not null)
        {
            fields.Add(new("__RequestVerificationToken", token));
        }

        return new FormUrlEncodedContent(fields);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryInput();
}
