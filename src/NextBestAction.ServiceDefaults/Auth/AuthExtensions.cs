using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace NextBestAction.ServiceDefaults.Auth;

public static class AuthExtensions
{
    /// <summary>
    /// API-key authentication with one authorization policy per scope, and the per-key rate limit that
    /// <see cref="RequireScope"/> applies (hosts add <c>app.UseRateLimiter()</c> after <c>UseAuthentication</c>).
    /// </summary>
    public static IHostApplicationBuilder AddApiKeyAuthentication(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthOptions>()
            .Bind(builder.Configuration.GetSection(AuthOptions.Section))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        builder.Services.AddSingleton<ApiKeyDirectory>();
        // Hosts that offer an embedded mode register their own HostingMode first.
        builder.Services.TryAddSingleton(new HostingMode(Embedded: false));

        builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder().AddScopePolicies();
        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy<string, ApiKeyRateLimiterPolicy>(ApiKeyRateLimiterPolicy.PolicyName);
        });
        return builder;
    }

    /// <summary>Requires an API key that carries <paramref name="scope"/>, and counts the request against that key's rate limit.</summary>
    public static TBuilder RequireScope<TBuilder>(this TBuilder endpoint, string scope)
        where TBuilder : IEndpointConventionBuilder =>
        endpoint.RequireAuthorization(PolicyName(scope)).RequireRateLimiting(ApiKeyRateLimiterPolicy.PolicyName);

    private static void AddScopePolicies(this Microsoft.AspNetCore.Authorization.AuthorizationBuilder builder)
    {
        foreach (var scope in Scopes.All)
        {
            builder.AddPolicy(PolicyName(scope), p => p.RequireClaim(ApiKeyAuthenticationHandler.ScopeClaim, scope));
        }
    }

    private static string PolicyName(string scope) => $"scope:{scope}";
}
