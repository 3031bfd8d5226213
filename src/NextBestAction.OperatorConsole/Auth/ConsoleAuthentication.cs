using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NextBestAction.ServiceDefaults.Auth;

namespace NextBestAction.OperatorConsole.Auth;

/// <summary>
/// The console's own cookie scheme beside the API's key scheme: the cookie names who signed in (the key's name) and
/// the key's scopes, never the key. Only the console's policies name this scheme, so a console cookie authorizes no
/// <c>/v1</c> route and the API's key authentication is unchanged.
/// </summary>
public static class ConsoleAuthentication
{
    public const string Scheme = "Console";
    public const string CookieName = "nba.console";
    public const string SignInPath = "/console/signin";
    public const string SignOutPath = "/console/signout";

    /// <summary>Policy of a screen that needs <c>console</c> and <paramref name="scope"/>: the prefix plus the scope.</summary>
    public const string PolicyPrefix = "console:";

    /// <summary>The overview: the console scope alone.</summary>
    public const string OverviewPolicy = PolicyPrefix + Scopes.Console;

    public static void AddConsoleAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication().AddCookie(Scheme);
        services.AddOptions<CookieAuthenticationOptions>(Scheme).Configure<IOptions<ConsoleOptions>>((o, console) =>
        {
            o.Cookie.Name = CookieName;
            o.Cookie.Path = "/console";
            o.Cookie.HttpOnly = true;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.SlidingExpiration = true;
            o.ExpireTimeSpan = TimeSpan.FromMinutes(console.Value.IdleMinutes);
            o.LoginPath = SignInPath;
            var maxSession = TimeSpan.FromHours(console.Value.MaxSessionHours);
            o.Events = new CookieAuthenticationEvents
            {
                // A screen the user's key does not open is refused as such, not sent round to another page.
                OnRedirectToAccessDenied = context =>
                {
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    return Task.CompletedTask;
                },
                // Sliding expiry alone would keep an active session, and the scopes it was given, forever.
                OnValidatePrincipal = async context =>
                {
                    if (context.Properties.IssuedUtc is not { } issued || context.HttpContext.RequestServices
                            .GetRequiredService<TimeProvider>().GetUtcNow() - issued > maxSession)
                    {
                        context.RejectPrincipal();
                        await context.HttpContext.SignOutAsync(Scheme);
                    }
                },
            };
        });

        var policies = services.AddAuthorizationBuilder();
        foreach (var scope in Scopes.All)
        {
            policies.AddPolicy(PolicyPrefix + scope, p => p
                .AddAuthenticationSchemes(Scheme)
                .RequireAuthenticatedUser()
                .RequireClaim(ApiKeyAuthenticationHandler.ScopeClaim, Scopes.Console)
                .RequireClaim(ApiKeyAuthenticationHandler.ScopeClaim, scope));
        }
    }

    /// <summary>The principal a console session carries for <paramref name="key"/>: its name and scopes.</summary>
    public static ClaimsPrincipal PrincipalOf(ApiKeyOptions key) =>
        new(new ClaimsIdentity(
            key.Scopes.Select(s => new Claim(ApiKeyAuthenticationHandler.ScopeClaim, s)).Append(new Claim(ClaimTypes.Name, key.Name)),
            Scheme));

    /// <summary>Where to go after sign-in: <paramref name="returnUrl"/> when it is a console page, else the overview (no open redirect).</summary>
    public static string LocalReturnUrl(string? returnUrl) =>
        returnUrl is not null && (returnUrl == "/console" || returnUrl.StartsWith("/console/", StringComparison.Ordinal))
            && !returnUrl.Contains('\\', StringComparison.Ordinal)
            ? returnUrl
            : "/console";

    public static Task SignInAsync(HttpContext context, ApiKeyOptions key) =>
        context.SignInAsync(Scheme, PrincipalOf(key), new AuthenticationProperties { IsPersistent = false });
}
