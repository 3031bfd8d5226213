using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NextBestAction.Decisioning.Privacy;
using NextBestAction.IntegrationTests.Fixtures;
using NextBestAction.OperatorConsole.Auth;
using NextBestAction.OperatorConsole.Customers;
using NextBestAction.ServiceDefaults.Auth;

namespace NextBestAction.IntegrationTests.OperatorConsole;

/// <summary>
/// Who may use the customer viewer, over HTTP against the host on Kestrel: a console-only key is refused the page, a
/// key without <c>decide:debug</c> is not offered the dry run and is refused it when it posts the form anyway; the
/// look-up's answers for a malformed id and for a customer of whom nothing is held.
/// </summary>
public sealed partial class ConsoleCustomerAccessTests(KafkaFixture kafka, RedisServerFixture redis) : IAsyncLifetime
{
    private const string Page = "/console/customers";

    private readonly ConsoleServerFactory factory = new(kafka, redis);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => factory.DisposeAsync();

    [Fact]
    public async Task Page_SignedInWithAConsoleOnlyKey_Forbidden()
    {
        var cookies = new CookieContainer();
        using var client = factory.CreateBrowserLikeClient(cookies);
        var token = await AntiforgeryTokenAsync(client, "/console/signin");
        using var signIn = await client.PostAsync("/console/signin", Form(("_handler", "signin"), ("Input.Key", ConsoleServerFactory.OperatorKey), ("__RequestVerificationToken", token)));
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);

        using var response = await client.GetAsync(Page);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task DecideNow_WithoutDecideDebug_NotOffered_AndAPostIsRefusedWithNothingRun()
    {
        using var client = SignedInClient(Scopes.Console, Scopes.ProfileRead);
        var token = await AntiforgeryTokenAsync(client, Page);
        var customer = $"cust-no-debug-{factory.Suffix}";
        using var lookUp = await client.PostAsync(Page, Form(("_handler", "customer-lookup"), ("Search.CustomerId", customer), ("__RequestVerificationToken", token)));
        var page = await lookUp.Content.ReadAsStringAsync();
        Assert.Contains("id=\"dry-run-not-offered\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"decide-now\"", page, StringComparison.Ordinal);

        using var response = await client.PostAsync(Page, Form(("_handler", "customer-decide"), ("Decide.CustomerId", customer),
            ("Decide.Touchpoint", "checkout"), ("Decide.Channel", "web"), ("__RequestVerificationToken", token)));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var answer = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains(CustomerDryRun.NotAllowedMessage, answer, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"dry-run-result\"", answer, StringComparison.Ordinal);
        // The look-up was audited; no debug decision was.
        Assert.Contains("Personal data read: profile of", Assert.Single(factory.Logs.Entries, e => e.Category == PersonalDataAudit.Category).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LookUp_MalformedId_RefusedWithTheRule_UnknownCustomer_SaysNothingIsHeld()
    {
        using var client = SignedInClient(Scopes.Console, Scopes.ProfileRead);
        var token = await AntiforgeryTokenAsync(client, Page);

        using var malformed = await client.PostAsync(Page, Form(("_handler", "customer-lookup"), ("Search.CustomerId", "cust {1}"), ("__RequestVerificationToken", token)));
        using var unknown = await client.PostAsync(Page, Form(("_handler", "customer-lookup"), ("Search.CustomerId", $"cust-nobody-{factory.Suffix}"), ("__RequestVerificationToken", token)));

        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Contains("A customer id is 1 to 128 characters", WebUtility.HtmlDecode(await malformed.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, unknown.StatusCode);
        var answer = await unknown.Content.ReadAsStringAsync();
        Assert.Contains("id=\"customer-unknown\"", answer, StringComparison.Ordinal);
        Assert.Contains("Nothing is held about this customer", answer, StringComparison.Ordinal);
        Assert.Single(factory.Logs.Entries, e => e.Category == PersonalDataAudit.Category);
    }

    /// <summary>A client with a console session with <paramref name="scopes"/>, which no configured key has (console and profile:read without decide:debug).</summary>
    private HttpClient SignedInClient(params string[] scopes)
    {
        var cookies = new CookieContainer();
        var client = factory.CreateBrowserLikeClient(cookies);
        var options = factory.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(ConsoleAuthentication.Scheme);
        var principal = ConsoleAuthentication.PrincipalOf(new ApiKeyOptions { Name = "service-desk", Scopes = [.. scopes] });
        var properties = new AuthenticationProperties { IssuedUtc = DateTimeOffset.UtcNow, ExpiresUtc = DateTimeOffset.UtcNow.AddMinutes(10) };
        var ticket = options.TicketDataFormat.Protect(new AuthenticationTicket(principal, properties, ConsoleAuthentication.Scheme));
        cookies.Add(new Uri(factory.BaseAddress, "/console"), new Cookie(ConsoleAuthentication.CookieName, ticket, "/console"));
        return client;
    }

    private static async Task<string> AntiforgeryTokenAsync(HttpClient client, string path) =>
        AntiforgeryInput().Match(await client.GetStringAsync(path)).Groups[1].Value;

    private static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryInput();
}
