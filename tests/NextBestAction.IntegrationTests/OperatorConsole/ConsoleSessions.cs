using System.Net;
using System.Text.RegularExpressions;

namespace NextBestAction.IntegrationTests.OperatorConsole;

/// <summary>A console session over plain HTTP, signed in through the real sign-in form, for checks a browser cannot make (status codes).</summary>
public static partial class ConsoleSessions
{
    /// <summary>A client signed in with <paramref name="key"/>; its cookies hold the session and the antiforgery cookie.</summary>
    public static async Task<HttpClient> SignInAsync(ConsoleServerFactory factory, string key)
    {
        var client = factory.CreateBrowserLikeClient(new CookieContainer());
        var token = await AntiforgeryTokenAsync(client, "/console/signin");
        using var signedIn = await client.PostAsync("/console/signin", new FormUrlEncodedContent(
            [new("_handler", "signin"), new("Input.Key", key), new("__RequestVerificationToken", token)]));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return client;
    }

    /// <summary>The antiforgery token of the first form on <paramref name="path"/>, issued to the client's session.</summary>
    public static async Task<string> AntiforgeryTokenAsync(HttpClient client, string path) =>
        AntiforgeryInput().Match(await client.GetStringAsync(path)).Groups[1].Value;

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryInput();
}
